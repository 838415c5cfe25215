"""What a patient's first answers already tell: how many recruiting trials may fit them, and which questions
those trials ask, so the intake asks those and only those.

Nothing here is stored: the engine runs over the recruiting trials for the patient's condition with a profile
made of the first answers (condition, birthday, sex, ZIP, travel distance), before any authorization.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from trials.eligibility import QUESTIONS, Profile, evaluate
from trials.models import Trial, TrialCondition
from trials.vocabulary import load_vocabulary

from .forms.choices import kind_of
from .forms.questions import QuestionsForm
from .models import NO_TRAVEL_LIMIT_KM, age_on
from .questionnaires import INTAKE_QUESTIONS

# The whole intake, from the first question to the authorization page, in answers a person gives. What does not
# fit is asked after signing, on the status page, as questions that sharpen the matches.
INTAKE_INPUTS_TARGET = 15

# The test results patients with these cancers are usually told about. Other markers a trial asks for are asked
# after signing: most patients would answer "I don't know" at this point.
KEY_MARKERS = {
    "onc:LUNG": ("EGFR", "ALK"),
    "onc:BREAST": ("ER", "PR", "HER2"),
    "onc:BOWEL": ("MSI-H", "KRAS"),
    "onc:SKIN": ("BRAF",),
    "onc:PROSTATE": ("BRCA1", "BRCA2"),
    "onc:OVARY": ("BRCA1", "BRCA2"),
}

# Below this age the pregnancy question is not asked (and the answer is taken as no), as it is never asked of
# a male patient.
PREGNANCY_QUESTION_FROM_AGE = 12

# Asked of everyone with a condition of this kind, whatever the trials' rules say (coordinators need them).
ALWAYS_ASKED = {"pain": ("pain_now", "pain_average", "pain_months")}

# Asked at the start of every intake, so never again among the condition's questions.
FIRST_ANSWERS = ("birth_date", "sex", "condition_codes", "location", "travel_radius_km")


@dataclass
class Outlook:
    """The recruiting trials for a condition, and how many of them a patient's first answers leave open."""

    for_condition: int = 0
    may_fit: int = 0
    questions: Counter = field(default_factory=Counter)  # question key -> open trials that ask it


def first_answers_profile(*, condition_code, birth_date, sex, latitude, longitude, travel_radius_km):
    return Profile(birth_date=birth_date, sex=sex, condition_codes=[condition_code], latitude=latitude,
                   longitude=longitude, travel_radius_km=travel_radius_km or NO_TRAVEL_LIMIT_KM)


def outlook(*, condition_code, birth_date, sex, latitude, longitude, travel_radius_km, today=None):
    """Count the recruiting trials for the condition, and run the engine on those that age and sex leave
    (Trial.objects.candidates_for, as matching narrows) with a profile of the first answers only."""
    today = today or timezone.localdate()
    codes = sorted(load_vocabulary().ancestors(condition_code) or {condition_code})
    for_condition = Trial.objects.recruiting(today).filter(
        pk__in=TrialCondition.objects.filter(code__in=codes).values("trial_id")).count()
    profile = first_answers_profile(condition_code=condition_code, birth_date=birth_date, sex=sex,
                                    latitude=latitude, longitude=longitude, travel_radius_km=travel_radius_km)
    result = Outlook(for_condition=for_condition)
    candidates = Trial.objects.candidates_for(condition_codes=codes, age_years=age_on(birth_date, today), sex=sex)
    for trial in candidates.prefetch_related("sites"):
        sites = list(trial.sites.all())
        verdict = evaluate(trial.rule(sites), profile, today=today, sites=trial.site_locations(sites))
        if verdict.outcome != "not_eligible":
            result.may_fit += 1
            result.questions.update(verdict.questions)
    return result


def key_markers(condition_code):
    ancestors = load_vocabulary().ancestors(condition_code) or {condition_code}
    return {gene for code, genes in KEY_MARKERS.items() if code in ancestors for gene in genes}


