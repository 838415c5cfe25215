"""Scoring the reader against a labelled set: precision, recall and wrong-direction errors per leaf kind.

Used by `bench/reader.py` and the labelled-set test. Rules are compared as *atoms*, so that equivalent ways of
writing one rule score the same: `{"not": {"medication": [a, b]}}` is the two atoms "not a" and "not b" (a
list under "not" is an "or"); an age or ECOG range is one atom per bound; an integer bound under "not" is turned
round (`not ecog min 3` = `ecog max 2`); `not biomarker positive` = `biomarker negative` (status is one or the
other). A suggested exclusion of something narrower than a labelled one (`not class:PD1_PDL1` where the label
says `not therapy:immunotherapy`) is correct but does not count towards recall.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from trials.ctgov.criteria.leaves import spec_errors
from trials.ctgov.criteria.split import text_hash
from trials.vocabulary import load_vocabulary

INTEGER_RANGES = ("ecog", "prior_lines", "antidepressant_trials", "phq9", "gad7")
RANGES = ("age", *INTEGER_RANGES)
CODE_LISTS = ("condition", "medication", "prior_therapy", "comorbidity")
BOOLEANS = ("pregnant", "metastatic", "suicidal_ideation", "measurable_disease", "travel")
THERAPY_LEAVES = ("medication", "prior_therapy", "recent_therapy")
STAGE_UNIVERSE = ["0"] + [f"{s}{sub}" for s in ("I", "II", "III", "IV") for sub in "ABC"]


def _stage_set(spec: dict) -> frozenset:
    order = {s: i for i, s in enumerate(STAGE_UNIVERSE)}

    def expand(stage: str) -> list[str]:
        stage = stage.rstrip("0123456789")
        return [stage] if stage in order and stage[-1] in "0ABC" else [s for s in STAGE_UNIVERSE if s[:-1] == stage]

    if "in" in spec:
        return frozenset(s for item in spec["in"] for s in expand(item))
    low = min(order[s] for s in expand(spec["min"])) if spec.get("min") else 0
    high = max(order[s] for s in expand(spec["max"])) if spec.get("max") else len(STAGE_UNIVERSE) - 1
    return frozenset(STAGE_UNIVERSE[low:high + 1])


def atoms(rule: dict, positive: bool = True) -> list[tuple]:
    """The atoms of one rule, each (leaf, positive, detail...)."""
    if "not" in rule and len(rule) == 1:
        return atoms(rule["not"], not positive)
    ((leaf, spec),) = rule.items()
    if leaf in RANGES:
        out = []
        for side in ("min", "max"):
            if side in spec:
                value = spec[side]
                if not positive and leaf in INTEGER_RANGES:
                    out.append((leaf, True, "max" if side == "min" else "min", value - 1 if side == "min" else value + 1))  # noqa: E501
                else:
                    out.append((leaf, positive, side, value))
        return out
    if leaf in CODE_LISTS or leaf == "disease_status":
        if not positive and leaf != "disease_status":
            return [(leaf, False, "code", code) for code in spec]
        return [(leaf, positive, "codes", frozenset(spec))]
    if leaf == "recent_therapy":
        if not positive:
            return [(leaf, False, "code", item, spec["within_weeks"]) for item in spec["items"]]
        return [(leaf, True, "codes", frozenset(spec["items"]), spec["within_weeks"])]
    if leaf == "biomarker":
        status = spec["status"]
        if not positive:
            status = "negative" if status == "positive" else "positive"
        return [(leaf, True, spec["gene"], status)]
    if leaf == "stage":
        return [(leaf, positive, _stage_set(spec))]
    if leaf in ("other_cancer", "suicidal_behavior"):
        return [(leaf, positive, json.dumps(spec, sort_keys=True))]
    if leaf in ("all", "any"):
        return [(leaf, positive, json.dumps(spec, sort_keys=True))]
    if leaf == "sex":
        return [(leaf, positive, frozenset(spec))]
    return [(leaf, positive, json.dumps(spec, sort_keys=True))]


def _narrower(predicted: tuple, expected: tuple) -> bool:
    """An excluded code narrower than a labelled excluded code of the same leaf (and window)."""
    if predicted[0] != expected[0] or predicted[1] or expected[1] or predicted[2] != "code" or expected[2] != "code":
        return False
    if predicted[0] == "recent_therapy" and predicted[4] != expected[4]:
        return False
    vocab = load_vocabulary()
    code, wider = predicted[3], expected[3]
    if predicted[0] in ("condition", "comorbidity"):
        return code in vocab.conditions and wider in vocab.ancestors(code)
    return wider in vocab.therapy_tags([code])


def _wrong_direction(atom: tuple, expected: set, label: dict) -> bool:
    leaf = atom[0]
    if label.get("not_expressible") == "sub-population" or leaf in label.get("wrong_if", ()):
        return True
    if label.get("not_expressible") == "allergy" and leaf in THERAPY_LEAVES:
        return True
    flipped = (atom[0], not atom[1], *atom[2:])
    if flipped in expected:
        return True
    if leaf in RANGES:
        same_side = any(e[0] == leaf and e[2] == atom[2] for e in expected)
        other_side = any(e[0] == leaf and e[2] != atom[2] for e in expected)
        return other_side and not same_side
    if leaf == "biomarker":
        return any(e[0] == leaf and e[2] == atom[2] and e[3] != atom[3] for e in expected)
    if atom[2] == "codes" and atom[1]:  # required where the label excludes it
        return any(e[0] == leaf and not e[1] and e[2] == "code" and e[3] in atom[3] for e in expected)
    if atom[2] == "code":
        return any(e[0] == leaf and e[1] != atom[1] and atom[3] in (e[3] if e[2] == "codes" else {e[3]}) for e in expected)  # noqa: E501
    return False


@dataclass
class Score:
    suggested: Counter = field(default_factory=Counter)
    correct: Counter = field(default_factory=Counter)
    wrong_direction: Counter = field(default_factory=Counter)
    expected: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    items_expressible: int = 0
    items_recalled: int = 0
    duplicates: list = field(default_factory=list)
    invalid: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (nct, item, kind, atom) for a report
    stale: list = field(default_factory=list)  # labels whose item moved or changed
    screening: Counter = field(default_factory=Counter)  # tp, fp, fn
    items: int = 0
    trials: int = 0

    def summary(self) -> dict:
        kinds = sorted(set(self.suggested) | set(self.expected))
        per_kind = {}
        for kind in kinds:
            per_kind[kind] = {
                "suggested": self.suggested[kind], "correct": self.correct[kind],
                "precision": round(self.correct[kind] / self.suggested[kind], 4) if self.suggested[kind] else None,
                "expected": self.expected[kind], "found": self.found[kind],
                "recall": round(self.found[kind] / self.expected[kind], 4) if self.expected[kind] else None,
                "wrong_direction": self.wrong_direction[kind],
            }
        total_suggested = sum(self.suggested.values())
        tp, fp, fn = self.screening["tp"], self.screening["fp"], self.screening["fn"]
        return {
            "items": self.items, "trials": self.trials, "stale_labels": len(self.stale),
            "suggested": total_suggested,
            "precision": round(sum(self.correct.values()) / total_suggested, 4) if total_suggested else None,
            "wrong_direction": sum(self.wrong_direction.values()),
            "duplicates": len(self.duplicates), "invalid": len(self.invalid),
            "items_expressible": self.items_expressible,
            "item_recall": round(self.items_recalled / self.items_expressible, 4) if self.items_expressible else None,
            "atom_recall": round(sum(self.found.values()) / sum(self.expected.values()), 4) if self.expected else None,
            "screening_precision": round(tp / (tp + fp), 4) if tp + fp else None,
            "screening_recall": round(tp / (tp + fn), 4) if tp + fn else None,
            "per_kind": per_kind,
        }


def _restates_age(atom: tuple, min_age, max_age) -> bool:
    return atom[0] == "age" and atom[1] and atom[3] == {"min": min_age, "max": max_age}[atom[2]]


def score(labels: list[dict], studies: dict, read) -> Score:
    """Score `read(text, min_age_years, max_age_years) -> (items, suggestions)` on `labels`.

    `studies` maps an NCT id to (criteria text, min age, max age) as the importer's mapping reads them.
    """
    result = Score()
    by_trial = defaultdict(list)
    for label in labels:
        by_trial[label["nct"]].append(label)
    for nct, trial_labels in sorted(by_trial.items()):
        text, min_age, max_age = studies[nct]
        items, suggestions = read(text, min_age_years=min_age, max_age_years=max_age)
        result.trials += 1
        per_item = defaultdict(list)
        seen_rules = {}
        for s in suggestions:
            key = json.dumps(s["rule"], sort_keys=True)
            if key in seen_rules:
                result.duplicates.append((nct, s["item"], s["rule"]))
            seen_rules[key] = s["item"]
            problems = spec_errors(s["rule"])
            if problems:
                result.invalid.append((nct, s["item"], s["rule"], problems))
            per_item[s["item"]].append(s)
        covered: set = set()  # atoms suggested so far in this trial (a later item need not repeat them)
        for label in sorted(trial_labels, key=lambda lab: lab["item"]):
            index = label["item"]
            if index >= len(items) or text_hash(items[index]["text"]) != label["hash"]:
                result.stale.append((nct, index))
                continue
            result.items += 1
            item = items[index]
            expected = {a for rule in label["rules"] for a in atoms(rule)}
            expected = {a for a in expected if not _restates_age(a, min_age, max_age)}
            predicted = [(a, s) for s in per_item[index] for a in atoms(s["rule"])]
            for atom, _ in predicted:
                kind = atom[0]
                result.suggested[kind] += 1
                if atom in expected or any(_narrower(atom, e) for e in expected):
                    result.correct[kind] += 1
                    covered.add(atom)
                elif _wrong_direction(atom, expected, label):
                    result.wrong_direction[kind] += 1
                    result.errors.append((nct, index, "wrong direction", atom))
                else:
                    result.errors.append((nct, index, "not in the label", atom))
            for atom in expected:
                result.expected[atom[0]] += 1
                if atom in covered:
                    result.found[atom[0]] += 1
                else:
                    result.errors.append((nct, index, "missed", atom))
            if expected:
                result.items_expressible += 1
                result.items_recalled += all(a in covered for a in expected)
            screening = bool(item.get("screening"))
            if screening and label["screening"]:
                result.screening["tp"] += 1
            elif screening:
                result.screening["fp"] += 1
            elif label["screening"]:
                result.screening["fn"] += 1
    return result


def load_labels(path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_studies(ctgov_dir, nct_ids) -> dict:
    """{nct: (criteria text, min age, max age)} for the given studies, read as the importer reads them."""
    import xml.etree.ElementTree as ET

    from trials.ctgov.mapping import from_v2, from_xml
    from trials.ctgov.readers import V2, iter_paths

    wanted = set(nct_ids)
    found = {}
    for raw in iter_paths([ctgov_dir]):
        if raw.error or raw.nct_id not in wanted or raw.nct_id in found:
            continue
        study = from_v2(raw.payload) if raw.kind == V2 else from_xml(ET.fromstring(raw.payload))
        found[study.ref] = (study.eligibility_text, study.min_age_years, study.max_age_years)
    return found
