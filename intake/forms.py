"""The intake's steps. Forms validate and render; submit_intake does the writing."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from trials.vocabulary import load_vocabulary

from .geo import is_well_formed_zip, locate_zip
from .models import Patient
from .questionnaires import FREQUENCY_CHOICES, GAD7_ITEMS, PHQ9_ITEMS

UNKNOWN = "unknown"
DONT_KNOW = (UNKNOWN, _("I don't know"))
YES_NO_UNKNOWN = [("yes", _("Yes")), ("no", _("No")), DONT_KNOW]
MAX_AGE_YEARS = 120

TRAVEL_CHOICES = [
    ("", _("No limit I can think of")),
    ("25", _("Up to 25 miles (40 km)")),
    ("50", _("Up to 50 miles (80 km)")),
    ("100", _("Up to 100 miles (160 km)")),
    ("250", _("Up to 250 miles (400 km)")),
]


def yes_no_unknown(value):
    return {"yes": True, "no": False}.get(value)


def int_or_unknown(value):
    return None if value in ("", None, UNKNOWN) else int(value)


class BirthDateInput(forms.DateInput):
    """A native date picker on phones; typing YYYY-MM-DD works where there is none."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AboutForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             help_text=_("We send your private status link here. Emails never contain health details."))
    phone = forms.CharField(label=_("Phone (optional)"), max_length=40, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    birth_date = forms.DateField(
        label=_("Date of birth"),
        widget=BirthDateInput(attrs={"autocomplete": "bday"}),
        input_formats=["%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y"],
        help_text=_("For example 1975-04-23. If you are filling this in for a child, give the child's birthday."),
        error_messages={"invalid": _("Enter a real date, for example 1975-04-23.")},
    )
    sex = forms.ChoiceField(label=_("Sex assigned at birth"), choices=Patient.Sex.choices, widget=forms.RadioSelect,
                            help_text=_("Many trials ask for this because medicines can act differently."))
    postal_code = forms.CharField(
        label=_("ZIP code"), max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
        help_text=_("Five digits. We use it only to find trial sites near you."),
    )
    travel_radius = forms.ChoiceField(label=_("How far could you travel to a trial site?"), choices=TRAVEL_CHOICES,
                                      required=False)

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if birth_date > today:
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if birth_date < date(today.year - MAX_AGE_YEARS, today.month, 1):
            raise forms.ValidationError(_("Please check the year: that would be more than 120 years ago."))
        return birth_date

    def clean_postal_code(self):
        code = self.cleaned_data["postal_code"].strip()
        if not is_well_formed_zip(code):
            raise forms.ValidationError(_("Enter a 5-digit US ZIP code, for example 77030."))
        if locate_zip(code) is None:
            raise forms.ValidationError(_("We could not find ZIP code %(code)s. Please check it.") % {"code": code})
        return code[:5]

    def travel_radius_km(self):
        miles = self.cleaned_data.get("travel_radius")
        return round(int(miles) * 1.609344) if miles else None


def condition_choices(language=None):
    """Selectable conditions grouped as the patient thinks of them: cancer, mental health, pain."""
    vocabulary = load_vocabulary()
    language = language or get_language() or "en"
    language = "es" if language.startswith("es") else "en"
    groups = [("oncology", _("Cancer")), ("mental_health", _("Mental health")), ("pain", _("Pain"))]
    choices = [("", _("Choose one"))]
    for kind, label in groups:
        options = [(c.code, c.label(language)) for c in vocabulary.selectable_conditions(kind=kind)]
        choices.append((label, sorted(options, key=lambda option: option[1])))
    return choices


class ConditionForm(forms.Form):
    condition_code = forms.ChoiceField(
        label=_("Which condition are you looking for a trial for?"),
        choices=(),
        error_messages={"invalid_choice": _("Choose a condition from the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition_code"].choices = condition_choices()

    def kind(self):
        code = self.cleaned_data.get("condition_code", "")
        return kind_of(code)


def kind_of(code):
    if code.startswith("onc:"):
        return "oncology"
    if code.startswith("pain:"):
        return "pain"
    return "mental_health"


class OncologyForm(forms.Form):
    STAGES = [("I", _("Stage 1")), ("II", _("Stage 2")), ("III", _("Stage 3")), ("IV", _("Stage 4")), DONT_KNOW]
    ECOG = [
        ("0", _("I can do everything I did before my illness")),
        ("1", _("I can't do heavy work, but I can do light work like housework or office work")),
        ("2", _("I can look after myself but can't work; I'm up and about more than half the day")),
        ("3", _("I can only partly look after myself; I'm in bed or a chair more than half the day")),
        ("4", _("I can't look after myself at all and stay in bed or a chair")),
        DONT_KNOW,
    ]
    LINES = [("0", _("None yet")), ("1", "1"), ("2", "2"), ("3", _("3 or more")), DONT_KNOW]
    THERAPIES = [
        ("therapy:surgery", _("Surgery")),
        ("therapy:radiation", _("Radiation")),
        ("therapy:chemotherapy", _("Chemotherapy")),
        ("therapy:immunotherapy", _("Immunotherapy")),
        ("therapy:targeted", _("Targeted therapy (pills aimed at a gene change)")),
    ]
    BIOMARKERS = [("EGFR", "EGFR"), ("ALK", "ALK"), ("KRAS", "KRAS"), ("BRAF", "BRAF"), ("HER2", "HER2"),
                  ("BRCA1", "BRCA1"), ("BRCA2", "BRCA2"), ("PD-L1", "PD-L1"), ("ER", _("Estrogen receptor (ER)"))]

    stage = forms.ChoiceField(label=_("What stage is the cancer?"), choices=STAGES, widget=forms.RadioSelect)
    metastatic = forms.ChoiceField(label=_("Has it spread to other parts of the body (metastatic)?"),
                                   choices=YES_NO_UNKNOWN, widget=forms.RadioSelect)
    ecog = forms.ChoiceField(label=_("Which sentence describes your daily activity best?"), choices=ECOG,
                             widget=forms.RadioSelect)
    prior_therapies = forms.MultipleChoiceField(label=_("Treatments you have had for this cancer"), choices=THERAPIES,
                                                widget=forms.CheckboxSelectMultiple, required=False)
    prior_lines = forms.ChoiceField(label=_("How many different treatment plans (lines) have you had?"),
                                    choices=LINES, widget=forms.RadioSelect)
    biomarkers_positive = forms.MultipleChoiceField(
        label=_("Gene or marker results that were positive, if you know them"), choices=BIOMARKERS,
        widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Leave empty if you don't know; a coordinator can check your records."))
    pregnant = forms.ChoiceField(label=_("Are you pregnant or breastfeeding?"), choices=YES_NO_UNKNOWN,
                                 widget=forms.RadioSelect, required=False)

    def answers(self):
        data = self.cleaned_data
        stage = None if data["stage"] == UNKNOWN else data["stage"]
        positives = data.get("biomarkers_positive") or []
        return {
            "stage": stage,
            "metastatic": True if stage == "IV" else yes_no_unknown(data["metastatic"]),
            "ecog": int_or_unknown(data["ecog"]),
            "prior_therapies": data.get("prior_therapies") or None,
            "prior_lines": int_or_unknown(data["prior_lines"]),
            "biomarkers": {gene: "positive" for gene in positives} or None,
            "pregnant": yes_no_unknown(data.get("pregnant")),
        }


class MentalHealthForm(forms.Form):
    """PHQ-9, GAD-7, medications and treatment history, for psychiatric and chronic-pain conditions."""

    TRIALS = [("0", _("None")), ("1", "1"), ("2", "2"), ("3", "3"), ("4", _("4 or more")), DONT_KNOW]
    PAIN_MONTHS = [("", _("Not applicable")), ("2", _("Less than 3 months")), ("6", _("3 to 12 months")),
                   ("12", _("More than a year")), DONT_KNOW]

    medications = forms.CharField(
        label=_("Medicines you take now"), required=False, max_length=500,
        help_text=_("Names separated by commas, for example: duloxetine, ibuprofen. Leave empty if none."))
    antidepressant_trials = forms.ChoiceField(
        label=_("How many antidepressants have you tried for at least 6 weeks?"), choices=TRIALS,
        widget=forms.RadioSelect)
    pain_months = forms.ChoiceField(label=_("How long have you had this pain?"), choices=PAIN_MONTHS,
                                    required=False)
    pregnant = forms.ChoiceField(label=_("Are you pregnant or breastfeeding?"), choices=YES_NO_UNKNOWN,
                                 widget=forms.RadioSelect, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, text in enumerate(PHQ9_ITEMS, start=1):
            self.fields[f"phq9_{number}"] = forms.TypedChoiceField(
                label=text, choices=FREQUENCY_CHOICES, coerce=int, widget=forms.RadioSelect)
        for number, text in enumerate(GAD7_ITEMS, start=1):
            self.fields[f"gad7_{number}"] = forms.TypedChoiceField(
                label=text, choices=FREQUENCY_CHOICES, coerce=int, widget=forms.RadioSelect)

    def clean_medications(self):
        raw = [name.strip() for name in self.cleaned_data["medications"].split(",") if name.strip()]
        vocabulary = load_vocabulary()
        self.unrecognised_medications = [name for name in raw if vocabulary.find_drug(name) is None]
        return [vocabulary.find_drug(name) for name in raw if vocabulary.find_drug(name)]

    def answers(self):
        data = self.cleaned_data
        return {
            "phq9_items": [data[f"phq9_{n}"] for n in range(1, 10)],
            "gad7_items": [data[f"gad7_{n}"] for n in range(1, 8)],
            "medications": data["medications"],
            "medications_unrecognised": self.unrecognised_medications,
            "antidepressant_trials": int_or_unknown(data["antidepressant_trials"]),
            "pain_months": int_or_unknown(data.get("pain_months")),
            "pregnant": yes_no_unknown(data.get("pregnant")),
        }
