"""An admin curates real registry trials from the shared corpus (read from $SHARED_DATA at test time, never copied
into the repo) in the builder, to the end: every suggestion decided, every other item marked, no JSON typed.

CI sets SHARED_DATA, so these run there; without it they are skipped (the corpus is not in the repo).
"""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.trials.builder.conftest import BuilderPage
from trials.eligibility import validate_criteria
from trials.models import Trial

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not os.environ.get("SHARED_DATA"), reason="SHARED_DATA is not set (CI sets it)")]

# Recruiting trials of the labelled set: non-small cell lung cancer, chronic low back pain.
REAL_TRIALS = ["NCT04267848", "NCT06053242"]


def buttons(page, action):
    return sorted({int(n) for n in re.findall(rf'name="op" value="{action}:(\d+)"', page.html)})


@pytest.mark.parametrize("nct", REAL_TRIALS)
def test_an_admin_accounts_for_every_item_of_a_real_trial_without_typing_json(client, admin_user, nct):
    studies = Path(os.environ["SHARED_DATA"]) / "ctgov" / "ctgov_v2_studies.jsonl.gz"
    assert studies.is_file(), f"SHARED_DATA is set but {studies} is missing"
    call_command("import_ctgov", str(studies), "--only", nct, "--no-progress")
    trial = Trial.objects.get(ref=nct)
    total = len(trial.eligibility_items)
    assert total > 5 and trial.criteria_suggestions, "a real trial with items and suggestions"
    client.force_login(admin_user)

    page = BuilderPage.open(client, trial)
    assert f"Criteria reviewed: 0 of {total} items" in page.html
    accepts = buttons(page, "accept")
    assert accepts
    for index in accepts:
        page = page.press(f"accept:{index}")
        assert "errorlist" not in page.html, f"accepting suggestion {index} was refused"
    page = page.press("save")
    assert "Criteria and reviews saved." in page.html

    trial.refresh_from_db()
    pending = [index for index, _item, state, _review in trial.reviewed_items() if state == "pending"]
    page = BuilderPage.open(client, trial)
    for index in pending:
        page = page.press(f"screening:{index}")
    page = page.press("save")

    assert f"Criteria reviewed: {total} of {total} items" in page.html
    trial.refresh_from_db()
    assert trial.review_pending == 0 and trial.review_total == total
    assert not validate_criteria(trial.criteria)
    accepted = [s["accepted_rule"] for s in trial.criteria_suggestions if s["status"] == "accepted"]
    assert len(accepted) == len(accepts)
    assert all(rule in trial.criteria["all"] for rule in accepted)
