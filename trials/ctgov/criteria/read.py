"""Reading one eligibility item: precise suggestions in the criteria language, and whether it is a screening item.

Precision first: an item is only read when what it says is plain. Before any leaf is read:
- an item under a sub-population, a list of alternatives, a definition or a list of exceptions gives nothing
  (the splitter says which), nor does one that scopes itself ("applicable to non-squamous patients only");
- sentences that permit ("treated brain metastases are eligible", "may receive adjuvant chemotherapy") are set
  aside, and so is what follows "except", "other than", "unless" and "e.g." in a sentence;
- a concept is negated when a negation cue ("no", "not", "without", "absence of", "naïve") comes before it in
  its clause (the NegEx / ConText idea, with the cues eligibility text uses). An exclusion is written
  {"not": ...}; a negated inclusion too; a negated exclusion ("no evidence of ...") is too ambiguous to read.
"""

from __future__ import annotations

import re

from trials.ctgov.criteria.context import (
    FUTURE,
    GE,
    INLINE_SCOPE,
    JUDGEMENT,
    LE,
    NUM,
    Suggestion,
    as_int,
    as_number,
    is_negated,
    polarity,
    split_sentences,
    time_window,
    wrap,
)
from trials.ctgov.criteria.patterns import (
    MEDICATION_CLASS,
    biomarkers_in,
    condition_pattern,
    therapy_pattern,
)
from trials.ctgov.criteria.split import ALTERNATIVES, DEFINITION, EXCEPTIONS, EXCLUSION, SUBPOPULATION, Item
from trials.vocabulary import fold

# -- the leaves ---------------------------------------------------------------------------------------------

_AGE_RANGE = re.compile(r"\b(?:age[sd]?\b|between\b)[^.;]{0,40}?\b(\d{1,3})\s*(?:-|–|to|and)\s*(\d{1,3})\b(?!\s*(?:%|kg|months|weeks|days|hours))", re.I)  # noqa: E501
_AGE_RANGE_YEARS = re.compile(r"\b(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})\s*(?:years|yrs)\b", re.I)
_AGE_MIN = re.compile(
    rf"\bage[sd]?\b[^.;\d]{{0,25}}{GE}\s*(\d{{1,3}})(?!\s*(?:months|weeks|days|%))|\b(\d{{1,3}})\s*(?:\+\s*)?(?:years|yrs|yr)(?:\s+of\s+age)?(?:\s+old)?\s*(?:or|and)\s*(?:older|over|above|more)|"
    rf"\b(?:minimum age|aged?)\s+(?:of\s+)?(\d{{1,3}})\s*(?:years)?\s*(?:or|and)\s*(?:older|over|above)|{GE}\s*(\d{{1,3}})\s*(?:years|yrs)|"  # noqa: E501
    rf"\bminimum age of (\d{{1,3}})|\b(\d{{1,3}})\+\s*years", re.I)
_AGE_MAX = re.compile(rf"\bage[sd]?\b[^.;\d]{{0,25}}{LE}\s*(\d{{1,3}})", re.I)
_AGE_OTHERS = re.compile(r"\b(?:donors?|siblings?|relatives?|partners?|parents?|children|caregivers?|controls?|infants?)\b", re.I)  # noqa: E501


def _age(text: str, structured) -> dict | None:
    if _AGE_OTHERS.search(text) or not re.search(r"\b(?:age|aged|years|yrs|yr)\b", text, re.I):
        return None
    age: dict = {}
    if m := (_AGE_RANGE.search(text) or _AGE_RANGE_YEARS.search(text)):
        low, high = float(m.group(1)), float(m.group(2))
        if low < high:
            age = {"min": low, "max": high}
    else:
        if m := _AGE_MIN.search(text):
            age["min"] = float(next(g for g in m.groups() if g))
        if m := _AGE_MAX.search(text):
            age["max"] = float(m.group(1))
    age = {k: as_int(v) for k, v in age.items() if 0 <= v <= 120}
    if not age or (age.get("min") is not None and age.get("max") is not None and age["min"] > age["max"]):
        return None
    return age


