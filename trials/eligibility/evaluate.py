"""Evaluate a rule tree for one patient: a verdict with one reason per leaf.

Three-valued (Kleene) logic, with Python's True / False / None standing for met / not met / unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from trials.eligibility.declaration import LEAVES
from trials.eligibility.geo import SiteLocation, nearest_site
from trials.eligibility.profile import Facts, Profile
from trials.eligibility.schema import RuleError
from trials.eligibility.words import Translator, Words

# Bump when a change to the engine, the vocabulary or the stored compact reasons could change a stored
# verdict or how it reads: the periodic sweep re-matches everything evaluated with an older version.
ENGINE_VERSION = "2026.12.1"

OUTCOME_NAMES = {True: "met", False: "not_met", None: "unknown"}
VERDICTS = {True: "eligible", False: "not_eligible", None: "possible"}
OUTCOME_BASE = {"eligible": 2.0, "possible": 1.0, "not_eligible": 0.0}
UNKNOWN_PENALTY = 0.05
CLOSENESS_BONUS = 0.1
NO_RADIUS_REFERENCE_KM = 500.0


class Reason:
    """One leaf's outcome, as seen by the trial (a leaf under `not` is met when its fact is absent).

    A plain slotted class rather than a dataclass: thousands are built per matching run, and what the
    sentences quote is picked out only when someone asks (`to_compact`, `sentences`).
    """

    __slots__ = ("leaf", "path", "outcome", "question", "negated", "_spec", "_raw", "_facts", "_nearest",
                 "_sites")

    def __init__(self, leaf: str, path: str, outcome: str, question: str | None, negated: bool = False,
                 spec=None, raw: bool | None = None, facts: Facts | None = None, nearest=None, sites=()):
        self.leaf = leaf
        self.path = path
        self.outcome = outcome  # "met" | "not_met" | "unknown"
        self.question = question
        self.negated = negated
        self._spec, self._raw, self._facts, self._nearest, self._sites = spec, raw, facts, nearest, sites

    def __repr__(self) -> str:
        return f"Reason({self.leaf!r}, path={self.path!r}, outcome={self.outcome!r}, question={self.question!r})"

    def quote(self) -> dict:
        return LEAVES[self.leaf].quote(self._spec, self._facts, self._nearest, self._sites, self._raw)

    def sentences(self, translator: Translator | None = None) -> tuple[str, str]:
        """(coordinator, patient) sentences in the translator's language (English without one)."""
        return LEAVES[self.leaf].word(self.quote(), self._raw, self.negated, Words(translator))

    def to_dict(self, translator: Translator | None = None) -> dict:
        coordinator, patient = self.sentences(translator)
        return {"leaf": self.leaf, "path": self.path, "outcome": self.outcome, "question": self.question,
                "negated": self.negated, "coordinator": coordinator, "patient": patient}

    def to_compact(self) -> dict:
        """What a Match stores: the outcome plus the few values the sentences quote, no sentences.

        `render_reason` words it, with no profile or trial at hand, exactly as `to_dict()` does, in
        whichever language the page that shows it is in. `question` and `negated` are left out when
        None / False, the common case.
        """
        compact = {"leaf": self.leaf, "path": self.path, "outcome": self.outcome}
        if self.question is not None:
            compact["question"] = self.question
        if self.negated:
            compact["negated"] = True
        quoted = self.quote()
        if quoted:
            compact["quote"] = quoted
        return compact


@dataclass(frozen=True)
class Verdict:
    outcome: str  # "eligible" | "possible" | "not_eligible"
    score: float
    reasons: list[Reason]
    questions: list[str]
    nearest_site_index: int | None = None
    nearest_site_km: float | None = None
    engine_version: str = ENGINE_VERSION

    def to_dict(self, translator: Translator | None = None) -> dict:
        return {
            "outcome": self.outcome, "score": self.score, "questions": list(self.questions),
            "nearest_site_index": self.nearest_site_index,
            "nearest_site_km": None if self.nearest_site_km is None else round(self.nearest_site_km, 1),
            "engine_version": self.engine_version, "reasons": [r.to_dict(translator) for r in self.reasons],
        }

    def to_compact(self) -> list[dict]:
        """The reasons as a Match stores them (see `Reason.to_compact`); `render_reasons` words them."""
        return [r.to_compact() for r in self.reasons]


def render_reason(compact: dict, translator: Translator | None = None) -> dict:
    """One stored compact reason -> `Reason.to_dict()`: leaf, path, outcome, question, negated and the
    coordinator and patient sentences in the translator's language."""
    outcome, negated = compact["outcome"], compact.get("negated", False)
    raw = None if outcome == "unknown" else (outcome == "met") != negated  # the leaf's value before `not`
    coordinator, patient = LEAVES[compact["leaf"]].word(compact.get("quote", {}), raw, negated, Words(translator))
    return {"leaf": compact["leaf"], "path": compact["path"], "outcome": outcome, "question": compact.get("question"),
            "negated": negated, "coordinator": coordinator, "patient": patient}


def render_reasons(compact_reasons: list[dict], translator: Translator | None = None) -> list[dict]:
    return [render_reason(compact, translator) for compact in compact_reasons]


