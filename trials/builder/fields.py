"""Each leaf's widgets, derived from its declaration: the JSON Schema of its spec gives the fields (numbers with
their bounds, codes, choices, yes/no, a time window, alternatives), its question names the vocabulary its codes
come from, and its own check says which codes it takes. Only the words a declaration does not carry (a leaf's
title, a field's label) are kept here, each with a fallback, so a new leaf works before anyone words it.

A spec goes into form fields and back: `data_for(form, spec)` and `parse(form, data)`. Whatever a person typed is
kept, even when wrong ("abc" for a number), so validate_rule names the problem and the field shows what was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.datastructures import MultiValueDict
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from trials.eligibility import LEAVES
from trials.eligibility.declaration import REGISTRY
from trials.eligibility.leaves.cancer import STATUS_WORDS
from trials.vocabulary import fold, load_vocabulary

# The travel leaf comes from the trial's sites and criteria_review from its items' review (trial_rule adds both);
# nobody writes them by hand.
NOT_OFFERED = ("travel", "criteria_review")

LEAF_TITLES = {
    "age": _("Age"), "sex": _("Sex assigned at birth"), "pregnant": _("Pregnant or breastfeeding"),
    "condition": _("Diagnosis"), "comorbidity": _("Other conditions (comorbidities)"), "stage": _("Cancer stage"),
    "metastatic": _("Cancer has spread (metastatic)"), "ecog": _("ECOG performance status"),
    "biomarker": _("Biomarker test result"), "disease_status": _("Disease status"),
    "brain_metastases": _("Brain metastases"), "measurable_disease": _("Measurable disease"),
    "other_cancer": _("Another cancer"), "prior_therapy": _("Treatments received before"),
    "prior_lines": _("Prior lines of therapy"), "medication": _("Current medication"),
    "antidepressant_trials": _("Antidepressants tried"), "recent_therapy": _("Recent treatment (time window)"),
    "phq9": _("PHQ-9 depression score"), "gad7": _("GAD-7 anxiety score"),
    "suicidal_ideation": _("Suicidal thoughts"), "suicidal_behavior": _("Suicidal behavior"),
    "travel": _("A recruiting site within travel distance"),
}

# (leaf, field) first, then the field alone.
FIELD_LABELS = {
    ("age", "min"): _("Youngest age"), ("age", "max"): _("Oldest age"),
    ("stage", "in"): _("Stages, separated by commas (e.g. IIIB, IV)"),
    ("stage", "min"): _("From stage"), ("stage", "max"): _("To stage"),
    ("condition", "value"): _("Diagnoses (any of)"), ("comorbidity", "value"): _("Conditions (any of)"),
    ("medication", "value"): _("Medicines or drug classes (any of)"),
    ("prior_therapy", "value"): _("Treatments (any of)"), ("recent_therapy", "items"): _("Treatments (any of)"),
    ("sex", "value"): _("Sexes the trial accepts"), ("disease_status", "value"): _("Statuses the trial accepts"),
    ("brain_metastases", "value"): _("Which brain metastases"),
    "min": _("At least"), "max": _("At most"), "within_years": _("Within the last (years)"),
    "within_months": _("Within the last (months)"), "within_weeks": _("Within the last (weeks)"),
    "gene": _("Gene"), "status": _("Result"), "items": _("Codes (any of)"),
}
KIND_LABELS = {"codes": _("Codes (any of)"), "choices": _("Any of"), "choice": _("Which"),
               "yes_no": _("Met when the answer is"), "fixed": _("Met when the answer is")}
UNITS = {"within_years": _("years"), "within_months": _("months"), "within_weeks": _("weeks"),
         ("age", "min"): _("years"), ("age", "max"): _("years")}
HINTS = {("age", "min"): _("0.5 is six months"), ("age", "max"): _("0.5 is six months"),
         "within_years": _("Empty: at any time"), "within_months": _("Empty: at any time")}
# Values whose words no declaration carries.
VALUE_LABELS = {
    ("brain_metastases", "any"): _("Any (treated and stable, or active)"),
    ("brain_metastases", "active"): _("Active only (untreated, growing or needing steroids)"),
    **{("biomarker", status): words for status, words in STATUS_WORDS.items()},
    True: _("Yes"), False: _("No"),
}
MODE_LABELS = {"in": _("Any of these stages"), "min": _("A range of stages")}
GROUP_TITLES = {"all": _("All of these"), "any": _("Any of these"), "not": _("Not")}
GROUP_HELP = {"all": _("Met when every rule inside is met."), "any": _("Met when at least one rule inside is met."),
              "not": _("Turns the one rule inside around: patients who meet it are excluded.")}
VOCABULARY_POOLS = {"conditions": ("conditions",), "drugs": ("drugs", "classes"),
                    "therapies": ("drugs", "classes", "therapies")}


@dataclass(frozen=True)
class Field:
    """One widget of a leaf line. kind: number | codes | choice | choices | yes_no | fixed | text | text_list."""

    name: str  # the spec's property, or "value" when the spec is one value
    kind: str
    required: bool = False
    integer: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple = ()
    const: object = None
    mode: str | None = None  # for a spec with alternatives: the one this field belongs to


@dataclass(frozen=True)
class LeafForm:
    leaf: str
    fields: tuple[Field, ...]
    single: bool  # the spec is one value (a list, a boolean, a name), not an object
    modes: tuple[str, ...] = ()  # alternatives of the spec, named by their first property


def title(kind: str) -> str:
    if kind in GROUP_TITLES:
        return GROUP_TITLES[kind]
    return LEAF_TITLES.get(kind) or kind.replace("_", " ").capitalize()


def offered_leaves() -> list[str]:
    return [name for name in LEAVES if name not in NOT_OFFERED]


def _field(name: str, schema: dict, required: bool, mode: str | None = None) -> Field:
    kind = schema.get("type")
    if "const" in schema:
        return Field(name, "fixed", const=schema["const"], mode=mode)
    if "enum" in schema:
        return Field(name, "choice", required, choices=tuple(schema["enum"]), mode=mode)
    if kind == "boolean":
        return Field(name, "yes_no", required, mode=mode)
    if kind in ("integer", "number"):
        return Field(name, "number", required, integer=kind == "integer", minimum=schema.get("minimum"),
                     maximum=schema.get("maximum"), mode=mode)
    if kind == "array":
        items = schema.get("items", {})
        if "enum" in items:
            return Field(name, "choices", required, choices=tuple(items["enum"]), mode=mode)
        if ":" in items.get("pattern", ""):  # vocabulary ids look like "onc:NSCLC", "class:SNRI"
            return Field(name, "codes", required, mode=mode)
        return Field(name, "text_list", required, mode=mode)
    if name == "gene":
        return Field(name, "choice", required, choices=tuple(sorted(load_vocabulary().biomarkers)), mode=mode)
    return Field(name, "text", required, mode=mode)


def _object_fields(schema: dict, mode: str | None = None) -> list[Field]:
    required = set(schema.get("required", ()))
    return [_field(name, sub, name in required, mode) for name, sub in schema.get("properties", {}).items()]


@lru_cache(maxsize=64)
def _leaf_form(name: str, generation: int) -> LeafForm:
    schema = LEAVES[name].spec_schema()
    if "oneOf" in schema:
        fields, modes = [], []
        for alternative in schema["oneOf"]:
            mode = next(iter(alternative.get("properties", {})), str(len(modes)))
            modes.append(mode)
            fields += _object_fields(alternative, mode)
        return LeafForm(name, tuple(fields), single=False, modes=tuple(modes))
    if schema.get("type") == "object":
        return LeafForm(name, tuple(_object_fields(schema)), single=False)
    return LeafForm(name, (_field("value", schema, True),), single=True)


def leaf_form(name: str) -> LeafForm:
    return _leaf_form(name, REGISTRY.generation)


# -- between a spec and form fields ------------------------------------------------------------------------------

_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)$")


def _number(text: str):
    """18, 0.5, or the text as typed when it is no number (validate_rule then says what is wanted)."""
    if _INTEGER.match(text):
        return int(text)
    if _DECIMAL.match(text):
        value = float(text)
        return int(value) if value.is_integer() else value
    return text


def _show_number(value) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_MISSING = object()


def _parse_field(field: Field, data, prefix: str):
    """The field's value from the posted data; `_MISSING` when an optional field is left empty."""
    key = f"{prefix}{field.name}"
    if field.kind == "fixed":
        return field.const
    if field.kind in ("codes", "choices"):
        values = [value for value in data.getlist(key) if value != ""]
        return values if values or field.required else _MISSING
    text = (data.get(key) or "").strip()
    if field.kind == "text_list":
        tokens = [token for token in re.split(r"[\s,;]+", text) if token]
        return tokens if tokens or field.required else _MISSING
    if text == "":
        # A one-value spec left empty is still a spec: validate_rule says what it needs.
        return None if field.name == "value" else _MISSING
    if field.kind == "number":
        return _number(text)
    if field.kind == "yes_no":
        return {"true": True, "false": False}.get(text, text)
    return text




