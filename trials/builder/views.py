"""The criteria builder page: one form, every button a plain submit, so it works with the keyboard, a screen reader
and no JavaScript; builder.js only announces what changed and keeps the focus where the admin was.

Each request rebuilds the draft from the form, applies the one action whose button was pressed, checks the tree
with validate_rule and shows the page again; "Save" hands the tree and the decisions to
trials.services.decide_suggestions, the one writer of criteria reviews.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from trials import services
from trials.eligibility import LEAVES, validate_criteria
from trials.models import ItemReview, Trial
from trials.signals import criteria_preview

from . import fields
from .draft import GROUPS, JSON, Draft, fingerprint, json_error
from .sentences import worded

log = logging.getLogger(__name__)

TEMPLATE = "admin/trials/trial/criteria_builder.html"
# Patients the preview evaluates at most, for each tree: the page is drawn again after every action, so the count
# must stay a small part of it however many patients have consented.
PREVIEW_LIMIT = 500


@dataclass
class Outcome:
    """What one action did: the words announced, where the focus goes, and whether the draft was saved."""

    status: str = ""
    focus: str = ""
    saved: bool = False
    save_errors: list[str] = field(default_factory=list)
    json_text: str | None = None  # the JSON view's text when it is not the draft's own (an edit not applied)
    json_error: str = ""
    json_note: str = ""


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


# -- actions -------------------------------------------------------------------------------------------------------

def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def act(draft: Draft, data, user) -> Outcome:
    """Apply the action of the button pressed (`op`, "verb:argument…") to the draft."""
    op = data.get("op", "check")
    verb, _sep, argument = op.partition(":")
    outcome = Outcome(focus=data.get("focus", "") if verb == "check" else "")
    shown, posted = _lines(data.get("json_shown", "")), _lines(data.get("json", ""))
    json_edited = "json" in data and posted != shown
    if json_edited and verb not in ("apply-json", "reset-json"):
        outcome.json_text = data.get("json", "")
        outcome.json_note = _("Your edits to the JSON are not applied yet: press “Apply the JSON” to use them, or "
                              "“Undo JSON edits”.")
    handler = ACTIONS.get(verb)
    if handler is not None:
        handler(draft, argument, data, outcome, user)
    return outcome


def _lines(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))


def _add(draft, argument, data, outcome, user):
    kind = data.get(f"{argument}-_new", "")
    node = draft.add(argument, kind)
    if node is None:
        outcome.status = _("Nothing was added: choose a rule or a group first.")
        outcome.focus = f"{argument}-_new"
        return
    outcome.status = _("Added: %(what)s.") % {"what": fields.title(kind)}
    outcome.focus = first_control(node)


def _remove(draft, argument, data, outcome, user):
    node, _parent = draft.find(argument)
    parent = draft.remove(argument)
    if parent is None:
        return
    outcome.status = _("Removed: %(what)s.") % {"what": fields.title(node.kind)}
    outcome.focus = f"{parent.id}-_new"


def _wrap(draft, argument, data, outcome, user):
    wrapper = draft.wrap(argument)
    if wrapper is not None:
        outcome.status = _("Put inside a NOT: patients who meet it are now excluded.")
        outcome.focus = f"line-{wrapper.id}"


def _unwrap(draft, argument, data, outcome, user):
    inner = draft.unwrap(argument)
    if inner is not None:
        outcome.status = _("The NOT was removed.")
        outcome.focus = f"line-{inner.id}"


def _accept(draft, argument, data, outcome, user, *, edit=False):
    j = _number(argument)
    line = draft.accept(j) if j is not None else None
    if line is None:
        return
    index = (draft.trial.criteria_suggestions or [])[j].get("item")
    number = draft.root.children.index(line) + 1
    outcome.status = _("Suggestion accepted: rule %(number)s of the criteria now expresses it.") % {"number": number}
    if edit:
        outcome.status += " " + _("Set its values below.")
        outcome.focus = first_control(line)
    else:
        outcome.focus = f"item-{index}" if isinstance(index, int) else f"line-{line.id}"


def _edit(draft, argument, data, outcome, user):
    _accept(draft, argument, data, outcome, user, edit=True)


def _reject(draft, argument, data, outcome, user):
    j = _number(argument)
    if j is None or j not in draft.suggestion_states:
        return
    draft.reject(j)
    index = (draft.trial.criteria_suggestions or [])[j].get("item")
    outcome.status = _("Suggestion rejected; its item is still to be reviewed.")
    outcome.focus = f"item-{index}" if isinstance(index, int) else "tb-items"


def _reconsider(draft, argument, data, outcome, user):
    j = _number(argument)
    if j is None or j not in draft.suggestion_states:
        return
    draft.reconsider(j)
    index = (draft.trial.criteria_suggestions or [])[j].get("item")
    outcome.status = _("The suggestion is offered again.")
    outcome.focus = f"item-{index}" if isinstance(index, int) else "tb-items"


def _item_state(state):
    def handler(draft, argument, data, outcome, user):
        index = _number(argument)
        if index is None or index not in draft.item_states:
            return
        draft.set_item(index, state)
        outcome.status = _("Item %(number)s: %(state)s.") % {"number": index + 1, "state": ItemReview(state).label}
        outcome.focus = f"item-{index}"

    return handler


def _write(draft, argument, data, outcome, user):
    index = _number(argument)
    kind = data.get(f"item-{argument}-_new", "")
    line = draft.write(index, kind) if index is not None else None
    if line is None:
        outcome.status = _("Nothing was added: choose a rule first.")
        outcome.focus = f"item-{argument}-_new"
        return
    outcome.status = _("Added rule %(number)s for item %(item)s: set its values.") % {
        "number": len(draft.root.children), "item": index + 1}
    outcome.focus = first_control(line)


def _search(draft, argument, data, outcome, user):
    node_id, _sep, name = argument.partition(":")
    kind = _kind_of(draft, node_id)
    if not kind or name not in {f.name for f in fields.leaf_form(kind).fields}:
        return
    outcome.focus = f"{node_id}-{name}-q"
    results = fields.search_codes(kind, name, data.get(f"{node_id}-{name}-q", ""))
    if results:
        outcome.focus = f"{node_id}-{name}-add-0"
    outcome.status = ngettext("%(n)s code found.", "%(n)s codes found.", len(results)) % {"n": len(results)}


def _kind_of(draft, node_id):
    node, _parent = draft.find(node_id)
    return node.kind if node is not None and node.kind in LEAVES else ""


def _codes(draft, node_id, name):
    """The node's list of codes for this field (created when missing), or None."""
    node, _parent = draft.find(node_id)
    if node is None or node.kind not in LEAVES:
        return None, None
    if name == "value":
        if not isinstance(node.spec, list):
            node.spec = []
        return node, node.spec
    if not isinstance(node.spec, dict):
        node.spec = {}
    if not isinstance(node.spec.get(name), list):
        node.spec[name] = []
    return node, node.spec[name]


