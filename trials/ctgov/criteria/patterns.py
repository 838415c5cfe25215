"""The vocabulary as patterns a sentence is searched with: therapies, conditions, genes and their status; and
the words of what the study team checks at screening."""

from __future__ import annotations

import re
from functools import cache

from trials.ctgov.criteria.context import is_negated, polarity
from trials.vocabulary import fold, load_vocabulary

_SYSTEMIC = ["therapy:chemotherapy", "therapy:immunotherapy", "therapy:targeted", "therapy:hormone"]
_THERAPY_TERMS = {
    "chemotherapy": ["therapy:chemotherapy"], "chemotherapies": ["therapy:chemotherapy"],
    "cytotoxic therapy": ["therapy:chemotherapy"], "radiotherapy": ["therapy:radiation"],
    "radiation therapy": ["therapy:radiation"], "radiation treatment": ["therapy:radiation"],
    "immunotherapy": ["therapy:immunotherapy"], "immunotherapies": ["therapy:immunotherapy"],
    "targeted therapy": ["therapy:targeted"], "targeted therapies": ["therapy:targeted"],
    "hormonal therapy": ["therapy:hormone"], "hormone therapy": ["therapy:hormone"],
    "major surgery": ["therapy:surgery"], "minor surgery": ["therapy:surgery"], "any surgery": ["therapy:surgery"],
    "type of surgery": ["therapy:surgery"], "surgical treatment": ["therapy:surgery"], "major surgical": ["therapy:surgery"],  # noqa: E501
    "anticancer therapy": _SYSTEMIC, "anti-cancer therapy": _SYSTEMIC, "anticancer therapies": _SYSTEMIC,
    "anti-cancer therapies": _SYSTEMIC, "anticancer treatment": _SYSTEMIC, "anti-cancer treatment": _SYSTEMIC,
    "cancer treatment": _SYSTEMIC, "cancer therapy": _SYSTEMIC,
    "antitumor therapy": _SYSTEMIC, "anti-tumor therapy": _SYSTEMIC, "antitumor therapies": _SYSTEMIC,
    "anti-tumor therapies": _SYSTEMIC, "antitumor treatment": _SYSTEMIC, "anti-tumor treatment": _SYSTEMIC,
    "antineoplastic therapy": _SYSTEMIC, "prior systemic therapy": _SYSTEMIC, "previous systemic therapy": _SYSTEMIC,
    "prior systemic treatment": _SYSTEMIC, "systemic anticancer therapy": _SYSTEMIC, "systemic anti-cancer therapy": _SYSTEMIC,  # noqa: E501
    "systemic anti-tumor therapy": _SYSTEMIC, "systemic antitumor therapy": _SYSTEMIC,
    "hematopoietic stem cell transplantation": ["therapy:stem_cell_transplant"],
    "hematopoietic stem cell transplant": ["therapy:stem_cell_transplant"],
    "haematopoietic stem cell transplantation": ["therapy:stem_cell_transplant"],
    "stem cell transplantation": ["therapy:stem_cell_transplant"], "stem cell transplant": ["therapy:stem_cell_transplant"],  # noqa: E501
    "bone marrow transplant": ["therapy:stem_cell_transplant"], "bone marrow transplantation": ["therapy:stem_cell_transplant"],  # noqa: E501
    "checkpoint inhibitor": ["class:CHECKPOINT_INHIBITOR"], "checkpoint inhibitors": ["class:CHECKPOINT_INHIBITOR"],
    "egfr-tki": ["class:EGFR_TKI"], "egfr-tkis": ["class:EGFR_TKI"], "anti-pd-1": ["class:PD1_PDL1"],
}
# A therapy read as a current medication is its drug class (the medication leaf takes drugs and classes).
MEDICATION_CLASS = {"therapy:chemotherapy": "class:CHEMOTHERAPY", "therapy:immunotherapy": "class:IMMUNOTHERAPY",
                     "therapy:targeted": "class:TARGETED", "therapy:hormone": "class:HORMONAL"}
_SKIP_CLASSES = ("class:PSYCHOTROPIC", "class:ANALGESIC", "class:TARGETED", "class:ANTINEOPLASTIC", "class:IMMUNOTHERAPY",  # noqa: E501
                 "class:CHEMOTHERAPY", "class:HORMONAL")


@cache
def therapy_pattern():
    """One regex over every drug, class and therapy name read here, longest first, case-folded."""
    vocab = load_vocabulary()
    names: dict[str, list[str]] = {name: ids for name, ids in _THERAPY_TERMS.items()}
    for drug in vocab.drugs.values():
        for name in (drug.id.removeprefix("drug:").replace("_", " "), drug.names.get("en", ""), *drug.synonyms):
            if len(name) >= 4:
                names.setdefault(fold(name), [drug.id])
    for cls in vocab.classes.values():
        if cls.id in _SKIP_CLASSES:
            continue
        for name in (cls.labels.get("en", ""), cls.short.get("en", "")):
            key = fold(name)
            if len(key) >= 4 or (key.isalpha() and len(key) >= 3 and name.isupper()):
                for variant in (key, key[:-1] if key.endswith("s") else key + "s"):
                    names.setdefault(variant, [cls.id])
    for name, cid in {"ssri": "class:SSRI", "ssris": "class:SSRI", "snri": "class:SNRI", "snris": "class:SNRI",
                      "maoi": "class:MAOI", "maois": "class:MAOI", "opioid": "class:OPIOID", "opioids": "class:OPIOID",
                      "antidepressant": "class:ANTIDEPRESSANT", "antidepressants": "class:ANTIDEPRESSANT",
                      "antipsychotic": "class:ANTIPSYCHOTIC", "antipsychotics": "class:ANTIPSYCHOTIC",
                      "benzodiazepines": "class:BENZODIAZEPINE", "platinum-based": "class:PLATINUM"}.items():
        names.setdefault(name, [cid])
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in ordered) + r")(?![\w-])"), names


