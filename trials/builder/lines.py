"""Each line of the builder: how the page numbers and names it, where its first control is, and which of
validate_criteria's messages belong to it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from trials.eligibility import LEAVES, validate_criteria

from . import fields
from .draft import JSON, Draft, json_error


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
    return _("Rule %(number)s (%(what)s)") % {"number": numbers[node.id], "what": kind_title(node)}


def kind_title(node) -> str:
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
