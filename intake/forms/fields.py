"""Form fields of the intake that Django does not ship: a birthday nobody can read two ways, a phone number that
is a phone number."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import get_default_renderer
from django.utils.dates import MONTHS
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from ..phones import PhoneField  # noqa: F401  (the intake's contact step asks with it)


class BirthDateWidget(forms.MultiWidget):
    """Day, month (by name) and year in three labelled boxes.

    A typed "05/12/2008" means 5 December to some readers and 12 May to others, and a date picker shows the
    browser's order, not the page's: three named boxes leave nothing to guess, in any language.
    """

    labels = {"day": _("Day"), "month": _("Month"), "year": _("Year")}

    def __init__(self, attrs=None):
        number = {"inputmode": "numeric", "pattern": "[0-9]*"}
        super().__init__({
            "day": forms.TextInput(attrs={**number, "maxlength": "2", "autocomplete": "bday-day",
                                          "class": "form-control birth-date-day"}),
            "month": forms.Select(attrs={"autocomplete": "bday-month", "class": "form-select birth-date-month"},
                                  choices=[("", _("Choose the month")), *MONTHS.items()]),
            "year": forms.TextInput(attrs={**number, "maxlength": "4", "autocomplete": "bday-year",
                                           "class": "form-control birth-date-year"}),
        }, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def render(self, name, value, attrs=None, renderer=None):
        """The three boxes, each with its own label (the field's label is the legend of their fieldset).
        Built here rather than in a template: the form renderer reads Django's widget templates only."""
        renderer = renderer or get_default_renderer()
        boxes = self.get_context(name, value, attrs)["widget"]["subwidgets"]
        return format_html('<div class="birth-date d-flex flex-wrap gap-2">{}</div>', format_html_join(
            "", '<div class="birth-date-part"><label class="form-label small mb-1" for="{}">{}</label>{}</div>',
            ((box["attrs"]["id"], label, mark_safe(renderer.render(box["template_name"], {"widget": box})))
             for box, label in zip(boxes, self.labels.values(), strict=True))))


class BirthDateField(forms.MultiValueField):
    """A date from the three boxes of `BirthDateWidget`, parsed the same way whatever the language."""

    widget = BirthDateWidget
    default_error_messages = {
        "incomplete": _("Enter the day, the month and the year, for example 23 April 1975."),
        "invalid": _("Enter a real date, for example 23 April 1975."),
        "year": _("Enter the year with four digits, for example 1975."),
    }

    def __init__(self, **kwargs):
        parts = (forms.CharField(max_length=2), forms.CharField(max_length=2), forms.CharField(max_length=4))
        super().__init__(fields=parts, require_all_fields=False, **kwargs)
        for part in self.fields:
            part.required = False  # an empty box is "incomplete", said once for the whole date

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        if not (day and month and year):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        if not (year.isascii() and year.isdigit() and len(year) == 4):
            raise ValidationError(self.error_messages["year"], code="year")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