_ECOG = re.compile(r"\b(?:ECOG|Eastern Cooperative Oncology Group|WHO (?:physical|performance) status|"
                   r"performance status(?: \(PS\))?(?: score)?)\b", re.I)
_ECOG_VALUES = re.compile(
    rf"^[^.;\d]{{0,60}}?(?P<op>{GE}|{LE}|=|equal to|of|:)?\s*(?P<a>[0-5])(?:\s*(?:-|–|~|to|or|,|and)\s*(?P<b>[0-5]))?"
    rf"(?:\s*(?:,\s*or|,\s*and|,|or|and)\s*(?P<c>[0-5]))?(?:\s*(?:,\s*or|,\s*and|,|or|and)\s*(?P<d>[0-5]))?(?!\d|\.\d|\s*%)", re.I)  # noqa: E501


def _ecog(text: str, section: str) -> dict | None:
    m = _ECOG.search(text)
    if not m or re.search(r"\b(?:Karnofsky|Lansky)\b[^.;]{0,40}\bor\b", text[:m.start()], re.I):
        pass
    if not m:
        return None
    v = _ECOG_VALUES.match(text[m.end():])
    if not v:
        return None
    values = [int(x) for x in (v.group("a"), v.group("b"), v.group("c"), v.group("d")) if x is not None]
    op = (v.group("op") or "").lower()
    low, high = min(values), max(values)
    if re.fullmatch(GE, op) and len(values) == 1:
        low, high = (low + 1 if op in (">", "greater than", "over", "above") else low), 5
    elif re.fullmatch(LE, op) and len(values) == 1:
        low, high = 0, (high - 1 if op in ("<", "less than", "under", "below") else high)
    if section == EXCLUSION:
        # The item names the excluded scores: what is left is the rule.
        if high >= 4 and low >= 1:
            return {"max": low - 1}
        return None
    spec = {}
    if low > 0:
        spec["min"] = low
    if high < 4 or low == 0:
        spec["max"] = high
    return spec or None


_PREGNANT = re.compile(r"\bpregnan|\bbreast[\s-]?feed|\blactat|\bnursing\b", re.I)
_NOT_PREGNANT = re.compile(r"negative\s+(?:\w+\s+){0,3}pregnancy test|\bnot\s+(?:be\s+)?pregnant|\bnot pregnant", re.I)
_SUICIDE_IDEATION = re.compile(r"\bsuicidal(?:ity| ideation| intention| thoughts)?\b|\bsuicidality\b|\bplan and intent for suicide", re.I)  # noqa: E501
_SUICIDE_BEHAVIOUR = re.compile(r"\bsuicid(?:e|al)\s+(?:attempts?|behaviou?rs?)|\battempt(?:ed)? suicide|\bor attempt\b", re.I)  # noqa: E501
_COMORBIDITIES = [
    ("other:HIV", re.compile(r"\bHIV\b|human immunodeficiency virus|\bAIDS\b")),
    ("other:HBV", re.compile(r"hepatitis\s*(?:type\s*)?B\b|\bHBV\b|\bHBsAg\b|hepatitis(?!\s*(?:type\s*)?[A-Z]\b)(?! [a-z]+ed)", re.I)),  # noqa: E501
    ("other:HCV", re.compile(r"hepatitis\s*(?:type\s*)?(?:B\s*(?:,|or|and|/)\s*(?:hepatitis\s*)?)?C\b|\bHCV\b|hepatitis(?!\s*(?:type\s*)?[A-Z]\b)(?! [a-z]+ed)", re.I)),  # noqa: E501
    ("other:HEART_FAILURE", re.compile(r"heart failure|cardiac failure|cardiac insufficiency|\bCHF\b", re.I)),
    ("other:MI_STROKE_RECENT", re.compile(r"myocardial infarction|heart attack", re.I)),
    ("other:SEIZURE", re.compile(r"\bseizures?\b|\bepilep", re.I)),
    ("other:SUBSTANCE_USE", re.compile(
        r"(?<!mild )substance (?:use|abuse|dependence)|drug abuse|alcohol(?:ism| abuse| dependence)|abuse of alcohol|"
        r"alcohol or (?:substance|drug) (?:use|abuse|dependence)|alcohol and/or (?:recreational )?drugs?|addiction\b", re.I)),  # noqa: E501
    ("psy:PSYCHOSIS", re.compile(r"(?<!anti)(?<!in )(?<!to )\bpsycho(?:sis|tic)\b", re.I)),
    ("psy:BIPOLAR", re.compile(r"\bbipolar\b", re.I)),
]
_CNS = re.compile(
    r"\b(?:brain|CNS|central nervous system(?: \(CNS\))?)\s+(?:parenchymal\s+)?(?:metastas[ie]s|metastatic disease|involvement|leuka?emia|disease)|"  # noqa: E501
    r"leuka?emi\w* infiltration of the central nervous system|\bCNS\) involvement|central nervous system metastatic disease|"  # noqa: E501
    r"\bCNS\) metastas[ie]s|\bCNS\) leuka?emia", re.I)
