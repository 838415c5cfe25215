"""The criteria builder page: one form, every button a plain submit, so it works with the keyboard, a screen reader
and no JavaScript; builder.js only announces what changed and keeps the focus where the admin was.

Each request rebuilds the draft from the form, applies the one action whose button was pressed, checks the tree
with validate_rule and shows the page again; "Save" hands the tree and the decisions to
trials.services.decide_suggestions, the one writer of criteria reviews.
"""

from __future__ import annotations

import json
import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from trials.eligibility import LEAVES
from trials.models import ItemReview, Trial
from trials.signals import criteria_preview

from . import fields
from .actions import Outcome, act
from .draft import GROUPS, JSON, Draft
from .lines import kind_title, line_label, line_numbers, problems, uses_select
from .sentences import worded

log = logging.getLogger(__name__)

TEMPLATE = "admin/trials/trial/criteria_builder.html"
# Patients the preview evaluates at most, for each tree: the page is drawn again after every action, so the count
# must stay a small part of it however many patients have consented.
PREVIEW_LIMIT = 500


def builder_view(model_admin, request, pk):
    trial = get_object_or_404(Trial, pk=pk)
    if not model_admin.has_change_permission(request, trial):
        raise PermissionDenied
    if request.method == "POST":
        draft = Draft.from_post(trial, request.POST)
        outcome = act(draft, request.POST, request.user)
        if outcome.saved:
            messages.success(request, outcome.status)
            return redirect("admin:trials_trial_criteria_builder", pk=trial.pk)
    else:
        draft, outcome = Draft.from_trial(trial), Outcome()
    context = {
        **model_admin.admin_site.each_context(request), "opts": Trial._meta, "original": trial, "trial": trial,
        "title": _("Criteria builder: %(ref)s") % {"ref": trial.ref},
        **page(draft, outcome, request.POST if request.method == "POST" else {}),
    }
    return TemplateResponse(request, TEMPLATE, context)


def page(draft: Draft, outcome: Outcome, data) -> dict:
    by_node, summary = problems(draft)
    numbers = line_numbers(draft)
    today = timezone.localdate()
    tree = draft.criteria()
    errors = [{"anchor": "tb-json", "where": _("Advanced: JSON"), "message": outcome.json_error}] \
        if outcome.json_error else []
    errors += [{"anchor": "tb-save", "where": _("Save"), "message": message} for message in outcome.save_errors
               if all(message != f"{p['where']}: {p['message']}" for p in summary)]
    errors += summary
    json_text = outcome.json_text if outcome.json_text is not None else (
        json.dumps(tree, indent=2, ensure_ascii=False) if tree is not None else "")
    counts = review_counts(draft)
    return {
        "root": node_view(draft, draft.root, None, "", False, numbers, by_node, data, today),
        "items": item_views(draft, numbers, today),
        "orphan_suggestions": [s for s in suggestion_views(draft, numbers, today) if s["item"] is None],
        "counts": counts,
        "errors": errors,
        "focus": outcome.focus or ("tb-errors" if outcome.save_errors else ""),
        "status": outcome.status,
        "base": draft.base,
        "json_text": json_text,
        "json_shown": json_text if outcome.json_text is None else data.get("json_shown", ""),
        "json_error": outcome.json_error,
        "json_note": outcome.json_note,
        "preview": preview(draft, valid=not summary and not outcome.json_error),
        "unsaved": draft.criteria() != draft.trial.criteria or any(draft.decisions()),
        "leaf_choices": [(name, fields.title(name)) for name in fields.offered_leaves()],
        "group_choices": [(kind, fields.title(kind)) for kind in GROUPS],
    }


def review_counts(draft: Draft) -> dict:
    states = list(draft.item_states.values())
    saved = draft.trial.review_counts()
    return {"total": len(states), "reviewed": draft.reviewed_count(),
            "saved_reviewed": saved["total"] - saved["pending"],
            **{state: states.count(state) for state in ItemReview.values}}