def _add_code(draft, argument, data, outcome, user):
    node_id, name, code = (argument.split(":", 2) + ["", ""])[:3]
    kind = _kind_of(draft, node_id)
    if not kind or name not in {f.name for f in fields.leaf_form(kind).fields if f.kind == "codes"}:
        return
    if code not in fields.code_pool(kind, name):
        return
    node, codes = _codes(draft, node_id, name)
    if codes is None:
        return
    if code not in codes:
        codes.append(code)
    outcome.status = _("Added %(label)s.") % {"label": fields.code_label(code)}
    outcome.focus = f"{node_id}-{name}-q"


def _drop_code(draft, argument, data, outcome, user):
    node_id, name, code = (argument.split(":", 2) + ["", ""])[:3]
    node, codes = _codes(draft, node_id, name)
    if codes is None or code not in codes:
        return
    codes.remove(code)
    outcome.status = _("Removed %(label)s.") % {"label": fields.code_label(code)}
    outcome.focus = f"{node_id}-{name}-q"


def _apply_json(draft, argument, data, outcome, user):
    text = data.get("json", "")
    outcome.json_note = ""
    if not text.strip():
        draft.replace_tree(None)
        outcome.status = _("The JSON was empty: the criteria are now empty.")
        outcome.focus = "tb-tree"
        return
    problem = json_error(text)
    if problem:
        outcome.json_text, outcome.json_error = text, _("Not valid JSON, %(where)s. Nothing was applied.") % {
            "where": problem}
        outcome.status, outcome.focus = outcome.json_error, "tb-json"
        return
    draft.replace_tree(json.loads(text))
    outcome.status = _("The JSON was applied to the criteria above.")
    outcome.focus = "tb-tree"


def _reset_json(draft, argument, data, outcome, user):
    outcome.json_text, outcome.json_note = None, ""
    outcome.status = _("JSON edits undone.")
    outcome.focus = "tb-json"


def _save(draft, argument, data, outcome, user):
    if outcome.json_note:
        outcome.save_errors = [outcome.json_note]
    else:
        outcome.save_errors = [f"{problem['where']}: {problem['message']}" for problem in problems(draft)[1]]
    if outcome.save_errors:
        outcome.status, outcome.focus = _("Not saved: fix the problems listed first."), "tb-errors"
        return
    accepted, rejected, reopened, items = draft.decisions()
    try:
        with transaction.atomic():
            current = Trial.objects.select_for_update().get(pk=draft.trial.pk)
            if fingerprint(current) != draft.base:
                # Someone saved meanwhile: keep this draft on screen; a second press saves it over theirs.
                draft.base = fingerprint(current)
                outcome.save_errors = [_("Someone else saved this trial's criteria or reviews while you were "
                                         "editing. Your draft is kept here, not saved: press Save again to replace "
                                         "their changes with yours, or reload the page to start from theirs.")]
                outcome.status, outcome.focus = outcome.save_errors[0], "tb-errors"
                return
            services.decide_suggestions(trial=current, accepted=accepted, rejected=rejected, reopened=reopened,
                                        criteria=draft.criteria(), items=items, by=user)
    except ValueError as error:
        outcome.save_errors = list(error.args[0]) if isinstance(error.args[0], list) else [str(error)]
        outcome.status, outcome.focus = _("Not saved: fix the problems listed first."), "tb-errors"
        return
    outcome.saved = True
    outcome.status = _("Criteria and reviews saved. The trial is being matched again with them.")


