"""What each button of the criteria builder does to the draft: add, remove, wrap and unwrap lines, decide on
suggestions and items, pick codes, apply the JSON view, save. Each action takes the draft and the posted form and
says, in an Outcome, what it did and where the focus goes."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trials import services
from trials.eligibility import LEAVES
from trials.models import ItemReview, Trial

from . import fields
from .draft import Draft, fingerprint, json_error
from .lines import first_control, problems

log = logging.getLogger(__name__)


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