def askable(key, *, condition_code, sex, age_years):
    """Whether the intake asks this question of this patient at all."""
    if key in FIRST_ANSWERS:
        return False
    if key.startswith("biomarkers."):
        return load_vocabulary().gene_key(key.split(".", 1)[1]) in key_markers(condition_code)
    if key == "pregnant":
        return sex != "male" and age_years >= PREGNANCY_QUESTION_FROM_AGE
    return True


def _order(key):
    """Questions in the order the leaves are declared (the cancer before the treatments, say); pregnancy, a
    question about the person rather than the illness, last."""
    keys = list(QUESTIONS)
    base = key.split(".", 1)[0]
    return (key == "pregnant", keys.index(base) if base in keys else -1)


def plan_questions(found, *, condition_code, birth_date, sex, budget, today=None):
    """The question keys to ask now, in the order to ask them.

    1. The questions always asked for the condition's kind (pain: intensity, average pain, duration).
    2. Then the questions the open trials ask, most-asked first (a cancer's key markers before other
       questions asked as often), each while it fits in what is left of `budget` (in answers a person
       gives; a questionnaire costs its items).
    What is left out stays unknown: matching calls those trials "possible" and asks them after signing.
    """
    today = today or timezone.localdate()
    age_years = age_on(birth_date, today)
    markers = key_markers(condition_code)
    chosen = list(ALWAYS_ASKED.get(kind_of(condition_code), ()))
    open_questions = [key for key in found.questions
                      if key not in chosen and askable(key, condition_code=condition_code, sex=sex,
                                                      age_years=age_years)]
    ranked = sorted(open_questions, key=lambda key: (
        -found.questions[key], not (key.startswith("biomarkers.") and key.split(".", 1)[1] in markers), _order(key)))
    used = QuestionsForm(questions=chosen).inputs
    for key in ranked:
        cost = QuestionsForm(questions=[*chosen, key]).inputs - used
        if 0 < cost <= budget - used:
            chosen.append(key)
            used += cost
    fixed = len(ALWAYS_ASKED.get(kind_of(condition_code), ()))
    return chosen[:fixed] + sorted(chosen[fixed:], key=_order)


def answers_implied(*, sex, birth_date, today=None):
    """What the intake takes as answered without asking (see PREGNANCY_QUESTION_FROM_AGE)."""
    today = today or timezone.localdate()
    if sex != "male" and age_on(birth_date, today) < PREGNANCY_QUESTION_FROM_AGE:
        return {"pregnant": False}
    return {}


def all_questions_for(patient, today=None):
    """Every question the recruiting trials for the patient's condition ask of someone like them, and those
    already answered: what the "change your answers" page shows."""
    today = today or timezone.localdate()
    found = outlook(condition_code=patient.condition_code, birth_date=patient.birth_date, sex=patient.sex,
                    latitude=patient.latitude, longitude=patient.longitude,
                    travel_radius_km=patient.travel_radius_km, today=today)
    keys = plan_questions(found, condition_code=patient.condition_code, birth_date=patient.birth_date,
                          sex=patient.sex, budget=10_000, today=today)
    answered = answered_question_keys(patient.answers or {})
    age_years = age_on(patient.birth_date, today)
    return [*keys, *(key for key in answered if key not in keys and askable(
        key, condition_code=patient.condition_code, sex=patient.sex, age_years=age_years))]


def answered_question_keys(answers):
    """The question keys whose answers are on file."""
    keys = []
    for key in answers:
        if key in ("phq9_items", "gad7_items"):
            keys.append(key.removesuffix("_items"))
        elif key == "biomarkers":
            keys += [f"biomarkers.{gene}" for gene in answers[key] or {}]
        elif key in QUESTIONS or key in INTAKE_QUESTIONS:
            keys.append(key)
    return keys

