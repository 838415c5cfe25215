"""One declaration per criterion leaf, and the registry every other part of the engine reads.

A leaf is declared once, as an instance of `Leaf` (usually of one of the kinds in `kinds.py`) passed to
`register`. The declaration says which profile facts the leaf reads, the JSON Schema of its spec, how a
spec is checked (messages that name the path), how it evaluates (True / False / None), which question
would settle it, what its sentences quote and how they are worded, and the follow-up questions as plain
data. From the registry come the rule's JSON Schema (`schema.rule_schema`), `validate_rule`, the
evaluation dispatch (`evaluate`), the sentences (`Reason.sentences`) and the question metadata
(`QUESTIONS`). Adding a leaf: see the README, "Adding a criterion leaf".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trials.eligibility.words import Translator, Words

INNER = ("all", "any", "not")


@dataclass(frozen=True)
class Choice:
    value: object  # what the answer stores, as JSON
    label: str | None  # msgid; None for a vocabulary id, which is named by the vocabulary


@dataclass(frozen=True)
class Question:
    """A follow-up question as plain data; the Django side builds its form field from it.

    kind: "date" | "choice" | "yes_no" | "number" | "codes" (several ids of `vocabulary`, among the
    `choices` when given) | "questionnaire" (the items of the instrument named by `key`) |
    "location" (postal code) | "when" (`choices` are [min, max) intervals in `unit`, max None = open).
    Every question also accepts "I don't know", which leaves the fact None.
    A question key with a dot ("biomarkers.EGFR") asks the question of its first part about one item.
    """

    key: str  # the profile fact it settles
    kind: str
    label: str  # msgid
    choices: tuple[Choice, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None  # msgid
    vocabulary: str | None = None  # "conditions" | "drugs" | "therapies" (drugs, classes and therapies)
    help_text: str | None = None  # msgid

    def to_dict(self, translator: Translator | None = None) -> dict:
        """JSON-safe, worded in the translator's language."""
        w = Words(translator)
        out = {"key": self.key, "kind": self.kind, "label": w.gettext(self.label)}
        if self.choices:
            out["choices"] = [
                {"value": list(c.value) if isinstance(c.value, tuple) else c.value,
                 "label": w.gettext(c.label) if c.label else w.label(c.value)}
                for c in self.choices
            ]
        for name in ("minimum", "maximum", "vocabulary"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        for name in ("unit", "help_text"):
            if getattr(self, name):
                out[name] = w.gettext(getattr(self, name))
        return out


class Leaf:
    """What every leaf declares. The kinds in `kinds.py` fill most of it from a few arguments.

    `negation` says how a leaf under an odd number of `not`s is worded:
    - "opposite": its own sentences take `negated` into account (yes/no facts read as the fact and
      whether the trial accepts it; `not sex: [male]` reads as "female only");
    - "tail": the sentences state the fact and the trial's view is added: "Takes duloxetine (SNRI),
      which the trial excludes".
    """

    name: str = ""
    facts: tuple[str, ...] = ()
    questions: tuple[Question, ...] = ()
    negation: str = "tail"
    example: object = None  # a valid spec, for the README, docs and tests
    # Who can settle the leaf when it is unknown: the patient, by answering its question, or the study team (a
    # fact of the trial the Django side passes in, such as how much of its free text was reviewed). A possible
    # verdict that waits on the study team ranks below one that waits only on the patient.
    waits_on: str = "patient"

    def spec_schema(self) -> dict:
        """JSON Schema (Draft 2020-12) of the spec, the value under the leaf's key."""
        raise NotImplementedError

    def check(self, spec, where: str) -> list[str]:
        """Every problem with `spec`, each message starting with its path (`where` is the leaf's own)."""
        raise NotImplementedError

    def evaluate(self, spec, facts, nearest) -> bool | None:
        """True (met), False (not met) or None (unknown: the patient has not told us). The spec is valid."""
        raise NotImplementedError

    def question_for(self, spec, facts) -> str | None:
        """The question whose answer would settle this leaf when it evaluates to None."""
        return self.questions[0].key if self.questions else None

    def quote(self, spec, facts, nearest, sites, raw) -> dict:
        """The few JSON-safe values the sentences quote (a Match stores them); {} when nothing is needed."""
        raise NotImplementedError

    def sentences(self, quote: dict, raw, negated: bool, w: Words) -> tuple[str, str]:
        """(coordinator, patient) sentences from `quote`; `raw` is the leaf's value before any `not`."""
        raise NotImplementedError

    def word(self, quote: dict, raw, negated: bool, w: Words) -> tuple[str, str]:
        coordinator, patient = self.sentences(quote, raw, negated, w)
        if self.negation == "tail" and negated and raw is not None:
            return negated_tail(coordinator, patient, raw, w)
        return coordinator, patient


def negated_tail(coordinator: str, patient: str, present: bool, w: Words) -> tuple[str, str]:
    """What the trial thinks of a fact it excludes: present (excluded) or absent (as required)."""
    if present:
        return (w.gettext("%(sentence)s, which the trial excludes", sentence=coordinator),
                w.gettext("%(sentence)s This trial does not accept that.", sentence=patient))
    return (w.gettext("%(sentence)s, as the trial requires", sentence=coordinator),
            w.gettext("%(sentence)s That is what the trial needs.", sentence=patient))


def judged(coordinator: str, patient: str, met, w: Words) -> tuple[str, str]:
    """A stated fact and whether the trial accepts it (after any `not`); unknown facts stand alone."""
    if met is None:
        return coordinator, patient
    if met:
        return (w.gettext("%(sentence)s, as required", sentence=coordinator),
                w.gettext("%(sentence)s The trial accepts that.", sentence=patient))
    return (w.gettext("%(sentence)s, which the trial excludes", sentence=coordinator),
            w.gettext("%(sentence)s This trial does not accept that.", sentence=patient))


@dataclass
class Registry:
    """The declared leaves by name, and their questions by key. `generation` changes with every change."""

    leaves: dict[str, Leaf] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    generation: int = 0

    def register(self, leaf: Leaf) -> Leaf:
        if not leaf.name or leaf.name in INNER or leaf.name in self.leaves:
            raise ValueError(f"leaf {leaf.name!r}: no name, an inner node's name, or declared twice")
        for question in leaf.questions:
            known = self.questions.get(question.key)
            if known is not None and known != question:
                raise ValueError(f"leaf {leaf.name!r}: question {question.key!r} is declared differently elsewhere")
        self.leaves[leaf.name] = leaf
        self._changed()
        return leaf

    def unregister(self, name: str) -> None:
        del self.leaves[name]
        self._changed()

    def _changed(self) -> None:
        self.questions.clear()
        for leaf in self.leaves.values():
            for question in leaf.questions:
                self.questions.setdefault(question.key, question)
        self.generation += 1


REGISTRY = Registry()
LEAVES = REGISTRY.leaves  # name -> Leaf, in declaration order
QUESTIONS = REGISTRY.questions  # question key -> Question
register = REGISTRY.register
unregister = REGISTRY.unregister


def question(key: str) -> Question | None:
    """The question for a key `verdict.questions` holds ("ecog", "biomarkers.EGFR")."""
    return QUESTIONS.get(key.split(".", 1)[0])