def node_view(draft, node, parent, path, negated, numbers, by_node, data, today) -> dict:
    number = numbers.get(node.id, "")
    view = {
        "id": node.id, "anchor": f"line-{node.id}", "kind": node.kind, "number": number,
        "title": kind_title(node), "label": line_label(node, numbers), "is_root": parent is None,
        "is_group": node.is_group, "is_json": node.kind == JSON, "negated": negated,
        "group_help": fields.GROUP_HELP.get(node.kind, ""), "errors": by_node.get(node.id, []),
        "hidden": [("node", node.id), (f"{node.id}-_kind", node.kind),
                   (f"{node.id}-_parent", parent.id if parent else ""),
                   (f"{node.id}-_items", ",".join(map(str, node.items))),
                   (f"{node.id}-_suggestion", "" if node.suggestion is None else str(node.suggestion))],
        "items": [index + 1 for index in node.items],
        "can_add": node.is_group and not (node.kind == "not" and node.children),
        "can_unwrap": node.kind == "not" and len(node.children) == 1 and parent is not None,
        "text": node.text,
    }
    if node.is_group:
        where = f"{path}.{node.kind}" if path else node.kind
        child_paths = ([f"{where}[{i}]" for i in range(len(node.children))] if node.kind != "not"
                       else [where] * len(node.children))
        view["children"] = [
            node_view(draft, child, node, child_path, negated != (node.kind == "not"), numbers, by_node, data, today)
            for child, child_path in zip(node.children, child_paths, strict=True)]
    elif node.kind in LEAVES:
        view.update(leaf_view(node, data))
        view["sentences"] = [] if view["errors"] else worded(node.kind, node.spec, negated, today)
    return view


def leaf_view(node, data) -> dict:
    form = fields.leaf_form(node.kind)
    shown = fields.values(form, node.spec)
    mode = shown.get("mode", [None])[0]
    views = []
    for f in form.fields:
        name = f"{node.id}-{f.name}"
        current = shown.get(f.name, [])
        view = {"name": name, "id": name, "field": f.name, "kind": f.kind, "label": fields.field_label(node.kind, f),
                "hint": fields.field_hint(node.kind, f), "unit": fields.field_unit(node.kind, f) or "",
                "value": current[0] if current else "", "mode": f.mode, "required": f.required,
                "integer": f.integer}
        if f.kind in ("choice", "choices", "yes_no"):
            options = (True, False) if f.kind == "yes_no" else f.choices
            selected = set(current)
            view["choices"] = [
                {"value": _choice_value(option), "label": fields.choice_label(node.kind, f, option),
                 "checked": _choice_value(option) in selected, "id": f"{name}-{i}"}
                for i, option in enumerate(options)]
            view["select"] = uses_select(f)
        if f.kind == "fixed":
            view["fixed_label"] = fields.choice_label(node.kind, f, f.const)
        if f.kind == "codes":
            query = data.get(f"{name}-q", "") if data else ""
            pool = fields.code_pool(node.kind, f.name)
            found = [code for code in fields.search_codes(node.kind, f.name, query) if code not in current]
            view["codes"] = [{"code": code, "label": fields.code_label(code), "kind": fields.code_kind(code),
                              "known": code in pool} for code in current]
            view["search"] = {"name": f"{name}-q", "id": f"{name}-q", "query": query, "searched": bool(query.strip()),
                              "results": [{"code": code, "label": fields.code_label(code),
                                           "kind": fields.code_kind(code), "id": f"{name}-add-{i}"}
                                          for i, code in enumerate(found)]}
        views.append(view)
    modes = [{"value": m, "label": fields.MODE_LABELS.get(m, m), "checked": m == mode, "id": f"{node.id}-mode-{i}",
              "fields": [v for v in views if v["mode"] == m]} for i, m in enumerate(form.modes)]
    return {"fields": [v for v in views if v["mode"] is None], "modes": modes, "mode_name": f"{node.id}-mode"}