_CNS_ACTIVE = re.compile(r"\b(?:active|symptomatic|uncontrolled|untreated|unstable|progressive|progressing)\b", re.I)
_OTHER_CANCER = re.compile(
    r"\b(?:other|another|second|secondary|prior|previous|additional|concomitant|concurrent|history of)\s+(?:\w+\s+){0,2}?"  # noqa: E501
    r"(?:primary\s+)?(?:malignan\w*|cancers?|tumou?rs?|neoplasms?|carcinomas?|malignant (?:disease|tumou?rs?))|"
    r"\b(?:malignan\w*|cancers?|tumou?rs?)\s+other than\b|\btumou?r history\b|\bdiagnosis of malignant disease\b", re.I)
_OC_ACTIVE = re.compile(r"\b(?:active|currently|concurrent|concomitant|ongoing|requir\w+ (?:active|ongoing))\b", re.I)
_OC_YEARS = re.compile(rf"(?:{NUM}\s*(years?|months?))", re.I)
_RECENT_CUE = re.compile(r"\b(?:within|in the (?:past|last)|during the previous|prior to|before|for at least)\b|<|≤", re.I)  # noqa: E501
_PRIOR_CUE = re.compile(r"\b(?:prior|previous(?:ly)?|history of|received|receiving complete|treated with|treatment with|"  # noqa: E501
                        r"exposure to|exposed to|pretreated|pre-treated|refractory|resistant|failed|progressed|"
                        r"intolerant|na[iï]ve|untreated)\b", re.I)
_CURRENT_CUE = re.compile(r"\b(?:current(?:ly)?|concurrent|concomitant|ongoing|is on|are on|taking|using|use of)\b", re.I)  # noqa: E501
_RESECTED = re.compile(r"\b(?:completely\s+|complete\s+)?resect(?:ed|ion)\b", re.I)
_MEASURABLE = re.compile(r"\bmeasurable\s+(?:\w+\s+){0,2}(?:disease|lesions?)|\btarget lesion", re.I)
_DISEASE_STATUS = re.compile(r"\brelapsed\s*(?:/|or|and/or)\s*refractory\b|\brefractory\s*(?:/|or)\s*relapsed\b|\bR/R\b|"  # noqa: E501
                             r"\b(?P<new>newly diagnosed)\b", re.I)
_DIAGNOSIS_CUE = re.compile(r"\b(?:diagnos\w*|confirmed|documented|proven|histolog\w*|cytolog\w*|patients? with|subjects? with|"  # noqa: E501
                            r"participants? with|relapsed|refractory|newly)\b", re.I)
_STAGE = re.compile(r"\b[Ss]tages?\s+((?:(?:T\dN\d)?(?:IV|I{1,3}|0)[A-C]?\d?(?:/[A-C])?)"
                    r"(?:\s*(?:,|or|and|/|-|–|to)?\s*(?:T\dN\d)?(?:IV|I{1,3}|0)[A-C]?\d?(?:/[A-C])?\b)*)")
