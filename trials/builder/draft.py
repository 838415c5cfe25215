"""The criteria being edited, between one request and the next.

Nothing is stored until the admin saves: the tree, which free-text item each line expresses and every item's and
suggestion's decision travel in the form itself (hidden fields and the widgets), so the builder works without
JavaScript and two admins' drafts never mix. Each node has an id ("n4") that stays the same while the page is
edited; a line at the top of the tree remembers the items it expresses and the suggestion it came from, so
editing an accepted suggestion's rule edits what the item is accepted as.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass, field

from trials.eligibility import LEAVES
from trials.models import ItemReview

from . import fields

GROUPS = ("all", "any", "not")
JSON = "json"  # a part of a tree the widgets cannot show: edited as JSON text
SUGGESTION_STATES = ("pending", "accepted", "rejected")
_ID = re.compile(r"^n\d+$")


@dataclass
class Node:
    id: str
    kind: str  # "all" | "any" | "not" | a leaf's name | "json"
    spec: object = None  # a leaf's spec, as typed
    children: list[Node] = field(default_factory=list)
    items: list[int] = field(default_factory=list)  # top-level lines: the free-text items this line expresses
    suggestion: int | None = None  # top-level lines: the suggestion it was accepted from
    text: str = ""  # kind "json": the JSON as typed

    @property
    def is_group(self) -> bool:
        return self.kind in GROUPS

    def rule(self):
        """This subtree in the criteria language (a "json" node's text that is not JSON reads as None)."""
        if self.kind in ("all", "any"):
            return {self.kind: [child.rule() for child in self.children]}
        if self.kind == "not":
            return {"not": self.children[0].rule() if self.children else None}
        if self.kind == JSON:
            try:
                return json.loads(self.text)
            except ValueError:
                return None
        return {self.kind: self.spec}


def fingerprint(trial) -> str:
    """Changes whenever anything the builder edits changes in the database, so a stale draft is not saved."""
    state = [trial.criteria, trial.item_reviews, [s.get("status") for s in trial.criteria_suggestions or []],
             [(i.get("section"), i.get("text")) for i in trial.eligibility_items or []]]
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()[:20]


def json_error(text: str) -> str | None:
    """Where the text stops being JSON, in words ("line 3, column 7: Expecting ',' delimiter"); None if it is."""
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return f"line {error.lineno}, column {error.colno}: {error.msg}"
    return None


class Draft:
    def __init__(self, trial, root: Node, item_states: dict[int, str], suggestion_states: dict[int, str],
                 base: str):
        self.trial = trial
        self.root = root
        self.item_states = item_states
        self.suggestion_states = suggestion_states
        self.base = base
        self._next = 1 + max((int(node.id[1:]) for node, *_ in self.walk()), default=0)

    # -- building -------------------------------------------------------------------------------------------------

    @classmethod
    def from_trial(cls, trial) -> Draft:
        draft = cls(trial, Node("n0", "all"), {}, {}, fingerprint(trial))
        draft.item_states = {index: state for index, _item, state, _review in trial.reviewed_items()}
        draft.suggestion_states = {j: suggestion.get("status", "pending")
                                   for j, suggestion in enumerate(trial.criteria_suggestions or [])}
        draft.set_tree(trial.criteria)
        draft.link_saved()
        return draft

    @classmethod
    def from_post(cls, trial, data) -> Draft:
        """The draft the form describes. Anything malformed (a tampered form) is left out, never a server error;
        a form with no tree at all starts from the saved criteria."""
        nodes: dict[str, Node] = {}
        root = None
        for node_id in data.getlist("node"):
            if not _ID.match(node_id) or node_id in nodes:
                continue
            kind, parent = data.get(f"{node_id}-_kind", ""), data.get(f"{node_id}-_parent", "")
            if kind not in GROUPS and kind not in LEAVES and kind != JSON:
                continue
            node = Node(node_id, kind)
            if kind in LEAVES:
                node.spec = fields.parse(fields.leaf_form(kind), data, f"{node_id}-")
            elif kind == JSON:
                node.text = data.get(f"{node_id}-json", "")
            if root is None:
                if parent or kind != "all":
                    continue
                root = node
            elif parent in nodes and nodes[parent].is_group:
                if nodes[parent].kind == "not" and nodes[parent].children:
                    continue
                nodes[parent].children.append(node)
            else:
                continue
            if root is not node and parent == root.id:
                node.items = _indexes(data.get(f"{node_id}-_items", ""), len(trial.eligibility_items or []))
                suggestion = _indexes(data.get(f"{node_id}-_suggestion", ""), len(trial.criteria_suggestions or []))
                node.suggestion = suggestion[0] if suggestion else None
            nodes[node_id] = node
        if root is None:
            return cls.from_trial(trial)
        saved = cls.from_trial(trial)
        item_states = {i: data.get(f"item-{i}-state") if data.get(f"item-{i}-state") in ItemReview.values else state
                       for i, state in saved.item_states.items()}
        suggestion_states = {
            j: data.get(f"suggestion-{j}-status") if data.get(f"suggestion-{j}-status") in SUGGESTION_STATES
            else state for j, state in saved.suggestion_states.items()}
        return cls(trial, root, item_states, suggestion_states, data.get("base", ""))

    def new_id(self) -> str:
        node_id = f"n{self._next}"
        self._next += 1
        return node_id

    def node_from_rule(self, rule) -> Node:
        """A node for a rule: groups and leaves the widgets show exactly, anything else as JSON text."""
        if isinstance(rule, dict) and len(rule) == 1:
            ((key, value),) = rule.items()
            if key in ("all", "any") and isinstance(value, list):
                return Node(self.new_id(), key, children=[self.node_from_rule(child) for child in value])
            if key == "not":
                return Node(self.new_id(), "not", children=[self.node_from_rule(value)])
            if key in LEAVES and fields.representable(key, value):
                return Node(self.new_id(), key, spec=copy.deepcopy(value))
        return Node(self.new_id(), JSON, text=json.dumps(rule, indent=1, ensure_ascii=False))

    def set_tree(self, criteria) -> None:
        """Show `criteria` under the root "all" (a tree whose root is something else becomes its one line)."""
        self.root = Node(self.root.id, "all")
        if criteria is None:
            return
        if isinstance(criteria, dict) and set(criteria) == {"all"} and isinstance(criteria["all"], list):
            self.root.children = [self.node_from_rule(child) for child in criteria["all"]]
        else:
            self.root.children = [self.node_from_rule(criteria)]

    def link_saved(self) -> None:
        """Link the top-level lines to the items accepted as them and the suggestions accepted into them."""
        reviewed = self.trial.reviewed_items()
        for index, _item, state, review in reviewed:
            if state != ItemReview.ACCEPTED or not review:
                continue
            for rule in review.get("rules") or []:
                line = self.top_line_for(rule)
                if line is not None and index not in line.items:
                    line.items.append(index)
        for j, suggestion in enumerate(self.trial.criteria_suggestions or []):
            if suggestion.get("status") == "accepted":
                line = self.top_line_for(suggestion.get("accepted_rule") or suggestion.get("rule"))
                if line is not None and line.suggestion is None:
                    line.suggestion = j

    # -- reading ----------------------------------------------------------------------------------------------------

    def walk(self):
        """(node, parent, path, negated) in document order; path is what validate_rule calls the node."""
        def visit(node, parent, path, negated):
            yield node, parent, path, negated
            where = f"{path}.{node.kind}" if path else node.kind
            if node.kind in ("all", "any"):
                for i, child in enumerate(node.children):
                    yield from visit(child, node, f"{where}[{i}]", negated)
            elif node.kind == "not":
                for child in node.children:
                    yield from visit(child, node, where, not negated)

        yield from visit(self.root, None, "", False)

    def find(self, node_id: str):
        """(node, parent) or (None, None)."""
        for node, parent, _path, _negated in self.walk():
            if node.id == node_id:
                return node, parent
        return None, None

    def criteria(self):
        """The tree to store: None when there is nothing under the root. A saved tree the builder shows as it
        is (its root another group or a leaf, shown as the one line under "all") is given back unchanged."""
        tree = self.root.rule() if self.root.children else None
        saved = self.trial.criteria
        if saved and tree == {"all": [saved]} and set(saved) != {"all"}:
            return saved
        return tree

    def top_line_for(self, rule) -> Node | None:
        return next((line for line in self.root.children if line.rule() == rule), None)

    def lines_of(self, index: int) -> list[Node]:
        return [line for line in self.root.children if index in line.items]

    def item_rules(self, index: int) -> list:
        return [line.rule() for line in self.lines_of(index)]

    # -- editing ----------------------------------------------------------------------------------------------------

    def add(self, parent_id: str, kind: str) -> Node | None:
        """A new rule (with its leaf's example spec, a valid start) or an empty group, at the end of a group."""
        parent, _ = self.find(parent_id)
        if parent is None or not parent.is_group or (parent.kind == "not" and parent.children):
            return None
        if kind in GROUPS:
            node = Node(self.new_id(), kind)
        elif kind in LEAVES:
            node = Node(self.new_id(), kind, spec=copy.deepcopy(LEAVES[kind].example))
        else:
            return None
        parent.children.append(node)
        return node

    def remove(self, node_id: str) -> Node | None:
        """Remove a node; items it alone expressed are pending again, its suggestion too. Returns its parent."""
        node, parent = self.find(node_id)
        if node is None or parent is None:
            return None
        parent.children.remove(node)
        if parent is self.root:
            self._unlink(node)
        return parent

    def _unlink(self, line: Node) -> None:
        for index in line.items:
            if not self.lines_of(index) and self.item_states.get(index) == ItemReview.ACCEPTED:
                self.item_states[index] = ItemReview.PENDING
        if line.suggestion is not None and self.suggestion_states.get(line.suggestion) == "accepted":
            if not any(other.suggestion == line.suggestion for other in self.root.children):
                self.suggestion_states[line.suggestion] = "pending"

    def wrap(self, node_id: str) -> Node | None:
        """Put a node inside a new NOT (an inclusion turned into an exclusion); the NOT takes its links."""
        node, parent = self.find(node_id)
        if node is None or parent is None:
            return None
        wrapper = Node(self.new_id(), "not", children=[node], items=node.items, suggestion=node.suggestion)
        node.items, node.suggestion = [], None
        parent.children[parent.children.index(node)] = wrapper
        return wrapper

    def unwrap(self, node_id: str) -> Node | None:
        """Replace a NOT by the one rule inside it."""
        node, parent = self.find(node_id)
        if node is None or parent is None or node.kind != "not" or len(node.children) != 1:
            return None
        inner = node.children[0]
        inner.items, inner.suggestion = node.items, node.suggestion
        parent.children[parent.children.index(node)] = inner
        return inner

    def accept(self, j: int) -> Node | None:
        """Accept suggestion j: its rule joins the tree (once) as a line expressing its item."""
        suggestions = self.trial.criteria_suggestions or []
        if not 0 <= j < len(suggestions):
            return None
        suggestion = suggestions[j]
        edited = suggestion.get("status") == "accepted" and suggestion.get("accepted_rule")
        rule = suggestion.get("accepted_rule") if edited else suggestion.get("rule")
        index = suggestion.get("item")
        line = self.top_line_for(rule)
        if line is None:
            line = self.node_from_rule(rule)
            self.root.children.append(line)
        if line.suggestion is None:
            line.suggestion = j
        self.suggestion_states[j] = "accepted"
        if isinstance(index, int) and index in self.item_states:
            if index not in line.items:
                line.items.append(index)
            self.item_states[index] = ItemReview.ACCEPTED
        return line

    def reject(self, j: int) -> None:
        """Reject suggestion j; its item stays as it is (pending unless decided otherwise)."""
        if j not in self.suggestion_states:
            return
        for line in [line for line in self.root.children if line.suggestion == j]:
            self.root.children.remove(line)
            self._unlink(line)
        self.suggestion_states[j] = "rejected"

    def reconsider(self, j: int) -> None:
        if self.suggestion_states.get(j) == "rejected":
            self.suggestion_states[j] = "pending"

    def write(self, index: int, kind: str) -> Node | None:
        """A new line, with the leaf's example spec, expressing item `index` (the admin then sets its values)."""
        if index not in self.item_states or kind not in LEAVES:
            return None
        line = Node(self.new_id(), kind, spec=copy.deepcopy(LEAVES[kind].example), items=[index])
        self.root.children.append(line)
        self.item_states[index] = ItemReview.ACCEPTED
        return line

    def set_item(self, index: int, state: str) -> None:
        """Mark an item screening, not a criterion or pending; lines that expressed only it leave the tree."""
        if index not in self.item_states or state not in ItemReview.values:
            return
        for line in self.lines_of(index):
            line.items.remove(index)
            if not line.items:
                self.root.children.remove(line)
                if line.suggestion is not None and self.suggestion_states.get(line.suggestion) == "accepted":
                    self.suggestion_states[line.suggestion] = "pending"
        self.item_states[index] = state

    def replace_tree(self, criteria) -> None:
        """The tree from the JSON view; links follow the rules they had, items whose rules left are pending."""
        before = {index: self.item_rules(index) for index in self.item_states}
        accepted_from = {line.suggestion: line.rule() for line in self.root.children if line.suggestion is not None}
        self.set_tree(criteria)
        for index, rules in before.items():
            for rule in rules:
                line = self.top_line_for(rule)
                if line is not None and index not in line.items:
                    line.items.append(index)
            if rules and not self.lines_of(index) and self.item_states[index] == ItemReview.ACCEPTED:
                self.item_states[index] = ItemReview.PENDING
        for j, rule in accepted_from.items():
            line = self.top_line_for(rule)
            if line is not None and line.suggestion is None:
                line.suggestion = j
            elif line is None and self.suggestion_states.get(j) == "accepted":
                self.suggestion_states[j] = "pending"

    # -- saving -----------------------------------------------------------------------------------------------------

    def decisions(self):
        """What changed against the database, as decide_suggestions takes it: accepted suggestions {j: rule},
        rejected [j], reopened [j] and item decisions {index: (state, rules)}."""
        saved = self.trial.criteria_suggestions or []
        accepted, rejected, reopened = {}, [], []
        for j, state in self.suggestion_states.items():
            line = next((line for line in self.root.children if line.suggestion == j), None)
            was = saved[j].get("status", "pending")
            if state == "accepted" and line is not None:
                if was != "accepted" or saved[j].get("accepted_rule") != line.rule():
                    accepted[j] = line.rule()
            elif state == "rejected" and was != "rejected":
                rejected.append(j)
            elif state == "pending" and was != "pending":
                reopened.append(j)
        items = {}
        for index, _item, state, review in self.trial.reviewed_items():
            wanted = self.item_states[index]
            rules = self.item_rules(index) if wanted == ItemReview.ACCEPTED else []
            if wanted == ItemReview.ACCEPTED and not rules:
                continue  # accepted before, as rules no longer in the tree: left as it was
            if wanted != state or (wanted == ItemReview.ACCEPTED and rules != (review or {}).get("rules")):
                items[index] = (wanted, rules)
        return accepted, rejected, reopened, items

    def reviewed_count(self) -> int:
        return sum(1 for state in self.item_states.values() if state != ItemReview.PENDING)


def _indexes(text: str, size: int) -> list[int]:
    out = []
    for part in text.split(","):
        part = part.strip()
        if part.isdigit() and int(part) < size and int(part) not in out:
            out.append(int(part))
    return out
