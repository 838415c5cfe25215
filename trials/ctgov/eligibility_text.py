"""Free-text eligibility: split into inclusion / exclusion items and read out what can be read reliably.

What is read becomes a *suggestion* (a rule in the criteria language, never applied by itself): an admin
accepts or edits it in the admin. Everything here is pure Python over the vocabulary, so it is tested
with tables of sentences and runs once per study during an import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from trials.vocabulary import fold, load_vocabulary

from trials.ctgov.criteria.split import EXCLUSION, INCLUSION, OTHER, Item, clean, split_items  # noqa: F401

# -- reading suggestions out of items ------------------------------------------------------------

_NUM = r"(\d{1,3}(?:\.\d+)?)"
_GE = r"(?:≥|>=|=>|>|greater than or equal to|greater than|at least|of at least|minimum(?: of)?|no less than|over)"
_LE = r"(?:≤|<=|=<|<|less than or equal to|less than|at most|no more than|not more than|maximum(?: of)?|up to|under)"
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}

_AGE_RANGE = re.compile(rf"\bage[sd]?\b[^.;]{{0,40}}?\b{_NUM}\s*(?:-|–|to|and)\s*{_NUM}\s*(?:years|yrs)", re.I)
_AGE_MIN = re.compile(
    rf"(?:\bage[sd]?\b[^.;\d]{{0,25}}{_GE}\s*{_NUM}|{_NUM}\s*(?:years|yrs)(?: of age)?(?: old)?\s*(?:or|and)\s*(?:older|over|above))",  # noqa: E501
    re.I,
)
_AGE_MAX = re.compile(rf"\bage[sd]?\b[^.;\d]{{0,25}}{_LE}\s*{_NUM}", re.I)

_ECOG = re.compile(r"\b(?:ECOG|Eastern Cooperative Oncology Group|WHO)\b[^.;]{0,40}?(?:performance status|PS|score)?[^.;\d]{0,20}(\d)(?:\s*(?:-|–|to|or|,)\s*(\d))*", re.I)  # noqa: E501
_ECOG_LE = re.compile(r"\bECOG\b[^.;\d]{0,40}(?:≤|<=|=<|of|less than or equal to)\s*(\d)", re.I)
_KARNOFSKY = re.compile(r"\b(?:Karnofsky|KPS)\b[^.;\d]{0,40}?(?:≥|>=|=>|>|greater than or equal to|at least|of|score)?\s*(\d{2,3})\s*%?", re.I)  # noqa: E501
_PREGNANT = re.compile(r"\bpregnan|\bbreast[\s-]?feed|\blactat|\bnursing\b", re.I)
_NEG_PREGNANCY_TEST = re.compile(r"negative\s+(?:serum\s+|urine\s+|\w+\s+)?pregnancy test|\bnot\s+(?:be\s+)?pregnant", re.I)  # noqa: E501
_SUICIDAL = re.compile(r"\bsuicid", re.I)
_SCALES = {
    "phq9": re.compile(rf"\bPHQ[\s-]?9\b[^.;\d]{{0,40}}?(?:{_GE}|score(?: of)?)\s*(\d{{1,2}})", re.I),
    "gad7": re.compile(rf"\bGAD[\s-]?7\b[^.;\d]{{0,40}}?(?:{_GE}|score(?: of)?)\s*(\d{{1,2}})", re.I),
    "hamd": re.compile(rf"\b(?:HAM-?D|HDRS|HRSD|Hamilton (?:Rating Scale for Depression|Depression Rating Scale))(?:[\s-]?(?:17|21|24))?\b[^.;\d]{{0,50}}?(?:{_GE}|score(?: of)?)\s*(\d{{1,2}})", re.I),  # noqa: E501
    "madrs": re.compile(rf"\b(?:MADRS|Montgomery[-\s–]Åsberg|Montgomery[-\s–]Asberg)\b[^.;\d]{{0,60}}?(?:{_GE}|score(?: of)?)\s*(\d{{1,2}})", re.I),  # noqa: E501
}
_AD_TRIALS = re.compile(
    r"\b(?:at least|≥|>=|a minimum of)?\s*(one|two|three|four|1|2|3|4)\b[^.;]{0,60}?\bantidepressant", re.I
)
_AD_FAILED = re.compile(r"fail|inadequate|insufficient|non-?respon|did not respond|resistant", re.I)
_PRIOR_LINES_MAX = re.compile(
    rf"{_LE}\s*(one|two|three|four|five|\d)\s*(?:\(\d\)\s*)?(?:prior|previous)?\s*(?:lines?|regimens?)\b", re.I
)
_PRIOR_LINES_MIN = re.compile(
    rf"(?:{_GE}|received)\s*(one|two|three|four|five|\d)\s*(?:\(\d\)\s*)?(?:or more\s*)?(?:prior|previous)\s*(?:lines?|regimens?|systemic)", re.I  # noqa: E501
)
_PRIOR_LINES_OVER = re.compile(
    r"(?:more than|greater than|>)\s*(one|two|three|four|five|\d)\s*(?:\(\d\)\s*)?(?:prior|previous)?\s*(?:lines?|regimens?)\b", re.I  # noqa: E501
)
_PRIOR = re.compile(r"\b(?:prior|previous(?:ly)?|history of|received|pretreated|pre-treated|refractory to)\b", re.I)
_STAGE = re.compile(r"\b(?:[Ss]tages?|STAGES?)\s+((?:(?:0|I{1,3}V?|IV)[A-C]?)(?:\s*(?:,|or|and|/|-|–|to)\s*(?:(?:0|I{1,3}V?|IV)[A-C]?))*)\b")  # noqa: E501
_STAGE_TOKEN = re.compile(r"(0|IV|I{1,3})([A-C]?)")
_STAGE_ORDER = ["0", "I", "II", "III", "IV"]
_POSITIVE = r"(?:[\s-]*(?:mutation|mutations|mutant|mutated|rearrangement|rearranged|fusion|fusions|amplification|amplified|alteration|overexpression|expression|status|receptor))?[\s-]*(positive|negative|\+(?!\d)|-(?=\s|$|,|;|\))|mutant|mutated|rearranged|amplified)"  # noqa: E501

# HAM-D 17 / MADRS thresholds → the PHQ-9 total of the same severity band. An approximation, said so.
_HAMD_BANDS = [(24, 20), (19, 15), (14, 10), (8, 5)]
_MADRS_BANDS = [(35, 20), (28, 15), (20, 10), (7, 5)]


@dataclass(frozen=True)
class Suggestion:
    kind: str
    rule: dict
    note: str = ""


@cache
def _medication_patterns():
    """One regex over every drug and class name the vocabulary knows, longest first."""
    vocab = load_vocabulary()
    names: dict[str, str] = {}
    for drug in vocab.drugs.values():
        for name in (drug.id.removeprefix("drug:").replace("_", " "), drug.names.get("en", ""), *drug.synonyms):
            if len(name) >= 4:
                names.setdefault(fold(name), drug.id)
    for cls in vocab.classes.values():
        if cls.id in ("class:PSYCHOTROPIC", "class:ANALGESIC", "class:TARGETED", "class:ANTINEOPLASTIC"):
            continue  # too broad to read out of a sentence reliably
        short = cls.short.get("en", "")
        for name in (cls.labels.get("en", ""), short, cls.id.removeprefix("class:").replace("_", " ")):
            key = fold(name)
            if len(key) >= 4 or (key.isalpha() and len(key) >= 3 and name.isupper()):
                names.setdefault(key, cls.id)
                if not key.endswith("s"):
                    names.setdefault(key + "s", cls.id)
    extra = {
        "monoamine oxidase inhibitor": "class:MAOI", "monoamine oxidase inhibitors": "class:MAOI",
        "maois": "class:MAOI", "maoi": "class:MAOI", "ssri": "class:SSRI", "ssris": "class:SSRI",
        "snri": "class:SNRI", "snris": "class:SNRI", "tricyclic antidepressants": "class:TCA",
        "tricyclics": "class:TCA", "benzodiazepines": "class:BENZODIAZEPINE", "opioids": "class:OPIOID",
        "opiates": "class:OPIOID", "antipsychotics": "class:ANTIPSYCHOTIC", "antipsychotic": "class:ANTIPSYCHOTIC",
        "antidepressant": "class:ANTIDEPRESSANT", "antidepressants": "class:ANTIDEPRESSANT",
        "platinum": "class:PLATINUM", "platinum-based": "class:PLATINUM", "taxane": "class:TAXANE",
        "taxanes": "class:TAXANE", "egfr tki": "class:EGFR_TKI", "egfr tkis": "class:EGFR_TKI",
        "egfr tyrosine kinase inhibitor": "class:EGFR_TKI", "anti-pd-1": "class:PD1_PDL1",
        "anti-pd-l1": "class:PD1_PDL1", "pd-1/pd-l1 inhibitor": "class:PD1_PDL1", "immune checkpoint inhibitor":
        "class:CHECKPOINT_INHIBITOR", "immune checkpoint inhibitors": "class:CHECKPOINT_INHIBITOR",
        "gabapentinoids": "class:GABAPENTINOID", "stimulants": "class:STIMULANT",
    }
    for name, cid in extra.items():
        if cid in vocab.classes:
            names.setdefault(name, cid)
    ordered = sorted(names, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in ordered) + r")(?![\w-])")
    return pattern, names


@cache
def _gene_pattern():
    vocab = load_vocabulary()
    names = set()
    for bm in vocab.biomarkers.values():
        for name in (bm.gene, *bm.aliases):
            if len(name) >= 3 or name in ("ER", "PR"):
                names.add(name)
    ordered = sorted(names, key=len, reverse=True)
    # Case-sensitive: "MET" the gene, not "met" the verb.
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in ordered) + r")" + _POSITIVE + r"(?![\w])")


def _exclude(rule: dict, section: str) -> dict:
    return {"not": rule} if section == EXCLUSION else rule


def _stage_list(text: str) -> list[str] | None:
    tokens = [m.group(1) + m.group(2) for m in _STAGE_TOKEN.finditer(text)]
    return list(dict.fromkeys(tokens)) or None


def read_item(item: Item, *, structured_age: tuple[float | None, float | None] = (None, None)) -> tuple[bool, list[Suggestion]]:  # noqa: E501
    """(understood, suggestions) for one item.

    An item restating the structured age window is understood with nothing to suggest.
    """
    text, section = item.text, item.section
    folded = fold(text)
    found: list[Suggestion] = []
    understood = False

    # Age: only inclusion items; a restatement of the registry's own window adds nothing.
    if section != EXCLUSION:
        age = {}
        if m := _AGE_RANGE.search(text):
            age = {"min": float(m.group(1)), "max": float(m.group(2))}
        else:
            if m := _AGE_MIN.search(text):
                age["min"] = float(m.group(1) or m.group(2))
            if m := _AGE_MAX.search(text):
                age["max"] = float(m.group(1))
        age = {k: (int(v) if v == int(v) else v) for k, v in age.items() if 0 <= v <= 120}
        if age:
            understood = True
            same = age.get("min") in (None, structured_age[0]) and age.get("max") in (None, structured_age[1])
            if not same:
                found.append(Suggestion("age", {"age": age}, "Differs from the registry's age fields."))

    if m := _ECOG_LE.search(text) or (re.search(r"\bECOG\b", text) and _ECOG.search(text)):
        values = [int(v) for v in re.findall(r"\d", text[m.start():m.end() + 12]) if int(v) <= 5] if m else []
        if values:
            bound = max(values)
            rule = {"ecog": {"max": bound}} if section != EXCLUSION else {"ecog": {"max": max(min(values) - 1, 0)}}
            if section == EXCLUSION and min(values) == 0:
                rule = None
            if rule:
                found.append(Suggestion("ecog", rule))
                understood = True
    elif m := _KARNOFSKY.search(text):
        score = int(m.group(1))
        if 10 <= score <= 100 and section != EXCLUSION:
            bound = 0 if score >= 90 else 1 if score >= 70 else 2 if score >= 50 else 3
            found.append(Suggestion("ecog", {"ecog": {"max": bound}}, f"Karnofsky ≥ {score} read as ECOG ≤ {bound}."))
            understood = True

    if _PREGNANT.search(text):
        if section == EXCLUSION or _NEG_PREGNANCY_TEST.search(text):
            found.append(Suggestion("pregnancy", {"not": {"pregnant": True}}))
            understood = True

    if section == EXCLUSION and _SUICIDAL.search(text):
        found.append(Suggestion("suicidal_ideation", {"not": {"suicidal_ideation": True}}))
        understood = True

    for kind, pattern in _SCALES.items():
        if section == EXCLUSION:
            break
        if m := pattern.search(text):
            score = int(m.group(1))
            if kind in ("phq9", "gad7"):
                top = 27 if kind == "phq9" else 21
                if score <= top:
                    found.append(Suggestion(kind, {kind: {"min": score}}))
                    understood = True
            else:
                bands = _HAMD_BANDS if kind == "hamd" else _MADRS_BANDS
                phq9 = next((p for threshold, p in bands if score >= threshold), None)
                if phq9 is not None:
                    label = "HAM-D" if kind == "hamd" else "MADRS"
                    found.append(Suggestion(kind, {"phq9": {"min": phq9}},
                                            f"{label} ≥ {score} approximated as PHQ-9 ≥ {phq9} (same severity band)."))
                    understood = True

    if section != EXCLUSION and (m := _AD_TRIALS.search(text)) and _AD_FAILED.search(text):
        count = _WORDS[m.group(1).lower()]
        found.append(Suggestion("antidepressant_trials", {"antidepressant_trials": {"min": count}}))
        understood = True

    if section == EXCLUSION and (m := _PRIOR_LINES_OVER.search(text)):
        found.append(Suggestion("prior_lines", {"prior_lines": {"max": _WORDS[m.group(1).lower()]}}))
        understood = True
    elif m := _PRIOR_LINES_MAX.search(text):
        found.append(Suggestion("prior_lines", _exclude({"prior_lines": {"max": _WORDS[m.group(1).lower()]}}, OTHER)))
        understood = True
    elif section != EXCLUSION and (m := _PRIOR_LINES_MIN.search(text)):
        found.append(Suggestion("prior_lines", {"prior_lines": {"min": _WORDS[m.group(1).lower()]}}))
        understood = True

    if section != EXCLUSION and (m := _STAGE.search(text)):
        spec = m.group(1)
        parts = re.split(r"\s*(?:-|–|to)\s*", spec)
        if len(parts) == 2 and _STAGE_TOKEN.fullmatch(parts[0]) and _STAGE_TOKEN.fullmatch(parts[1]):
            rule = {"stage": {"min": parts[0], "max": parts[1]}}
        else:
            stages = _stage_list(spec)
            rule = {"stage": {"in": stages}} if stages else None
        if rule:
            found.append(Suggestion("stage", rule))
            understood = True

    genes = _gene_pattern()
    for m in genes.finditer(text):
        gene, word = m.group(1), m.group(2).lower()
        status = "negative" if word in ("negative", "-") else "positive"
        gene = load_vocabulary().gene_key(gene)
        found.append(Suggestion("biomarker", _exclude({"biomarker": {"gene": gene, "status": status}}, section)))
        understood = True

    pattern, names = _medication_patterns()
    ids = list(dict.fromkeys(names[m.group(1)] for m in pattern.finditer(folded)))
    if any(s.kind == "antidepressant_trials" for s in found):
        ids = [i for i in ids if i != "class:ANTIDEPRESSANT"]
    if ids:
        if _PRIOR.search(text):
            kind, rule = "prior_therapy", {"prior_therapy": ids}
        else:
            kind, rule = "medication", {"medication": ids}
        found.append(Suggestion(kind, _exclude(rule, section)))
        understood = True

    unique = {}
    for s in found:
        unique.setdefault(repr(s.rule), s)
    return understood, list(unique.values())


def read_eligibility(text: str, *, min_age_years=None, max_age_years=None):
    """(items, suggestions) for a record's eligibility text.

    items: [{"section", "text", "understood"}]; suggestions: [{"kind", "section", "item", "text", "rule", "note"}],
    where "item" is the index of the item it was read from.
    """
    items, suggestions = [], []
    for index, item in enumerate(split_items(text)):
        understood, found = read_item(item, structured_age=(min_age_years, max_age_years))
        items.append({"section": item.section, "text": item.text, "understood": understood})
        for s in found:
            suggestions.append({"kind": s.kind, "section": item.section, "item": index, "text": item.text,
                                "rule": s.rule, "note": s.note})
    return items, suggestions
