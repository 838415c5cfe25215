import io
import json

import pytest
from django.core.management import CommandError, call_command


def run(lines, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("read_criteria", "-", stdout=out, stderr=err)
        error = None
    except CommandError as exc:
        error = str(exc)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue(), error


def test_each_item_gets_its_suggestions_and_screening_flag(monkeypatch):
    lines = [
        json.dumps({"id": "a", "section": "inclusion", "text": "ECOG performance status equal to 3 or 4",
                    "min_age_years": 18, "max_age_years": None}),
        json.dumps({"id": "b", "section": "exclusion", "text": "Known hypersensitivity to pembrolizumab"}),
        json.dumps({"id": "c", "section": "inclusion", "text": "Age >/= 60 years", "min_age_years": 18}),
        json.dumps({"id": "d", "section": "exclusion", "text": "Platelet count < 100,000/mm^3"}),
    ]
    rows, err, error = run(lines, monkeypatch)
    assert error is None and err == ""
    assert rows == [
        {"id": "a", "suggestions": [{"ecog": {"min": 3}}], "screening": False},
        {"id": "b", "suggestions": [], "screening": True},
        {"id": "c", "suggestions": [{"age": {"min": 60}}], "screening": False},
        {"id": "d", "suggestions": [], "screening": True},
    ]


def test_bad_lines_are_reported_by_number_and_the_rest_is_read(monkeypatch):
    lines = ["{not json", json.dumps({"id": 2, "section": "criteria", "text": "x"}),
             json.dumps({"id": 3, "section": "exclusion", "text": "Pregnant or nursing"})]
    rows, err, error = run(lines, monkeypatch)
    assert rows == [{"id": 3, "suggestions": [{"not": {"pregnant": True}}], "screening": False}]
    assert "line 1:" in err and 'line 2: section must be "inclusion" or "exclusion"' in err
    assert error == "2 line(s) could not be read; the others were"


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("read_criteria", str(tmp_path / "nope.jsonl"))


def test_a_file_argument_is_read(tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps({"id": "x", "section": "inclusion", "text": "EGFR sensitizing mutation"}) + "\n")
    out = io.StringIO()
    call_command("read_criteria", str(path), stdout=out)
    assert json.loads(out.getvalue()) == {
        "id": "x", "suggestions": [{"biomarker": {"gene": "EGFR", "status": "positive"}}], "screening": False}
