"""A real-shaped imported trial (our own fictional record, imported as the registry's would be), and the builder's
form as a browser without JavaScript fills and submits it."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from trials.models import Trial

RECORD = Path(__file__).resolve().parent / "imported_lung_trial.json"


@pytest.fixture
def imported_trial(tmp_path):
    """NCT90000777: nine eligibility items, six suggestions, one recruiting site in Houston."""
    path = tmp_path / "study.json"
    path.write_text(RECORD.read_text().replace("VERIFIED_THIS_MONTH", timezone.localdate().strftime("%Y-%m")))
    call_command("import_ctgov", str(path), "--no-progress")
    return Trial.objects.get(ref="NCT90000777")


class _Form(HTMLParser):
    """The controls of form#tb-form in document order: [name, value, kind], with what is checked or selected."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.controls, self.inside, self.textarea, self.select = [], False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "tb-form":
            self.inside = True
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                self.controls.append([attrs["name"], attrs.get("value", "on"), kind, "checked" in attrs])
            elif kind != "submit":
                self.controls.append([attrs["name"], attrs.get("value", ""), kind, True])
        elif tag == "textarea":
            self.textarea = [attrs["name"], "", "textarea", True]
            self.controls.append(self.textarea)
        elif tag == "select":
            self.select = [attrs["name"], None, "select", True]
            self.controls.append(self.select)
        elif tag == "option" and self.select is not None:
            if self.select[1] is None or "selected" in attrs:
                self.select[1] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data


class BuilderPage:
    """One rendering of the builder: read it, change its controls, press one of its buttons."""

    def __init__(self, client, trial, response):
        assert response.status_code == 200, response.status_code
        self.client, self.trial, self.response = client, trial, response
        self.html = response.content.decode()
        parser = _Form()
        parser.feed(self.html)
        self.controls = parser.controls

    @classmethod
    def open(cls, client, trial):
        return cls(client, trial, client.get(url(trial)))

    def value(self, name):
        return next(control[1] for control in self.controls if control[0] == name and control[3])

    def fill(self, name, value):
        control = next(control for control in self.controls if control[0] == name)
        control[1] = value
        return self

    def choose(self, name, value):
        """Select an option, tick a radio button (and untick its neighbours) or a checkbox."""
        matching = [control for control in self.controls if control[0] == name]
        if matching[0][2] == "select":
            matching[0][1] = value
        else:
            for control in matching:
                if control[1] == value:
                    control[3] = True
                elif control[2] == "radio":
                    control[3] = False
        return self

    def untick(self, name, value):
        next(c for c in self.controls if c[0] == name and c[1] == value)[3] = False
        return self

    def data(self):
        data = {}
        for name, value, _kind, on in self.controls:
            if on:
                data.setdefault(name, []).append(value)
        return data

    def press(self, op, follow=True):
        response = self.client.post(url(self.trial), {**self.data(), "op": op}, follow=follow)
        return BuilderPage(self.client, self.trial, response)

    def node_ids(self):
        return [value for name, value, _kind, _on in self.controls if name == "node"]

    def line(self, kind):
        """The id of the last line of this kind (the one just added)."""
        return [node for node in self.node_ids() if self.value(f"{node}-_kind") == kind][-1]


def url(trial):
    return reverse("admin:trials_trial_criteria_builder", args=[trial.pk])


@pytest.fixture
def builder(client, admin_user, imported_trial):
    client.force_login(admin_user)
    return BuilderPage.open(client, imported_trial)
