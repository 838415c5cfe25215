"""Writes to trials that matching must hear about."""

from django.db import transaction
from django.utils import timezone

from .eligibility import validate_rule
from .models import ItemReview, Trial, item_key
from .signals import trial_changed


@transaction.atomic
def trial_matching_inputs_changed(trial):
    """Re-index the trial's condition codes and have it re-matched against every consented patient."""
    trial.sync_condition_index()
    Trial.objects.filter(pk=trial.pk).update(criteria_changed_at=timezone.now(), updated_at=timezone.now())
    trial_changed.send(sender=Trial, trial_id=trial.pk)


# decide_suggestions' default: accepted rules are added to the trial's criteria as they are.
ADD_ACCEPTED = object()


@transaction.atomic
def decide_suggestions(*, trial, accepted, rejected=(), reopened=(), criteria=ADD_ACCEPTED, items=None, by=None):
    """Accept suggestions into the trial's criteria (rules possibly edited by the admin) and reject others.

    accepted: {index: rule}. Each rule must pass validate_rule, or nothing is changed (ValueError with the
    messages). Accepted rules join the trial's curated criteria, and the items they came from are accepted.
    reopened: suggestions offered again (their rule left the criteria). criteria: the whole tree to store instead,
    from the criteria builder, where the accepted rules already stand (None stores no criteria). items: decisions
    on free-text items, as review_items takes them, recorded in the same transaction after the suggestions' own;
    a rejected suggestion leaves its item pending. Then the trial is re-matched, once, if anything the engine
    reads changed.
    """
    trial = Trial.objects.select_for_update().get(pk=trial.pk)
    suggestions = [dict(s) for s in trial.criteria_suggestions or []]
    errors = []
    for index, rule in accepted.items():
        if not 0 <= index < len(suggestions):
            errors.append(f"suggestion {index}: no such suggestion")
            continue
        errors += [f"suggestion {index}: {message}" for message in validate_rule(rule)]
    if errors:
        raise ValueError(errors)
    if criteria is ADD_ACCEPTED:
        current = trial.criteria or {}
        parts = list(current.get("all", [])) if set(current) <= {"all"} else [current]
        for _index, rule in sorted(accepted.items()):
            if rule not in parts:
                parts.append(rule)
        criteria = {"all": parts} if parts else None
    for index, rule in sorted(accepted.items()):
        suggestions[index].update(status="accepted", accepted_rule=rule)
    for index in rejected:
        if 0 <= index < len(suggestions) and index not in accepted:
            suggestions[index]["status"] = "rejected"
    for index in reopened:
        if 0 <= index < len(suggestions) and index not in accepted:
            suggestions[index]["status"] = "pending"
            suggestions[index].pop("accepted_rule", None)
    problems = validate_rule(criteria) if criteria else []
    if problems:
        raise ValueError(problems)
    reviews = _accept_items(trial, [suggestions[index] for index in sorted(accepted)], by)
    errors = _record_decisions(trial, reviews, items or {}, by)
    if errors:
        raise ValueError(errors)
    curated = criteria != trial.criteria
    changed = curated or reviews != (trial.item_reviews or {})
    trial.criteria = criteria
    trial.criteria_suggestions = suggestions
    trial.item_reviews = reviews
    fields = ["criteria", "criteria_suggestions", "item_reviews", "updated_at"]
    if curated and trial.source == Trial.Source.CTGOV:
        # Curated criteria: remember what the registry said, to show what changes after.
        trial.curated_registry_snapshot = trial.registry_snapshot()
        fields.append("curated_registry_snapshot")
    trial.save(update_fields=fields)
    if changed:
        trial_matching_inputs_changed(trial)
    return trial


def _accept_items(trial, accepted_suggestions, by=None):
    """The trial's item reviews with the items these accepted suggestions came from marked accepted."""
    reviews = dict(trial.item_reviews or {})
    items = trial.eligibility_items or []
    now = timezone.now().isoformat()
    for suggestion in accepted_suggestions:
        index = suggestion.get("item")
        if index is None or not 0 <= index < len(items):
            continue
        key = item_key(items[index].get("section", ""), items[index].get("text", ""))
        review = reviews.get(key) or {"state": ItemReview.ACCEPTED, "rules": []}
        rules = list(review.get("rules") or []) if review.get("state") == ItemReview.ACCEPTED else []
        if suggestion["accepted_rule"] not in rules:
            rules.append(suggestion["accepted_rule"])
        reviews[key] = {"state": ItemReview.ACCEPTED, "rules": rules, "by": getattr(by, "username", "") or "",
                        "at": now}
    return reviews


def _record_decisions(trial, reviews, decisions, by):
    """Apply {item index: (state, rules)} to `reviews` (item key -> review); the messages of invalid ones."""
    items = trial.eligibility_items or []
    errors = []
    now = timezone.now().isoformat()
    for index, (state, rules) in sorted(decisions.items()):
        if not 0 <= index < len(items):
            errors.append(f"item {index}: no such item")
            continue
        if state not in ItemReview.values:
            errors.append(f"item {index}: unknown state {state!r}")
            continue
        rules = list(rules or [])
        if state == ItemReview.ACCEPTED and not rules:
            errors.append(f"item {index}: an accepted item needs the rule that expresses it")
        errors += [f"item {index}: {message}" for rule in rules for message in validate_rule(rule)]
        key = item_key(items[index].get("section", ""), items[index].get("text", ""))
        if state == ItemReview.PENDING:
            reviews.pop(key, None)
        else:
            reviews[key] = {"state": state, "rules": rules if state == ItemReview.ACCEPTED else [],
                            "by": getattr(by, "username", "") or "", "at": now}
    return errors


@transaction.atomic
def review_items(*, trial, decisions, by):
    """Record an admin's decision on free-text eligibility items: {item index: (state, rules)}.

    state is an ItemReview value: "accepted" (with the rules that express the item, each valid), "screening",
    "not_criterion", or "pending" to take a decision back. Whether every item is accounted for decides the best
    verdict a patient can read, so the trial is re-matched. Raises ValueError (messages) and changes nothing when
    a decision is invalid.
    """
    trial = Trial.objects.select_for_update().get(pk=trial.pk)
    reviews = dict(trial.item_reviews or {})
    errors = _record_decisions(trial, reviews, decisions, by)
    if errors:
        raise ValueError(errors)
    if reviews != (trial.item_reviews or {}):
        trial.item_reviews = reviews
        trial.save(update_fields=["item_reviews", "updated_at"])
        trial_matching_inputs_changed(trial)
    return trial