@cache
def condition_pattern():
    vocab = load_vocabulary()
    names: dict[str, str] = {}
    for c in vocab.conditions.values():
        if c.code.endswith(("TISSUE", ":MH", ":CHRONIC")) or c.kind == "other":
            continue  # umbrella terms say too little; "other" codes are comorbidities, never a trial's condition
        for name in (c.labels["en"], *c.synonyms["en"]):
            if name.isupper() and len(name) >= 3:
                names.setdefault(name, c.code)  # abbreviations keep their case: "ALL", not "all"
            elif len(name) >= 6 and name.lower() not in ("psychosis", "back pain", "migraine"):
                names.setdefault(fold(name), c.code)
    ordered = sorted(names, key=len, reverse=True)
    parts = [re.escape(n) if n.isupper() else "(?i:" + re.escape(n) + ")" for n in ordered]
    return re.compile(r"(?<![\w-])(" + "|".join(parts) + r")(?![\w-])"), names


@cache
def _gene_pattern():
    vocab = load_vocabulary()
    names = set()
    for bm in vocab.biomarkers.values():
        for name in (bm.gene, *bm.aliases):
            if len(name) >= 3 and name not in ("MSI", "TMB", "MMR", "NEU", "P53"):
                names.add(name)
    names.update(["Philadelphia chromosome", "Ph+", "BCR/ABL"])
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in ordered) + r")(?![\w])")


_BM_POSITIVE = re.compile(
    r"^[\s-]*(?:gene\s+)?(?:exon\s*\d+\s*|19\s*del\w*\s*|L858R\s*|or\s+|and\s+|/|,|\(|\)|common\s+)*"
    r"(?:sensiti[sz]ing\s+|activating\s+|deleterious\s+)?"
    r"(?:mutation|mutations|mutant|mutated|rearrangement|rearranged|fusion|fusions|translocation|amplification|"
    r"amplified|alteration|alterations|positive|\+|overexpression|TPS\s*(?:≥|>=|>)\s*\d)", re.I)
_BM_BEFORE = re.compile(r"(?:sensiti[sz]ing|activating|harbou?ring|carry|carrying|mutations? (?:of|in))\s+(?:[\w-]+,?\s+(?:and\s+|or\s+)?){0,6}$", re.I)  # noqa: E501
_BM_NEGATIVE = re.compile(r"^[\s-]*(?:mutation[\s-]*|expression[\s-]*|status[\s-]*)?(?:negative|-(?=\s|$|,|;|\))|wild[\s-]?type)", re.I)  # noqa: E501


def biomarkers_in(sentence: str, section: str) -> list[dict]:
    vocab = load_vocabulary()
    out = []
    for m in _gene_pattern().finditer(sentence):
        name = m.group(1)
        gene = "BCR-ABL1" if name in ("Philadelphia chromosome", "Ph+", "BCR/ABL") else vocab.gene_key(name)
        after, before = sentence[m.end():m.end() + 40], sentence[max(0, m.start() - 60):m.start()]
        if name in ("Ph+",):
            status = "positive"
        elif _BM_NEGATIVE.match(after):
            status = "negative"
        elif _BM_POSITIVE.match(after) or _BM_BEFORE.search(before):
            status = "positive"
        else:
            continue
        # The status word right after the gene is the status, not a negation of it ("HER2-negative").
        positive = polarity(section, is_negated(sentence, m.start(), m.end(), after=False))
        if positive is None:
            continue
        spec = {"gene": gene, "status": status}
        rule = {"biomarker": spec} if positive else {"biomarker": {"gene": gene, "status": _flip(status)}}
        out.append(rule)
    return out


def _flip(status: str) -> str:
    return "negative" if status == "positive" else "positive"


_SCREENING = re.compile(
    r"neutrophil|platelet|h(?:a)?emoglobin|bilirubin|creatinine|\bALT\b|\bAST\b|aminotransferase|\bULN\b|upper limit of normal|"  # noqa: E501
    r"×\s*10|x\s*10\^?9|\bg/d[lL]\b|mL/min|lipase|amylase|\bINR\b|QTc|ejection fraction|LVEF|HbA1c|HgA1c|"
    r"organ function|organ or bone marrow|bone marrow (?:function|reserve)|(?:renal|hepatic|liver|kidney|cardiac|pulmonary) function|"  # noqa: E501
    r"renal insufficiency|life expectancy|expected (?:survival|to survive)|contracept|childbearing|child-bearing|"
    r"informed consent|consent form|\bconsent\b|comply|complian|willing|able to (?:understand|read|speak|swallow)|"
    r"English|French|language|smartphone|iPhone|Android|prisoner|employees|investigational|another (?:clinical )?(?:study|trial)|"  # noqa: E501
    r"other (?:clinical )?(?:study|trial)|clinical (?:study|trial)|judge?ment|discretion|opinion|\bMRI\b|\bCT\b|biopsy|tissue|"  # noqa: E501
    r"paraffin|\bECG\b|electrocardiogram|blood samples?|urine drug|weight|\bBMI\b|blood pressure|hypersensitiv|allerg|"
    r"follow-up|guardianship|protected by law|social security|mailing address", re.I)


def is_screening(text: str) -> bool:
    """What the study team checks at screening: labs, organ function, life expectancy, contraception, consent,
    logistics, the investigator's judgement, tests and allergies."""
    return bool(_SCREENING.search(text))