class _Run:
    """State of one evaluation; a class so the recursive walk passes one argument, not seven."""

    __slots__ = ("facts", "nearest", "sites", "reasons")

    def __init__(self, facts: Facts, nearest, sites):
        self.facts, self.nearest, self.sites = facts, nearest, sites
        self.reasons: list[Reason] = []

    def walk(self, node, path: str, negated: bool) -> tuple[bool | None, list[str]]:
        """(value, questions that could still change this node's value)."""
        if type(node) is not dict or len(node) != 1:
            raise RuleError([f"{path or 'rule'}: must be an object with exactly one key"])
        ((key, spec),) = node.items()
        prefix = f"{path}." if path else ""
        if key == "all" or key == "any":
            stop = key == "any"  # the value that decides the node outright: any met / all not met
            unknown_questions: list[str] = []
            seen_unknown = decided = False
            for i, child in enumerate(spec):
                value, questions = self.walk(child, f"{prefix}{key}[{i}]", negated)
                if value is stop:
                    decided = True  # keep walking: every leaf gets a reason
                elif value is None:
                    seen_unknown = True
                    unknown_questions.extend(questions)
            if decided:
                return stop, []
            return (None, unknown_questions) if seen_unknown else (not stop, [])
        if key == "not":
            value, questions = self.walk(spec, f"{prefix}not", not negated)
            return (None if value is None else not value), questions
        leaf = LEAVES.get(key)
        if leaf is None:
            raise RuleError([f"{prefix}{key}: unknown criterion"])
        raw = leaf.evaluate(spec, self.facts, self.nearest)
        question = leaf.question_for(spec, self.facts) if raw is None else None
        effective = raw if raw is None or not negated else not raw
        self.reasons.append(Reason(key, prefix + key, OUTCOME_NAMES[effective], question, negated,
                                   spec, raw, self.facts, self.nearest, self.sites))
        return raw, ([question] if question else [])


def evaluate(rule: dict, profile: Profile, today: date, sites: list[SiteLocation] | tuple = ()) -> Verdict:
    """Evaluate `rule` for `profile` on `today`; `sites` are the trial's sites (for `travel` and ranking).

    Score, higher ranks first: the outcome sets the band (eligible 2, possible 1, not eligible 0), and
    within it `0.85 × fraction of leaves met − 0.05 × unknown leaves (floored at 0) + up to 0.1 for a
    close recruiting site` (linear from 0 km to the patient's travel radius, or to 500 km when the radius
    is unknown), capped below the next band. A possible verdict that waits on the study team (an unknown
    leaf the patient cannot settle, such as criteria still under review) takes the lower half of its band,
    one that waits only on the patient's answers the upper half. So an eligible trial always outranks a
    possible one, a fully reviewed trial outranks one under review, and among equals fewer open questions
    and a shorter trip rank first.
    """
    facts = profile.facts(today)
    nearest = None
    if profile.latitude is not None and profile.longitude is not None and sites:
        nearest = nearest_site(profile.latitude, profile.longitude, sites)
    run = _Run(facts, nearest, tuple(sites))
    value, questions = run.walk(rule, "", False)
    outcome = VERDICTS[value]
    reasons = run.reasons
    met = sum(1 for r in reasons if r.outcome == "met")
    unknown = sum(1 for r in reasons if r.outcome == "unknown")
    within = 0.85 * met / len(reasons) if reasons else 0.85
    within = max(0.0, within - UNKNOWN_PENALTY * unknown)
    if nearest is not None:
        reference = profile.travel_radius_km or NO_RADIUS_REFERENCE_KM
        within += CLOSENESS_BONUS * max(0.0, 1.0 - nearest[1] / reference)
    within = min(within, 0.999)
    if outcome == "possible":
        waits_on_team = any(r.outcome == "unknown" and LEAVES[r.leaf].waits_on != "patient" for r in reasons)
        within = within / 2 + (0.0 if waits_on_team else 0.5)
    score = round(OUTCOME_BASE[outcome] + within, 4)
    return Verdict(
        outcome=outcome, score=score, reasons=reasons, questions=list(dict.fromkeys(questions)),
        nearest_site_index=None if nearest is None else nearest[0],
        nearest_site_km=None if nearest is None else nearest[1],
    )


def trial_rule(min_age_years: float | None = None, max_age_years: float | None = None, sexes=None,
               condition_codes=None, criteria: dict | None = None, has_sites: bool = False,
               review: tuple[int, int] | None = None) -> dict:
    """One rule tree from a trial's structured fields plus its curated criteria.

    Parts that say nothing are left out: no age bounds, no sex restriction (None, empty, or both sexes),
    no conditions, an empty criteria tree. `review` is (items reviewed, items in all) while any of the
    trial's free-text eligibility items is still pending, None once every item is accounted for: pending
    items keep the verdict at "possible" (the `criteria_review` leaf).
    """
    parts: list[dict] = []
    if min_age_years is not None or max_age_years is not None:
        age = {}
        if min_age_years is not None:
            age["min"] = min_age_years
        if max_age_years is not None:
            age["max"] = max_age_years
        parts.append({"age": age})
    wanted_sexes = sorted({s.lower() for s in sexes or ()} & {"female", "male"})
    if wanted_sexes and len(wanted_sexes) < 2:
        parts.append({"sex": wanted_sexes})
    if condition_codes:
        parts.append({"condition": list(dict.fromkeys(condition_codes))})
    if criteria:
        if set(criteria) == {"all"}:
            parts.extend(criteria["all"])  # flatter paths for coordinators: all[3] rather than all[3].all[0]
        else:
            parts.append(criteria)
    if has_sites:
        parts.append({"travel": True})
    if review is not None:
        reviewed, total = review
        parts.append({"criteria_review": {"reviewed": reviewed, "total": total}})
    return {"all": parts}