def _choice_value(option) -> str:
    return {True: "true", False: "false"}.get(option, str(option)) if isinstance(option, bool) else str(option)


def suggestion_views(draft: Draft, numbers, today) -> list[dict]:
    out = []
    for j, suggestion in enumerate(draft.trial.criteria_suggestions or []):
        state = draft.suggestion_states.get(j, "pending")
        line = next((line for line in draft.root.children if line.suggestion == j), None)
        rule = line.rule() if line is not None else suggestion.get("rule")
        index = suggestion.get("item")
        out.append({
            "index": j, "item": index if isinstance(index, int) and index in draft.item_states else None,
            "state": state, "state_label": SUGGESTION_LABELS.get(state, state), "kind": suggestion.get("kind", ""),
            "rule_json": json.dumps(rule, ensure_ascii=False), "says": rule_sentences(rule, today),
            "line": numbers.get(line.id) if line is not None else None, "line_id": line.id if line is not None else "",
            "note": suggestion.get("note", ""),
            "hidden": (f"suggestion-{j}-status", state),
        })
    return out


SUGGESTION_LABELS = {"pending": gettext_lazy("not decided"), "accepted": gettext_lazy("accepted"),
                     "rejected": gettext_lazy("rejected")}


def rule_sentences(rule, today) -> list[str]:
    """What a coordinator reads when a patient meets each leaf of a suggested rule, in the page's language."""
    out = []

    def visit(node, negated):
        if not isinstance(node, dict) or len(node) != 1:
            return
        ((key, value),) = node.items()
        if key in ("all", "any") and isinstance(value, list):
            for child in value:
                visit(child, negated)
        elif key == "not":
            visit(value, not negated)
        elif key in LEAVES:
            rows = worded(key, value, negated, today)
            if rows:
                out.append(rows[0][language]["coordinator"])

    language = "es" if (get_language() or "en").startswith("es") else "en"
    visit(rule, False)
    return out


def item_views(draft: Draft, numbers, today) -> list[dict]:
    suggestions = suggestion_views(draft, numbers, today)
    out = []
    for index, item in enumerate(draft.trial.eligibility_items or []):
        state = draft.item_states.get(index, ItemReview.PENDING)
        out.append({
            "index": index, "number": index + 1, "anchor": f"item-{index}", "text": item.get("text", ""),
            "section": SECTION_LABELS.get(item.get("section"), item.get("section", "")),
            "state": state, "state_label": ItemReview(state).label, "screening_hint": bool(item.get("screening")),
            "suggestions": [s for s in suggestions if s["item"] == index],
            "lines": [numbers[line.id] for line in draft.lines_of(index)],
            "hidden": (f"item-{index}-state", state), "write_id": f"item-{index}-_new",
        })
    return out


SECTION_LABELS = {"inclusion": gettext_lazy("Inclusion"), "exclusion": gettext_lazy("Exclusion")}


def preview(draft: Draft, valid: bool) -> dict:
    """Counts of consented patients under the saved criteria and under the draft (when it is valid)."""
    trees = [draft.trial.criteria] + ([draft.criteria()] if valid else [])
    responses = criteria_preview.send_robust(sender=Trial, trial=draft.trial, trees=trees, limit=PREVIEW_LIMIT)
    for _receiver, response in responses:
        if isinstance(response, Exception):
            log.error("criteria preview failed: %s", type(response).__name__)
            continue
        if response:
            rows = [{"label": _("Saved criteria"), **response["counts"][0]}]
            if valid:
                rows.append({"label": _("This draft"), **response["counts"][1]})
            return {**response, "rows": rows, "draft_valid": valid,
                    "sampled": response["evaluated"] < response["candidates"],
                    "others": response["consented"] - response["candidates"]}
    return {}