_STAGE_TOKEN = re.compile(r"(?:T\dN\d)?(IV|I{1,3}|0)([A-C]?)\d?((?:/[A-C])*)")
_NOT_CANCER_STAGE = re.compile(r"NYHA|heart failure|Hoehn|Pfirrmann|CTCAE|grade|hypertension|malignan|second|other cancer", re.I)  # noqa: E501
_SCALES = {
    "phq9": re.compile(rf"\bPHQ[\s-]?9\b[^.;\d]{{0,40}}?(?:{GE}|score(?: of)?)\s*(\d{{1,2}})|(\d{{1,2}}) or (?:higher|more) on the (?:PHQ[\s-]?9|Patient Health Questionnaire)", re.I),  # noqa: E501
    "gad7": re.compile(rf"\bGAD[\s-]?7\b[^.;\d]{{0,40}}?(?:{GE}|score(?: of)?)\s*(\d{{1,2}})|(\d{{1,2}}) or (?:higher|more) on the (?:GAD[\s-]?7|Generalized Anxiety Disorder)", re.I),  # noqa: E501
}

# HAM-D 17 / MADRS thresholds → the PHQ-9 total of the same severity band. An approximation, said in the note.
_PROXY_SCALES = {
    "hamd": (re.compile(rf"\b(?:HAM-?D|HDRS|HRSD|Hamilton (?:Rating Scale for Depression|Depression Rating Scale))(?:[\s-]?(?:17|21|24))?\b[^.;\d]{{0,50}}?(?:{GE}|score(?: of)?)\s*(\d{{1,2}})", re.I),  # noqa: E501
             [(24, 20), (19, 15), (14, 10), (8, 5)], "HAM-D"),
    "madrs": (re.compile(rf"\b(?:MADRS|Montgomery[-\s–]Åsberg|Montgomery[-\s–]Asberg)\b[^.;\d]{{0,60}}?(?:{GE}|score(?: of)?)\s*(\d{{1,2}})", re.I),  # noqa: E501
              [(35, 20), (28, 15), (20, 10), (7, 5)], "MADRS"),
}
_AD_TRIALS = re.compile(r"\b(?:at least|≥|>=|a minimum of)?\s*(one|two|three|four|1|2|3|4)\b[^.;]{0,60}?\bantidepressant", re.I)  # noqa: E501
_AD_FAILED = re.compile(r"fail|inadequate|insufficient|non-?respon|did not respond|resistant", re.I)
_KARNOFSKY = re.compile(rf"\b(?:Karnofsky|KPS)\b[^.;\d]{{0,40}}?(?:{GE}|of|score)?\s*(\d{{2,3}})\s*%?", re.I)
_LINES = r"(one|two|three|four|five|\d)\s*(?:\(\d\)\s*)?"
_PRIOR_LINES_MAX = re.compile(rf"{LE}\s*{_LINES}(?:prior|previous)?\s*(?:lines?|regimens?)\b", re.I)
_PRIOR_LINES_MIN = re.compile(rf"(?:{GE}|received)\s*{_LINES}(?:or more\s*)?(?:prior|previous)\s*(?:lines?|regimens?|systemic)", re.I)  # noqa: E501
_PRIOR_LINES_OVER = re.compile(rf"(?:more than|greater than|>)\s*{_LINES}(?:prior|previous)?\s*(?:lines?|regimens?)\b", re.I)  # noqa: E501

def _therapies(sentence: str) -> list[tuple[list[str], int, int]]:
    pattern, names = therapy_pattern()
    folded = fold(sentence)
    if len(folded) != len(sentence):
        return []  # positions would not line up; such text is rare
    return [(names[m.group(1)], m.start(), m.end()) for m in pattern.finditer(folded)]


