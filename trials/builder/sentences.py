"""What a coordinator and a patient will read about one line of the tree, worded by the engine itself.

A line's sentences depend on the patient, so the builder asks the engine about example patients: one who meets
the line, one who does not, one who has not answered. The examples are made from the line's own spec and the
leaf's declaration (the profile facts it reads, the answers its questions offer), and `evaluate` decides which
example is which, so nothing here restates what a leaf means or how it is worded.
"""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date

from django.utils import translation

from trials.eligibility import LEAVES, QUESTIONS, Profile, evaluate, question, validate_rule
from trials.vocabulary import load_vocabulary

OUTCOMES = ("met", "not_met", "unknown")
LANGUAGES = ("en", "es")
# Enough combinations for any leaf's two or three facts; beyond it the first examples found are kept.
MOST_EXAMPLES = 400
FACT_TYPES = {field.name: str(field.type) for field in dataclasses.fields(Profile) if field.init}


def _flatten(spec):
    """Every scalar in a spec: the numbers, names and codes the examples are made of."""
    if isinstance(spec, dict):
        for value in spec.values():
            yield from _flatten(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from _flatten(value)
    elif spec is not None:
        yield spec


def _years_before(today: date, years: float) -> date:
    months = round(years * 12)
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, 28))


def _outside_code(kind_of: str, listed: set[str]) -> str | None:
    """A vocabulary id none of the listed ones covers (nor is broader than), for a patient who has other things."""
    vocab = load_vocabulary()
    if kind_of == "conditions":
        covered = set().union(*(vocab.descendants(code) | vocab.ancestors(code) for code in listed))
        kinds = {vocab.condition(code).kind for code in listed if vocab.condition(code)}
        return next((code for code, condition in vocab.conditions.items()
                     if code not in covered and (not kinds or condition.kind in kinds)), None)
    return next((drug for drug in vocab.drugs if not vocab.therapy_tags([drug]) & listed), None)


def _candidates(fact: str, spec, today: date) -> list:
    """Values of one profile fact worth trying for this spec, None (not answered) first."""
    kind = FACT_TYPES.get(fact, "")
    scalars = list(_flatten(spec))
    numbers = [v for v in scalars if isinstance(v, (int, float)) and not isinstance(v, bool)]
    strings = [v for v in scalars if isinstance(v, str)]
    question = QUESTIONS.get(fact)
    offered = [choice.value for choice in question.choices] if question else []
    vocab = load_vocabulary()
    out: list = [None]
    if kind.startswith("bool"):
        out += [True, False]
    elif kind.startswith("int"):
        # The bounds themselves and their neighbours first: the examples show where a range starts and stops.
        around = [max(0, int(n) + step) for n in numbers for step in (0, -1, 1)]
        out += list(dict.fromkeys([*around, *(v for v in offered if isinstance(v, int))]))
    elif kind.startswith("date"):
        out += [_years_before(today, max(0, n + step)) for n in numbers for step in (0, -1, 1)]
    elif kind.startswith("str"):
        out += list(dict.fromkeys([*strings, *(v for v in offered if isinstance(v, str))]))
    elif kind.startswith("tuple"):
        codes = [s for s in strings if ":" in s]
        pool = "conditions" if any(vocab.condition(code) for code in codes) else "therapies"
        outside = _outside_code(pool, set(codes))
        out += [(code,) for code in codes] + ([(outside,)] if outside else []) + [()]
    elif kind.startswith("dict[str, str]"):  # a gene's test result
        genes = [s for s in strings if vocab.biomarker(s)]
        results = [v for v in offered if isinstance(v, str)]
        out += [{gene: result} for gene in genes for result in results]
    elif kind.startswith("dict"):  # weeks since the last dose of each item
        items = [s for s in strings if vocab.is_known_id(s)]
        spans = [tuple(v) for v in offered] + [(0, int(n)) for n in numbers] + [(int(n), None) for n in numbers]
        out += [{item: span} for item in items for span in dict.fromkeys(spans)] + [{}]
    return out


def examples(leaf: str, spec, negated: bool, today: date) -> dict[str, object]:
    """{outcome: Reason} for example patients, as the trial sees the line (a line under `not` is met when its
    fact is absent). An outcome no example reaches is left out; an invalid spec has no examples."""
    declaration = LEAVES.get(leaf)
    if declaration is None or validate_rule({leaf: spec}):
        return {}
    rule = {"not": {leaf: spec}} if negated else {leaf: spec}
    facts = [fact for fact in declaration.facts if fact in FACT_TYPES]
    found: dict[str, object] = {}
    # The leaf's own fact answered first, the others it also reads left unanswered where they can be: the
    # simplest patient of each outcome.
    choices = [_candidates(fact, spec, today) for fact in facts]
    if choices:
        choices[0] = choices[0][1:] + choices[0][:1]
    combinations = itertools.product(*choices)
    for values in itertools.islice(combinations, MOST_EXAMPLES):
        reason = evaluate(rule, Profile(**dict(zip(facts, values, strict=True))), today).reasons[0]
        found.setdefault(reason.outcome, reason)
        if len(found) == len(OUTCOMES):
            break
    return found


def worded(leaf: str, spec, negated: bool, today: date) -> list[dict]:
    """[{"outcome", "en": {"coordinator", "patient", "question"}, "es": {…}}] in the order met, not met, unknown;
    "question" is the follow-up question asked while the patient has not answered."""
    found = examples(leaf, spec, negated, today)
    rows = []
    for outcome in OUTCOMES:
        if outcome not in found:
            continue
        row = {"outcome": outcome}
        asked = question(found[outcome].question) if found[outcome].question else None
        for language in LANGUAGES:
            with translation.override(language):
                coordinator, patient = found[outcome].sentences(translation)
                # The follow-up question the patient is asked while this is unknown, as the intake words it.
                follow_up = asked.to_dict(translation)["label"] if asked else ""
            row[language] = {"coordinator": coordinator, "patient": patient, "question": follow_up}
        rows.append(row)
    return rows
