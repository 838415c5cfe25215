"""Writes to trials that matching must hear about, and who owns each trial."""

from django.db import transaction
from django.utils import timezone

from .eligibility import validate_criteria
from .models import ItemReview, RoutingRule, Trial, item_key
from .signals import trial_changed

# Trial ids per UPDATE: within every database's limit on a statement's parameters.
BATCH_SIZE = 500


@transaction.atomic
def trial_matching_inputs_changed(trial):
    """Re-index the trial's condition codes, route it to a team, and have it re-matched against every consented
    patient. Every change to what matching reads comes through here (imports, the admin, item reviews), so the
    stored review counts and the routing follow the trial."""
    trial.sync_condition_index()
    trial.refresh_review_counts()
    now = timezone.now()
    Trial.objects.filter(pk=trial.pk).update(criteria_changed_at=now, updated_at=now,
                                             review_total=trial.review_total, review_pending=trial.review_pending)
    route_trials(trial_ids=[trial.pk])
    trial_changed.send(sender=Trial, trial_id=trial.pk)


# decide_suggestions' default: accepted rules are added to the trial's criteria as they are.
ADD_ACCEPTED = object()


@transaction.atomic
def route_trials(*, trial_ids=None):
    """Give each unowned or routed trial the team of the first routing rule it meets (none: no team).

    Adopted trials (an admin chose their team) are never touched, here or by an import. Runs over every trial
    when a rule changes, over one when a trial does. Returns how many trials changed team.
    """
    open_trials = Trial.objects.routable()
    if trial_ids is not None:
        open_trials = open_trials.filter(pk__in=trial_ids)
    wanted = {}
    for rule in RoutingRule.objects.select_related("team"):
        for pk in rule.matching(open_trials).values_list("pk", flat=True):
            wanted.setdefault(pk, rule.team_id)
    moves = {}
    for pk, team_id in open_trials.values_list("pk", "team_id"):
        target = wanted.get(pk)
        if target != team_id:
            moves.setdefault(target, []).append(pk)
    changed = 0
    for team_id, pks in moves.items():
        for start in range(0, len(pks), BATCH_SIZE):
            # routable() again: a trial adopted meanwhile keeps its team.
            changed += Trial.objects.routable().filter(pk__in=pks[start:start + BATCH_SIZE]).update(
                team_id=team_id, team_routed=team_id is not None)
    return changed


@transaction.atomic
def assign_trials(*, trials, team):
    """Adopt these trials for `team` (routing rules and imports then leave them alone); team None hands them
    back to the routing rules. Returns how many trials there were."""
    pks = list(trials.values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH_SIZE):
        Trial.objects.filter(pk__in=pks[start:start + BATCH_SIZE]).update(team=team, team_routed=False)
    if team is None:
        route_trials(trial_ids=pks)
    return len(pks)


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
        errors += [f"suggestion {index}: {message}" for message in validate_criteria(rule)]
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
    problems = validate_criteria(criteria) if criteria else []
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
        errors += [f"item {index}: {message}" for rule in rules for message in validate_criteria(rule)]
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