def parse(form: LeafForm, data, prefix: str = ""):
    """The spec the fields describe, kept as typed where it is wrong."""
    if form.single:
        value = _parse_field(form.fields[0], data, prefix)
        return None if value is _MISSING else value
    mode = data.get(f"{prefix}mode") if form.modes else None
    if form.modes and mode not in form.modes:
        mode = form.modes[0]
    spec = {}
    for field in form.fields:
        if field.mode != mode:
            continue
        value = _parse_field(field, data, prefix)
        if value is not _MISSING:
            spec[field.name] = value
    return spec


def mode_of(form: LeafForm, spec) -> str | None:
    """The alternative a spec is written in ({"in": …} or {"min"/"max": …} for a stage)."""
    if not form.modes:
        return None
    keys = set(spec) if isinstance(spec, dict) else set()
    return next((mode for mode in form.modes
                 if keys & {f.name for f in form.fields if f.mode == mode}), form.modes[0])


def values(form: LeafForm, spec) -> dict[str, list[str]]:
    """What each field shows for `spec`: {field name: [value as text, …]} (one item for a single-valued field)."""
    mode = mode_of(form, spec)
    out = {}
    for field in form.fields:
        if form.single:
            value = spec
        elif isinstance(spec, dict) and field.mode == mode:
            value = spec.get(field.name)
        else:
            value = None
        if field.kind in ("codes", "choices"):
            out[field.name] = [str(v) for v in value] if isinstance(value, list) else []
        elif field.kind == "text_list":
            out[field.name] = [", ".join(map(str, value)) if isinstance(value, list) else _show_number(value)]
        elif field.kind == "yes_no":
            out[field.name] = [{True: "true", False: "false"}.get(value, "" if value is None else str(value))
                               if isinstance(value, bool) or value is None else str(value)]
        else:
            out[field.name] = [_show_number(value)]
    if mode:
        out["mode"] = [mode]
    return out


