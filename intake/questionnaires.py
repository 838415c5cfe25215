"""PHQ-9 and GAD-7: their standard items, answer scale and scoring.

Both are public-domain instruments (Pfizer, no permission required). Item wording follows the
published English forms; the Spanish follows the published Spanish versions' meaning.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from trials.eligibility import Choice, Question

# 0–3 frequency scale shared by both questionnaires, over the last two weeks.
FREQUENCY_CHOICES = [
    (0, _("Not at all")),
    (1, _("Several days")),
    (2, _("More than half the days")),
    (3, _("Nearly every day")),
]

PHQ9_ITEMS = [
    _("Little interest or pleasure in doing things"),
    _("Feeling down, depressed, or hopeless"),
    _("Trouble falling or staying asleep, or sleeping too much"),
    _("Feeling tired or having little energy"),
    _("Poor appetite or overeating"),
    _("Feeling bad about yourself, or that you are a failure or have let yourself or your family down"),
    _("Trouble concentrating on things, such as reading the newspaper or watching television"),
    _(
        "Moving or speaking so slowly that other people could have noticed, or the opposite: being so "
        "fidgety or restless that you have been moving around a lot more than usual"
    ),
    _("Thoughts that you would be better off dead, or of hurting yourself in some way"),
]

GAD7_ITEMS = [
    _("Feeling nervous, anxious, or on edge"),
    _("Not being able to stop or control worrying"),
    _("Worrying too much about different things"),
    _("Trouble relaxing"),
    _("Being so restless that it is hard to sit still"),
    _("Becoming easily annoyed or irritable"),
    _("Feeling afraid, as if something awful might happen"),
]

# The engine's "questionnaire" questions by key: the items, and the answer that stores them (totals are derived).
INSTRUMENTS = {"phq9": (PHQ9_ITEMS, "phq9_items"), "gad7": (GAD7_ITEMS, "gad7_items")}

# A question the engine asks that is one item of an instrument: PHQ-9 item 9 is the suicidal-thoughts question.
ITEM_OF_INSTRUMENT = {"suicidal_ideation": ("phq9", 9)}

def _pain_scale():
    """The 0–10 numeric rating scale, its ends named as the Brief Pain Inventory names them."""
    return tuple(Choice(n, N_("0: no pain") if n == 0 else N_("10: pain as bad as you can imagine") if n == 10
                        else str(n)) for n in range(11))


# Questions the intake asks of its own, whatever the trials' rules say, declared like the engine's so one
# form builder asks both (intake.forms.questions); their answers are stored under their keys. The pain
# questions are asked of everyone with a pain condition (intake.plan.ALWAYS_ASKED): coordinators judge any
# pain trial by them. Pain now and average pain follow the Brief Pain Inventory's items 6 and 5 on its 0-10
# scale, in our words (its own wording is licensed by its authors); duration in the bands pain trials use
# (chronic pain is pain for 3 months or more).
INTAKE_QUESTIONS = {
    "pain_now": Question(
        "pain_now", "choice", N_("How much pain do you have right now?"), choices=_pain_scale(),
        help_text=N_("Choose a number from 0 (no pain) to 10 (pain as bad as you can imagine).")),
    "pain_average": Question(
        "pain_average", "choice", N_("On average, how bad has your pain been?"), choices=_pain_scale(),
        help_text=N_("Choose the number that describes it best, from 0 (no pain) to 10 (pain as bad as you can "
                     "imagine).")),
    "pain_months": Question(
        "pain_months", "choice", N_("How long have you had this pain?"),
        choices=(Choice(2, N_("Less than 3 months")), Choice(6, N_("3 to 12 months")),
                 Choice(12, N_("More than a year")))),
}

PHQ9_SEVERITY = [
    (20, _("severe")), (15, _("moderately severe")), (10, _("moderate")), (5, _("mild")), (0, _("minimal")),
]
GAD7_SEVERITY = [(15, _("severe")), (10, _("moderate")), (5, _("mild")), (0, _("minimal"))]


def total(items, length):
    """Sum of the items, or None unless every item was answered: a partial total would understate."""
    if not items or len(items) != length or any(item is None for item in items):
        return None
    return sum(int(item) for item in items)


def severity(score, bands):
    if score is None:
        return None
    return next(label for floor, label in bands if score >= floor)


def derive_answers(answers):
    """Fill in what follows from the raw answers: questionnaire totals, suicidal ideation, urgency.

    PHQ-9 item 9 above "not at all" means thoughts of death or self-harm: the patient sees crisis
    resources at once and their matches are marked urgent for coordinators.
    """
    answers = dict(answers)
    phq9_items = answers.get("phq9_items")
    if phq9_items is not None:
        answers["phq9"] = total(phq9_items, 9)
        item9 = phq9_items[8] if len(phq9_items) == 9 else None
        answers["suicidal_ideation"] = None if item9 is None else int(item9) > 0
        answers["urgent"] = bool(item9)
    gad7_items = answers.get("gad7_items")
    if gad7_items is not None:
        answers["gad7"] = total(gad7_items, 7)
    return answers
