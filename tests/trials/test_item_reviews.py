"""Each free-text eligibility item is accepted as a rule, checked at screening, not a criterion, or pending."""

import pytest

from trials.models import ItemReview, Trial
from trials.services import decide_suggestions, review_items

pytestmark = pytest.mark.django_db

ITEMS = [
    {"section": "inclusion", "text": "ECOG 0-1", "understood": True, "screening": False},
    {"section": "inclusion", "text": "Adequate   organ function", "understood": False, "screening": True},
    {"section": "exclusion", "text": "Known HIV", "understood": True, "screening": False},
]


def registry_trial(**fields):
    return Trial.objects.create(ref="NCT90000123", title="Fictional registry trial", source=Trial.Source.CTGOV,
                                eligibility_items=ITEMS, **fields)


def test_a_registry_trial_is_reviewed_only_when_no_item_is_pending(admin_user):
    trial = registry_trial()
    assert trial.review_counts() == {"total": 3, "pending": 3, "accepted": 0, "screening": 0, "not_criterion": 0}
    assert not trial.criteria_reviewed

    review_items(trial=trial, by=admin_user, decisions={
        0: (ItemReview.ACCEPTED, [{"ecog": {"max": 1}}]), 1: (ItemReview.SCREENING, [])})
    trial.refresh_from_db()
    assert trial.review_counts()["pending"] == 1 and not trial.criteria_reviewed

    no_hiv = {"not": {"comorbidity": ["other:HIV"]}}
    review_items(trial=trial, by=admin_user, decisions={2: (ItemReview.ACCEPTED, [no_hiv])})
    trial.refresh_from_db()
    assert trial.criteria_reviewed
    assert [state for _i, _item, state, _r in trial.reviewed_items()] == ["accepted", "screening", "accepted"]
    assert trial.reviewed_items()[0][3]["by"] == admin_user.username


def test_an_invalid_decision_changes_nothing(admin_user):
    trial = registry_trial()
    with pytest.raises(ValueError) as error:
        review_items(trial=trial, by=admin_user, decisions={
            0: (ItemReview.SCREENING, []), 2: (ItemReview.ACCEPTED, [{"ecog": {"max": 9}}]), 7: ("screening", [])})
    assert "item 2: ecog.max: must be an integer 0–5" in error.value.args[0]
    assert "item 7: no such item" in error.value.args[0]
    trial.refresh_from_db()
    assert trial.item_reviews == {}


def test_a_reworded_item_is_pending_again_but_spacing_and_case_do_not_count(admin_user):
    trial = registry_trial()
    review_items(trial=trial, by=admin_user,
                 decisions={1: (ItemReview.SCREENING, []), 2: (ItemReview.NOT_CRITERION, [])})
    trial.refresh_from_db()
    # What a re-import writes: the registry's items, respaced, and one reworded.
    Trial.objects.filter(pk=trial.pk).update(eligibility_items=[
        ITEMS[0], {**ITEMS[1], "text": "adequate organ function"}, {**ITEMS[2], "text": "Known HIV or hepatitis"}])
    trial.refresh_from_db()
    assert [state for _i, _item, state, _r in trial.reviewed_items()] == ["pending", "screening", "pending"]


def test_accepting_a_suggestion_accepts_the_item_it_came_from(admin_user):
    trial = registry_trial(criteria_suggestions=[
        {"kind": "ecog", "section": "inclusion", "item": 0, "text": "ECOG 0-1", "rule": {"ecog": {"max": 1}},
         "status": "pending"}])
    decide_suggestions(trial=trial, accepted={0: {"ecog": {"max": 2}}})
    trial.refresh_from_db()
    assert trial.criteria == {"all": [{"ecog": {"max": 2}}]}
    assert trial.reviewed_items()[0][2:4][0] == "accepted"
    assert trial.reviewed_items()[0][3]["rules"] == [{"ecog": {"max": 2}}]


def test_a_trial_entered_here_is_its_curated_criteria():
    trial = Trial.objects.create(ref="TB-HAND-1", title="Entered by hand", source=Trial.Source.MANUAL)
    assert trial.criteria_reviewed
    assert not Trial(ref="NCT90000999", title="Registry, no text", source=Trial.Source.CTGOV).criteria_reviewed


def test_the_builder_saves_its_tree_its_suggestions_and_its_items_at_once(admin_user,
                                                                         django_capture_on_commit_callbacks):
    no_hiv = {"not": {"comorbidity": ["other:HIV"]}}
    trial = registry_trial(criteria_suggestions=[
        {"kind": "ecog", "section": "inclusion", "item": 0, "text": "ECOG 0-1", "rule": {"ecog": {"max": 1}},
         "status": "pending"},
        {"kind": "comorbidity", "section": "exclusion", "item": 2, "text": "Known HIV", "rule": no_hiv,
         "status": "pending"}])
    tree = {"all": [{"age": {"min": 21}}, {"ecog": {"max": 2}}]}

    with django_capture_on_commit_callbacks() as rematch:
        decide_suggestions(trial=trial, accepted={0: {"ecog": {"max": 2}}}, rejected=[1], criteria=tree,
                           items={0: (ItemReview.ACCEPTED, [{"ecog": {"max": 2}}]), 1: (ItemReview.SCREENING, [])},
                           by=admin_user)

    trial.refresh_from_db()
    assert trial.criteria == tree  # the builder's tree as it is, the accepted rule not added twice
    assert [s["status"] for s in trial.criteria_suggestions] == ["accepted", "rejected"]
    assert [state for _i, _item, state, _r in trial.reviewed_items()] == ["accepted", "screening", "pending"]
    assert trial.reviewed_items()[0][3] == {**trial.reviewed_items()[0][3], "rules": [{"ecog": {"max": 2}}],
                                             "by": admin_user.username}
    assert trial.curated_registry_snapshot["eligibility_text"] == ""
    assert len(rematch) == 1

    decide_suggestions(trial=trial, accepted={}, reopened=[0], criteria={"all": [{"age": {"min": 21}}]},
                       items={0: (ItemReview.PENDING, [])}, by=admin_user)
    trial.refresh_from_db()
    assert trial.criteria_suggestions[0]["status"] == "pending" and "accepted_rule" not in trial.criteria_suggestions[0]
    assert trial.review_counts()["pending"] == 2


def test_a_bad_item_decision_saved_with_the_tree_changes_nothing(admin_user):
    trial = registry_trial()
    with pytest.raises(ValueError) as error:
        decide_suggestions(trial=trial, accepted={}, criteria={"all": [{"ecog": {"max": 1}}]},
                           items={0: (ItemReview.ACCEPTED, [])}, by=admin_user)
    assert error.value.args[0] == ["item 0: an accepted item needs the rule that expresses it"]
    trial.refresh_from_db()
    assert trial.criteria is None and trial.item_reviews == {}
