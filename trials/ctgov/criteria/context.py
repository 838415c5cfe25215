"""What every leaf reader shares: numbers, sentences, and whether a concept is negated, permitted or scoped.

The cues follow the NegEx / ConText idea with the words eligibility text uses; read.py says in which order
they apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trials.ctgov.criteria.split import EXCLUSION

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "twelve": 12}
NUM = r"(\d{1,3}(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve)"
GE = r"(?:≥|>=|=>|>/=|≧|>|greater than or equal to|greater than|at least|of at least|no less than|over|above)"
LE = r"(?:≤|<=|=<|</=|≦|<|less than or equal to|less than|at most|no more than|not more than|up to|under|below)"

_NEGATION = re.compile(
    r"\b(?:no|not|never|without|absence of|absent|free of|cannot|can ?not|negative for|none|neither|nor|lack of|"
    r"must not|should not|did not|does not|has not|have not|had not)\b|n't\b", re.I)
_POST_NEGATION = re.compile(r"^[\s-]*(?:na[iï]ve|negative|free|wild[\s-]?type)\b", re.I)
_PERMISSION = re.compile(
    r"\b(?:(?:is|are|will be|would be|were)\s+(?:also\s+)?(?:allowed|permitted|eligible|acceptable|included|enrolled|admitted)|"  # noqa: E501
    r"may\s+(?:also\s+)?(?:be|receive|have|participate|enroll|continue)|can\s+be\s+(?:included|enrolled)|could\s+be\s+enrolled|"
    r"not\s+(?:an\s+)?exclu|not\s+considered|is\s+not\s+required)\b", re.I)
_EXCEPT = re.compile(r"\b(?:except|excepting|other than|with the exception of|excluding|unless|but not|apart from)\b|"
                     r"\(\s*(?:e\.g\.|eg\.|i\.e\.|such as|including)[^)]*\)?", re.I)
INLINE_SCOPE = re.compile(
    r"^\s*(?:for|in)\s+(?:patients|participants|subjects|women|men|those|females|males|children|cohort|part|phase|arm)\b|"
    r"\bapplicable to\b|\bonly\)|\bfor (?:participants|patients|subjects)\s+(?:>|<|≥|≤|aged|older|younger|with|who|in)|"
    r"^\s*(?:patients|participants|subjects)\s+with\s+stage\b|\bduring dose (?:escalation|expansion)", re.I)
JUDGEMENT = re.compile(r"\b(?:judge?ment|judged|discretion|opinion|determined by|as assessed by the investigator|"
                        r"(?:would|could|may|might|likely to)\s+(?:interfere|compromise|limit|affect|prevent|confound))\b", re.I)  # noqa: E501
FUTURE = re.compile(r"\b(?:will receive|candidate for|planned|plans? to|scheduled|expected to (?:require|receive)|"
                     r"willing|refrain|discontinu|recover|toxicit|adverse event|contra-?indicat|intoleran|allerg|"
                     r"hypersensitiv|Gy\b|ineligible|not eligible|unsuitable|unfit)", re.I)
_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z(])|;\s*")


@dataclass(frozen=True)
class Suggestion:
    kind: str
    rule: dict
    note: str = ""


def as_number(text: str) -> float:
    return _NUMBER_WORDS.get(text.lower()) if text.lower() in _NUMBER_WORDS else float(text)


def as_int(value: float):
    return int(value) if value == int(value) else value


def split_sentences(text: str) -> list[str]:
    """The item's sentences minus permissions, each cut at its first exception or example clause."""
    kept = []
    for sentence in _SENTENCE.split(text):
        if not sentence.strip() or _PERMISSION.search(sentence):
            continue
        cut = _EXCEPT.search(sentence)
        kept.append(sentence[:cut.start()] if cut else sentence)
    return kept


def is_negated(sentence: str, start: int, end: int, after: bool = True) -> bool:
    clause_start = max(sentence.rfind(sep, 0, start) for sep in (":", "(", " but ", " however", " although", " whereas")) + 1  # noqa: E501
    before = re.sub(r"with or without", "", sentence[clause_start:start], flags=re.I)
    return bool(_NEGATION.search(before) or (after and _POST_NEGATION.match(sentence[end:end + 12])))


def polarity(section: str, negated: bool) -> bool | None:
    """True: require it; False: exclude it; None: too ambiguous (a negated exclusion)."""
    if section == EXCLUSION:
        return None if negated else False
    return not negated


def wrap(rule: dict, positive: bool) -> dict:
    return rule if positive else {"not": rule}


WINDOW = re.compile(
    rf"(?:within|in|during|for|over)\s+(?:the\s+)?(?:past|last|previous|prior)?\s*(?:at least\s+)?{NUM}\s*(days?|weeks?|months?|years?)\b|"  # noqa: E501
    rf"(?:≤|<=|<|less than)\s*{NUM}\s*(days?|weeks?|months?|years?)\b|"
    rf"\b{NUM}\s*(days?|weeks?|months?|years?)\s+(?:prior|before|preceding)|"
    r"\b(?:during|in|within)\s+the\s+(?:past|previous|last)\s+(year|month|week)\b", re.I)


def time_window(text: str, unit: str) -> int | None:
    """The first time window of the text in `unit` (weeks, months or years), rounded to the nearest."""
    m = WINDOW.search(text)
    if not m:
        return None
    groups = [g for g in m.groups() if g]
    if len(groups) == 1:
        amount, what = 1.0, groups[0]
    else:
        amount, what = as_number(groups[0]), groups[1]
    days = amount * {"day": 1, "week": 7, "month": 365.25 / 12, "year": 365.25}[what.lower().rstrip("s")]
    value = round(days / {"weeks": 7, "months": 365.25 / 12, "years": 365.25}[unit])
    return int(value) if value >= 1 else None