def read_item(item: Item, *, structured_age=(None, None)) -> tuple[bool, list[Suggestion]]:
    """(understood, suggestions) for one item; see the module docstring for what is read and what is left."""
    text, section = item.text, item.section
    found: list[Suggestion] = []
    understood = False
    if item.scope in (SUBPOPULATION, ALTERNATIVES, DEFINITION, EXCEPTIONS) or INLINE_SCOPE.search(text):
        return False, []
    judged = bool(JUDGEMENT.search(text))
    sentences = split_sentences(text)

    if section != EXCLUSION:
        age = _age(" ".join(sentences), structured_age)
        if age:
            understood = True
            same = age.get("min") in (None, structured_age[0]) and age.get("max") in (None, structured_age[1])
            if not same:
                found.append(Suggestion("age", {"age": age}, "Differs from the registry's age fields."))

    for sentence in sentences:
        found.extend(_read_sentence(sentence, section, judged, text))

    unique = {}
    for s in found:
        unique.setdefault(repr(s.rule), s)
    return understood or bool(unique), list(unique.values())


def _read_sentence(sentence: str, section: str, judged: bool, whole: str) -> list[Suggestion]:
    out: list[Suggestion] = []
    if (spec := _ecog(sentence, section)) and not re.search(r"\bfor (?:participants|patients|subjects)\b", whole, re.I):
        out.append(Suggestion("ecog", {"ecog": spec}))

    if _PREGNANT.search(sentence) and (section == EXCLUSION or _NOT_PREGNANT.search(sentence)):
        if not re.search(r"partner|pregnancy-related|pregnancy test was|pregnancy is expected", sentence, re.I) or section == EXCLUSION:  # noqa: E501
            out.append(Suggestion("pregnancy", {"not": {"pregnant": True}}))

    if section == EXCLUSION and not judged:
        if _SUICIDE_IDEATION.search(sentence) and not re.search(r"suicidal behaviou?r items", sentence, re.I):
            if not re.search(r"\brisk of suicide", sentence, re.I):
                out.append(Suggestion("suicidal_ideation", {"not": {"suicidal_ideation": True}}))
        if m := _SUICIDE_BEHAVIOUR.search(sentence) or re.search(r"suicidal behaviou?r items", sentence, re.I):
            months = time_window(sentence[m.start():], "months")
            spec = {"within_months": months} if months and months <= 120 else {}
            if "attempt" in m.group(0).lower() and "intention" not in sentence.lower() and "or attempt" in m.group(0).lower():  # noqa: E501
                spec = {}
            out.append(Suggestion("suicidal_behavior", {"not": {"suicidal_behavior": spec}}))

    if section == EXCLUSION and not judged:
        codes = []
        for code, pattern in _COMORBIDITIES:
            m = pattern.search(sentence)
            if not m or is_negated(sentence, m.start(), m.end()):
                continue
            if code == "other:MI_STROKE_RECENT" and not (time_window(sentence, "weeks") or re.search(r"history of", sentence, re.I)):  # noqa: E501
                continue
            codes.append(code)
        if codes and not re.search(r"contra-?indicat", sentence, re.I):
            out.append(Suggestion("comorbidity", {"not": {"comorbidity": list(dict.fromkeys(codes))}}))

    if m := _CNS.search(sentence):
        if not re.search(r"\b(?:severe|leptomening|meningeal carcinomatosis)\b", sentence[:m.start()], re.I) or "active" in sentence.lower():  # noqa: E501
            negated = is_negated(sentence, m.start(), m.end())
            positive = polarity(section, negated)
            if positive is not None and not re.search(r"\bsevere\b", sentence, re.I):
                which = "active" if _CNS_ACTIVE.search(sentence) else "any"
                if positive and which == "any":
                    out.append(Suggestion("brain_metastases", {"brain_metastases": "any"}))
                elif not positive:
                    out.append(Suggestion("brain_metastases", {"not": {"brain_metastases": which}}))

    negated_oc = None
    if (m := _OTHER_CANCER.search(sentence)) and not judged:
        negated_oc = is_negated(sentence, m.start(), m.end())
        positive = polarity(section, negated_oc)
        if positive is False:
            spec = {}
            if n := _OC_YEARS.search(whole):
                years = as_number(n.group(1)) / (12 if n.group(2).lower().startswith("month") else 1)
                if 1 <= years <= 20 and years == int(years):
                    spec = {"within_years": int(years)}
            elif _OC_ACTIVE.search(sentence):
                spec = {"within_years": 1}
            out.append(Suggestion("other_cancer", {"not": {"other_cancer": spec}}))

    treatment_resistance = bool(_AD_TRIALS.search(sentence) and _AD_FAILED.search(sentence))
    if negated_oc is None and not treatment_resistance:  # "second cancers requiring systemic treatment": the other cancer  # noqa: E501
        out.extend(_read_therapies(sentence, section, judged))

    for rule in biomarkers_in(sentence, section):
        out.append(Suggestion("biomarker", rule))

    if section != EXCLUSION and (m := _MEASURABLE.search(sentence)) and not is_negated(sentence, m.start(), m.end()):
        if not re.search(r"splenomegaly|evaluable|non-measurable", sentence, re.I):
            out.append(Suggestion("measurable_disease", {"measurable_disease": True}))

    if section != EXCLUSION and (m := _DISEASE_STATUS.search(sentence)):
        if not is_negated(sentence, m.start(), m.end()) and not re.search(r"na[iï]ve|untreated", whole, re.I):
            statuses = ["newly_diagnosed"] if m.group("new") else ["relapsed", "refractory"]
            out.append(Suggestion("disease_status", {"disease_status": statuses}))

    if section != EXCLUSION and not _NOT_CANCER_STAGE.search(whole) and (m := _STAGE.search(sentence)):
        rule = _stage_rule(m.group(1))
        if rule:
            out.append(Suggestion("stage", rule))

    out.extend(_conditions(sentence, section))

    if section != EXCLUSION:
        for kind, pattern in _SCALES.items():
            if m := pattern.search(sentence):
                score = int(next(g for g in m.groups() if g))
                if score <= (27 if kind == "phq9" else 21):
                    out.append(Suggestion(kind, {kind: {"min": score}}))
        for kind, (pattern, bands, label) in _PROXY_SCALES.items():
            if m := pattern.search(sentence):
                score = int(m.group(1))
                if (phq9 := next((p for threshold, p in bands if score >= threshold), None)) is not None:
                    out.append(Suggestion(kind, {"phq9": {"min": phq9}},
                                          f"{label} ≥ {score} approximated as PHQ-9 ≥ {phq9} (same severity band)."))
        if (m := _AD_TRIALS.search(sentence)) and _AD_FAILED.search(sentence):
            count = int(as_number(m.group(1)))
            out.append(Suggestion("antidepressant_trials", {"antidepressant_trials": {"min": count}}))
        if not re.search(r"\b(?:ECOG|Eastern Cooperative|WHO)\b", sentence) and (m := _KARNOFSKY.search(sentence)) and 10 <= int(m.group(1)) <= 100:  # noqa: E501
            score = int(m.group(1))
            bound = 0 if score >= 90 else 1 if score >= 70 else 2 if score >= 50 else 3
            out.append(Suggestion("ecog", {"ecog": {"max": bound}}, f"Karnofsky ≥ {score} read as ECOG ≤ {bound}."))
    if section == EXCLUSION and (m := _PRIOR_LINES_OVER.search(sentence)):
        out.append(Suggestion("prior_lines", {"prior_lines": {"max": int(as_number(m.group(1)))}}))
    elif section != EXCLUSION and (m := _PRIOR_LINES_MAX.search(sentence)):
        out.append(Suggestion("prior_lines", {"prior_lines": {"max": int(as_number(m.group(1)))}}))
    elif section != EXCLUSION and (m := _PRIOR_LINES_MIN.search(sentence)):
        out.append(Suggestion("prior_lines", {"prior_lines": {"min": int(as_number(m.group(1)))}}))
    return out