ACTIONS = {
    "add": _add, "remove": _remove, "wrap": _wrap, "unwrap": _unwrap, "accept": _accept, "edit": _edit,
    "reject": _reject, "reconsider": _reconsider, "screening": _item_state(ItemReview.SCREENING),
    "not-criterion": _item_state(ItemReview.NOT_CRITERION), "pending": _item_state(ItemReview.PENDING),
    "write": _write, "search": _search, "add-code": _add_code, "drop-code": _drop_code,
    "apply-json": _apply_json, "reset-json": _reset_json, "save": _save,
}


# -- checking ------------------------------------------------------------------------------------------------------

def problems(draft: Draft):
    """({node id: [message]}, [{"anchor", "where", "message"}]): validate_rule's messages, each at the deepest
    line whose path it names, plus lines that are empty groups or not JSON."""
    by_node: dict[str, list[str]] = {}
    numbers = line_numbers(draft)
    placed = []  # (path, node id) deepest first
    quiet = set()  # paths whose engine message would only repeat ours
    for node, _parent, path, _negated in draft.walk():
        placed.append((path, node.id))
        if node.is_group and node is not draft.root and not node.children:
            by_node.setdefault(node.id, []).append(_("This group is empty: add a rule to it, or remove it."))
            quiet.add(f"{path}.{node.kind}" if path else node.kind)
        if node.kind == JSON and json_error(node.text):
            by_node.setdefault(node.id, []).append(_("Not valid JSON, %(where)s.") % {"where": json_error(node.text)})
            quiet.add(path)
    placed.sort(key=lambda pair: len(pair[0]), reverse=True)
    tree = draft.root.rule() if draft.root.children else None  # the paths the lines were given
    for message in validate_criteria(tree) if tree is not None else []:
        where = message.split(": ", 1)[0]
        if where in quiet:
            continue
        node_id = next(node_id for path, node_id in placed
                       if path == "" or where == path or where.startswith((f"{path}.", f"{path}[")))
        by_node.setdefault(node_id, []).append(message)
    summary = []
    for node, _parent, _path, _negated in draft.walk():
        for message in by_node.get(node.id, ()):
            summary.append({"anchor": f"line-{node.id}", "where": line_label(node, numbers), "message": message})
    return by_node, summary


def line_numbers(draft: Draft) -> dict[str, str]:
    """"1", "2", "2.1"…: how the page and the messages name each line."""
    numbers = {}

    def number(node, prefix):
        for i, child in enumerate(node.children, start=1):
            numbers[child.id] = f"{prefix}{i}"
            number(child, f"{prefix}{i}.")

    number(draft.root, "")
    return numbers


def line_label(node, numbers) -> str:
    if node.id not in numbers:
        return _("The criteria")
    return _("Rule %(number)s (%(what)s)") % {"number": numbers[node.id], "what": _kind_title(node)}


def _kind_title(node) -> str:
    return _("JSON") if node.kind == JSON else fields.title(node.kind)


def first_control(node) -> str:
    """The id of the first thing to type into on a line (or its heading for a group)."""
    if node.kind in LEAVES:
        form = fields.leaf_form(node.kind)
        if form.modes:
            return f"{node.id}-mode-0"
        field_ = next((f for f in form.fields if f.kind != "fixed"), None)
        if field_ is None:
            return f"line-{node.id}"
        if field_.kind == "codes":
            return f"{node.id}-{field_.name}-q"
        if field_.kind in ("choices", "yes_no") or (field_.kind == "choice" and not uses_select(field_)):
            return f"{node.id}-{field_.name}-0"
        return f"{node.id}-{field_.name}"
    if node.kind == JSON:
        return f"{node.id}-json"
    if node.kind == "not" and node.children:  # a full NOT: what is inside it
        return first_control(node.children[0])
    return f"{node.id}-_new"


def uses_select(field_) -> bool:
    """A long list of single choices (genes) is a select; a short one, radio buttons."""
    return field_.kind == "choice" and len(field_.choices) > 6


# -- the page ------------------------------------------------------------------------------------------------------

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
        "title": _kind_title(node), "label": line_label(node, numbers), "is_root": parent is None,
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
