"""What the engine knows about a patient: plain data, every fact optional.

A field is None when the patient has not told us (an explicit "I don't know" is also None). For list
fields an empty list is a known answer ("takes no medication"), unlike None.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

from trials.vocabulary import load_vocabulary

SEXES = ("female", "male")
BIOMARKER_STATUSES = ("positive", "negative")


@dataclass(frozen=True)
class Profile:
    """A patient's answers. Frozen, so derived facts can be cached on it safely (see `facts`)."""

    birth_date: date | None = None
    sex: str | None = None  # sex assigned at birth: "female" | "male"
    condition_codes: tuple[str, ...] | None = None
    stage: str | None = None  # "0", "I" … "IV", sub-stages like "IIIA"
    metastatic: bool | None = None
    ecog: int | None = None
    biomarkers: dict[str, str] | None = None  # gene -> "positive" | "negative"; absent gene = unknown
    prior_therapies: tuple[str, ...] | None = None  # drug:, class: or therapy: ids
    prior_lines: int | None = None
    medications: tuple[str, ...] | None = None  # current; drug: ids
    antidepressant_trials: int | None = None
    phq9: int | None = None
    gad7: int | None = None
    suicidal_ideation: bool | None = None
    pregnant: bool | None = None
    disease_status: str | None = None  # "newly_diagnosed" | "relapsed" | "refractory" | "remission"
    brain_metastases: str | None = None  # "none" | "treated_stable" | "active"
    measurable_disease: bool | None = None
    # Another cancer than the one a trial is about, and completed years since it was diagnosed or last
    # treated (0 = now or less than a year ago).
    other_cancer: bool | None = None
    other_cancer_years_ago: int | None = None
    comorbidities: tuple[str, ...] | None = None  # condition codes; () = none of those asked about
    # Weeks since the last dose of a drug, class or therapy as a [min, max) interval from a bucketed answer
    # ("within the last 4 weeks" = (0, 4), "more than 3 months ago" = (13, None)); an id the patient
    # did not receive is absent; None = not asked.
    last_therapy_weeks: dict[str, tuple[int, int | None]] | None = None
    suicidal_behavior: bool | None = None  # any suicide attempt or preparatory behaviour
    suicidal_behavior_months_ago: int | None = None
    postal_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    travel_radius_km: float | None = None
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self):
        # Accept lists from callers but store tuples: the profile is shared across thousands of evaluations.
        for name in ("condition_codes", "prior_therapies", "medications", "comorbidities"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))
        if self.biomarkers is not None:
            vocab = load_vocabulary()
            normalized = {
                vocab.gene_key(gene): status
                for gene, status in self.biomarkers.items()
                if status in BIOMARKER_STATUSES  # "unknown"/"" from a form mean we don't know
            }
            object.__setattr__(self, "biomarkers", normalized)
        if self.last_therapy_weeks is not None:
            intervals = {item: (low, high) for item, (low, high) in self.last_therapy_weeks.items()}
            object.__setattr__(self, "last_therapy_weeks", intervals)

    def replace(self, **changes) -> Profile:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_dict(cls, data: dict) -> Profile:
        """Inverse of `to_dict`; unknown keys are ignored so stored profiles survive new fields."""
        names = {f.name for f in dataclasses.fields(cls) if f.init}
        values = {k: v for k, v in data.items() if k in names}
        if isinstance(values.get("birth_date"), str):
            values["birth_date"] = date.fromisoformat(values["birth_date"])
        return cls(**values)

    def to_dict(self) -> dict:
        out: dict = {}
        for f in dataclasses.fields(self):
            if not f.init:
                continue
            value = getattr(self, f.name)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, dict):
                value = {k: list(v) if isinstance(v, tuple) else v for k, v in value.items()}
            out[f.name] = value
        return out

    def facts(self, today: date) -> Facts:
        """Derived facts for `today`, computed once per profile and day."""
        facts = self._cache.get(today)
        if facts is None:
            if len(self._cache) > 4:  # a long-lived profile evaluated over several days
                self._cache.clear()
            facts = self._cache[today] = Facts(self, today)
        return facts


def completed_months(birth_date: date, today: date) -> int:
    """Whole months lived. A Feb 29 birthday completes its year on Mar 1 in common years."""
    months = (today.year - birth_date.year) * 12 + (today.month - birth_date.month)
    if today.day < birth_date.day:
        months -= 1
    return months


class Facts:
    """Everything the leaves compare against, precomputed from one profile on one day."""

    __slots__ = ("profile", "today", "age_months", "age_years", "condition_tags", "prior_tags",
                 "medication_tags", "pregnant", "pregnant_inferred", "comorbidity_tags", "last_therapy")

    def __init__(self, profile: Profile, today: date):
        vocab = load_vocabulary()
        self.profile = profile
        self.today = today
        if profile.birth_date is None:
            self.age_months = self.age_years = None
        else:
            self.age_months = completed_months(profile.birth_date, today)
            self.age_years = self.age_months // 12
        self.condition_tags = _condition_tags(vocab, profile.condition_codes)
        self.comorbidity_tags = _condition_tags(vocab, profile.comorbidities)
        self.prior_tags = None if profile.prior_therapies is None else vocab.therapy_tags(profile.prior_therapies)
        self.medication_tags = None if profile.medications is None else vocab.therapy_tags(profile.medications)
        # Nobody asks a male patient whether he is pregnant; an explicit answer still wins.
        self.pregnant_inferred = profile.pregnant is None and profile.sex == "male"
        self.pregnant = False if self.pregnant_inferred else profile.pregnant
        # (what the item counts as, weeks since the last dose at least, less than or None) per item received
        self.last_therapy = None if profile.last_therapy_weeks is None else tuple(
            (vocab.therapy_tags([item]), low, high) for item, (low, high) in profile.last_therapy_weeks.items()
        )


def _condition_tags(vocab, codes) -> frozenset[str] | None:
    """The codes and every code above them: a code listed by a trial covers its descendants."""
    if codes is None:
        return None
    return frozenset().union(*((vocab.ancestors(c) or {c}) for c in codes))