def _stage_rule(spec: str) -> dict | None:
    tokens = []
    for m in _STAGE_TOKEN.finditer(spec):
        tokens.append(m.group(1) + m.group(2))
        tokens += [m.group(1) + extra for extra in m.group(3).split("/") if extra]
    tokens = list(dict.fromkeys(tokens))
    if not tokens:
        return None
    if len(tokens) == 2 and re.search(r"\d?\s*(?:-|–|to)\s*", spec) and not re.search(r",|\bor\b|\band\b|/", spec):
        return {"stage": {"min": tokens[0], "max": tokens[1]}}
    return {"stage": {"in": tokens}}


def _conditions(sentence: str, section: str) -> list[Suggestion]:
    if not _DIAGNOSIS_CUE.search(sentence):
        return []
    pattern, names = condition_pattern()
    matches = [(names.get(m.group(1)) or names.get(fold(m.group(1))), m) for m in pattern.finditer(sentence)]
    codes = list(dict.fromkeys(code for code, _ in matches if code))
    if len(codes) != 1:
        return []
    code, m = codes[0], matches[0][1]
    if section == EXCLUSION and not re.search(r"\b(?:diagnosis of|diagnosed with|suspected|proven)\b", sentence, re.I):
        return []
    positive = polarity(section, is_negated(sentence, m.start(), m.end()))
    if positive is None or (section != EXCLUSION and not positive):
        return []  # "no prior therapy for current lung cancer" says nothing about the diagnosis
    if not positive and code.startswith("psy:"):
        # Excluding a mental-health diagnosis excludes having it at all, the patient's own diagnosis included.
        return [Suggestion("comorbidity", {"not": {"comorbidity": [code]}})]
    return [Suggestion("condition", wrap({"condition": [code]}, positive))]


