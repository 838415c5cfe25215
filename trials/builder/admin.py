"""The criteria builder's place in the Trial admin: its page, and a criteria field whose errors say where the
JSON breaks (the change page links to the builder, templates/admin/trials/trial/change_form.html)."""

import json

from django import forms
from django.urls import path
from django.utils.translation import gettext_lazy as _

from .views import builder_view


class CriteriaJSONField(forms.JSONField):
    """Django's JSON field says only "Enter a valid JSON."; this one says where and why, and points to the builder
    (validate_rule's path-naming messages come from Trial.clean)."""

    def to_python(self, value):
        if self.disabled or value in self.empty_values or not isinstance(value, str):
            return super().to_python(value)
        try:
            json.loads(value, cls=self.decoder)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("Not valid JSON, line %(line)s, column %(column)s: %(problem)s. The criteria builder (link at the "
                  "top of this page) edits criteria without JSON."),
                code="invalid", params={"line": error.lineno, "column": error.colno, "problem": error.msg})
        return super().to_python(value)


class CriteriaBuilderMixin:
    """Mixed into TrialAdmin: the builder's URL, and the criteria field above."""

    def get_urls(self):
        return [
            path("<int:pk>/criteria-builder/", self.admin_site.admin_view(self.criteria_builder_view),
                 name="trials_trial_criteria_builder"),
        ] + super().get_urls()

    def criteria_builder_view(self, request, pk):
        return builder_view(self, request, pk)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "criteria":
            kwargs["form_class"] = CriteriaJSONField
            kwargs["help_text"] = _("Curated rule tree in the criteria language, beyond age, sex and condition. "
                                    "Easier with the criteria builder (link at the top of this page).")
        return super().formfield_for_dbfield(db_field, request, **kwargs)
