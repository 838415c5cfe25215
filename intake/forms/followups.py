"""The status page's follow-up questions: the few answers that would settle a patient's unknowns."""

from .questions import QuestionsForm


class FollowUpForm(QuestionsForm):
    """The questions whose answers would settle a patient's unknowns, asked on the status page.

    `questions` are the keys the engine gave (`Match.questions`: "ecog", "phq9", "biomarkers.EGFR", …). Each is
    built from its leaf's declared question (`intake.forms.questions.asked`), so a new leaf's follow-up needs no
    code here; what the intake cannot ask here (age, sex, diagnosis) is left out, and `asked` lists the rest.
    """

    def __init__(self, *args, questions, answers, sex=None, **kwargs):
        # A male patient is never asked about pregnancy (the engine takes it as no).
        questions = [key for key in questions if not (key == "pregnant" and sex == "male")]
        super().__init__(*args, questions=questions, answers=answers, **kwargs)