def _read_therapies(sentence: str, section: str, judged: bool) -> list[Suggestion]:
    if judged or FUTURE.search(sentence) or re.search(r"allogeneic|autologous|adoptive", sentence, re.I):
        return []
    mentions = _therapies(sentence)
    if not mentions:
        return []
    out = []
    groups: dict[tuple, list[str]] = {}
    for ids, start, end in mentions:
        negated = is_negated(sentence, start, end)
        positive = polarity(section, negated)
        if positive is None:
            continue
        weeks = time_window(sentence[start:], "weeks") or time_window(sentence, "weeks") if _RECENT_CUE.search(sentence) else None  # noqa: E501
        if ids == ["therapy:surgery"] and (minor := re.search(r"minor surgery[^.;]*", sentence, re.I)):
            weeks = time_window(minor.group(0), "weeks") or weeks
        if weeks and not positive and weeks <= 104:
            key = ("recent_therapy", positive, weeks)
        elif _CURRENT_CUE.search(sentence[:start]) and not weeks:
            key = ("medication", positive, None)
        elif _PRIOR_CUE.search(sentence) and not weeks and not (ids == ["therapy:surgery"] and positive):
            key = ("prior_therapy", positive, None)
        else:
            continue
        groups.setdefault(key, []).extend(i for i in ids if i not in groups.get(key, []))
    if section != EXCLUSION and _RESECTED.search(sentence) and not is_negated(sentence, *_RESECTED.search(sentence).span()):  # noqa: E501
        groups.setdefault(("prior_therapy", True, None), []).append("therapy:surgery")
    for (leaf, positive, weeks), ids in groups.items():
        ids = list(dict.fromkeys(ids))
        if leaf == "medication":
            ids = [MEDICATION_CLASS.get(i, i) for i in ids if not i.startswith("therapy:") or i in MEDICATION_CLASS]
            if not ids:
                continue
        if leaf == "recent_therapy":
            rule = {"recent_therapy": {"items": ids, "within_weeks": weeks}}
        else:
            rule = {leaf: ids}
        out.append(Suggestion(leaf, wrap(rule, positive)))
    return out