def data_for(form: LeafForm, spec, prefix: str = "") -> MultiValueDict:
    """The posted data that stands for `spec`."""
    return MultiValueDict({f"{prefix}{name}": shown for name, shown in values(form, spec).items()})


def representable(name: str, spec) -> bool:
    """Whether the widgets show this spec exactly (choices aside, which they list in declared order);
    otherwise the line is edited as JSON."""
    if name not in LEAVES:
        return False
    form = leaf_form(name)
    return _in_order(form, parse(form, data_for(form, spec))) == _in_order(form, spec)


def _in_order(form: LeafForm, spec):
    """`spec` with every choice list in the declared order."""
    def ordered(field, value):
        if field.kind != "choices" or not isinstance(value, list):
            return value
        return sorted(value, key=lambda v: field.choices.index(v) if v in field.choices else len(field.choices))

    if form.single:
        return ordered(form.fields[0], spec)
    if not isinstance(spec, dict):
        return spec
    kinds = {field.name: field for field in form.fields}
    return {key: ordered(kinds[key], value) if key in kinds else value for key, value in spec.items()}


# -- words ---------------------------------------------------------------------------------------------------------

def field_label(leaf: str, field: Field) -> str:
    label = FIELD_LABELS.get((leaf, field.name))
    if label is None and field.name == "value":
        label = KIND_LABELS.get(field.kind)
    return str(label or FIELD_LABELS.get(field.name) or field.name.replace("_", " ").capitalize())


