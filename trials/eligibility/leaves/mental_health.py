"""Mental health: questionnaire scores, suicidal thoughts and suicidal behaviour."""

from __future__ import annotations

from trials.eligibility.declaration import Choice, Question, register
from trials.eligibility.kinds import HistoryLeaf, RangeLeaf, YesNoLeaf
from trials.eligibility.words import _, ngettext_lazy

# The questionnaires' 0–3 scale over the last two weeks (PHQ-9 and GAD-7 share it).
FREQUENCY = (Choice(0, _("Not at all")), Choice(1, _("Several days")), Choice(2, _("More than half the days")),
             Choice(3, _("Nearly every day")))

register(RangeLeaf(
    "phq9", "phq9", low=0, high=27, example={"min": 10},
    subject=_("PHQ-9 %(value)s"), not_given=_("PHQ-9 not given"),
    statement=_("Your PHQ-9 depression score is %(value)s"),
    unknown=_("We don't know your PHQ-9 depression score yet."),
    questions=[Question("phq9", "questionnaire",
                        _("Over the last 2 weeks, how often have you been bothered by the following problems?"),
                        choices=FREQUENCY, minimum=0, maximum=27)],
))

register(RangeLeaf(
    "gad7", "gad7", low=0, high=21, example={"min": 10},
    subject=_("GAD-7 %(value)s"), not_given=_("GAD-7 not given"),
    statement=_("Your GAD-7 anxiety score is %(value)s"),
    unknown=_("We don't know your GAD-7 anxiety score yet."),
    questions=[Question("gad7", "questionnaire",
                        _("Over the last 2 weeks, how often have you been bothered by these problems?"),
                        choices=FREQUENCY, minimum=0, maximum=21)],
))

# Asked as PHQ-9 item 9: any answer above "not at all" is a yes.
register(YesNoLeaf(
    "suicidal_ideation", "suicidal_ideation",
    yes=(_("Reports suicidal thoughts"), _("You told us you have had thoughts of suicide.")),
    no=(_("Reports no suicidal thoughts"), _("You told us you have not had thoughts of suicide.")),
    unknown=(_("Suicidal ideation not assessed"), _("We have not asked you about thoughts of suicide yet.")),
    questions=[Question("suicidal_ideation", "choice",
                        _("Thoughts that you would be better off dead, or of hurting yourself in some way"),
                        choices=FREQUENCY)],
))

register(HistoryLeaf(
    "suicidal_behavior", "suicidal_behavior", "suicidal_behavior_months_ago", window="within_months", longest=120,
    texts={
        "never": (_("No suicidal behavior reported"),
                  _("You told us you have not tried to end your life or prepared to.")),
        "unknown": (_("Suicidal behavior not assessed"), _("We have not asked you about suicide attempts yet.")),
        "happened": (_("Suicidal behavior reported"), _("You told us about a suicide attempt or preparations.")),
        "undated_window": (
            ngettext_lazy("Suicidal behavior, when not given (the trial asks about the last %(n)s month)",
                          "Suicidal behavior, when not given (the trial asks about the last %(n)s months)"),
            ngettext_lazy("You told us about a suicide attempt or preparations, but not when: the trial asks "
                          "about the last %(n)s month.",
                          "You told us about a suicide attempt or preparations, but not when: the trial asks "
                          "about the last %(n)s months.")),
        "recent": (_("Suicidal behavior less than a month ago"),
                   _("You told us about a suicide attempt or preparations in the last month.")),
        "ago": (ngettext_lazy("Suicidal behavior %(n)s month ago", "Suicidal behavior %(n)s months ago"),
                ngettext_lazy("You told us about a suicide attempt or preparations %(n)s month ago.",
                              "You told us about a suicide attempt or preparations %(n)s months ago.")),
        "inside": ngettext_lazy("%(fact)s, inside the trial's %(n)s-month window",
                                "%(fact)s, inside the trial's %(n)s-month window"),
        "outside": ngettext_lazy("%(fact)s, outside the trial's %(n)s-month window",
                                 "%(fact)s, outside the trial's %(n)s-month window"),
    },
    questions=[Question("suicidal_behavior", "yes_no",
                        _("Have you ever tried to end your life, or started to prepare to?")),
               Question("suicidal_behavior_months_ago", "number", _("How many months ago was the last time?"),
                        minimum=0, maximum=1200, unit=_("months"))],
))