def field_unit(leaf: str, field: Field):
    return UNITS.get((leaf, field.name)) or UNITS.get(field.name)


def field_hint(leaf: str, field: Field) -> str:
    hint = HINTS.get((leaf, field.name)) or HINTS.get(field.name)
    if field.kind != "number" or field.minimum is None or field.maximum is None:
        return str(hint or "")
    bounds = {"min": _show_number(field.minimum), "max": _show_number(field.maximum)}
    base = (_("A whole number from %(min)s to %(max)s") if field.integer
            else _("A number from %(min)s to %(max)s")) % bounds
    return f"{base}. {hint}" if hint else base


def choice_label(leaf: str, field: Field, value) -> str:
    """A value's words: the leaf's own (a choice list declares them), a gene's name, or ours."""
    declared = getattr(LEAVES.get(leaf), "values", None)
    if isinstance(declared, dict) and value in declared:
        return gettext(declared[value])
    if field.name == "gene":
        return f"{value} ({load_vocabulary().label(value, _language())})"
    return str(VALUE_LABELS.get((leaf, value)) or VALUE_LABELS.get(value) or value)


def _language() -> str:
    return (get_language() or "en").split("-")[0]


# -- the vocabulary a code field takes ---------------------------------------------------------------------------

def _candidates(pools) -> list[str]:
    vocab = load_vocabulary()
    every = {"conditions": vocab.conditions, "drugs": vocab.drugs, "classes": vocab.classes,
             "therapies": vocab.therapies}
    return [code for pool in pools for code in every[pool]]


@lru_cache(maxsize=64)
def _pool(leaf: str, field: str, generation: int) -> tuple[str, ...]:
    declaration = LEAVES[leaf]
    vocabulary = next((q.vocabulary for q in declaration.questions if q.vocabulary), None)
    candidates = _candidates(VOCABULARY_POOLS.get(vocabulary, ("conditions", "drugs", "classes", "therapies")))

    def takes(code):  # the leaf's own check says whether it takes the code here
        spec = [code] if field == "value" else {**declaration.example, field: [code]}
        return not declaration.check(spec, leaf)

    return tuple(code for code in candidates if takes(code))


def code_pool(leaf: str, field: str) -> tuple[str, ...]:
    return _pool(leaf, field, REGISTRY.generation)


def code_kind(code: str) -> str:
    prefix = code.split(":", 1)[0]
    return {"drug": _("drug"), "class": _("drug class"), "therapy": _("therapy")}.get(prefix, _("condition"))


def search_codes(leaf: str, field: str, query: str, limit: int = 12) -> list[str]:
    """Codes this field takes whose name (English or Spanish), synonym or id contains the query; names that
    start with it first, then broader codes before narrower ones."""
    needle = fold(query)
    if not needle:
        return []
    vocab = load_vocabulary()
    scored = []
    for code in code_pool(leaf, field):
        names = [code.split(":", 1)[1].replace("_", " "), code, *(vocab.label(code, lang) for lang in ("en", "es"))]
        condition, drug = vocab.condition(code), vocab.drug(code)
        if condition:
            names += [*condition.synonyms["en"], *condition.synonyms["es"]]
        if drug:
            names += list(drug.synonyms)
        folded = [fold(name) for name in names]
        if any(needle in name for name in folded):
            starts = any(name.startswith(needle) for name in folded)
            scored.append(((0 if starts else 1, vocab.depth(code) if condition else 0, code), code))
    return [code for _rank, code in sorted(scored)[:limit]]


def code_label(code: str) -> str:
    return load_vocabulary().label(code, _language())
