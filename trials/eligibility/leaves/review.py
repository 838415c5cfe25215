"""How much of a trial's free-text eligibility the study team has reviewed: a fact of the trial, not the patient.

`trial_rule(review=(reviewed, total))` adds this leaf while any free-text item is still pending. It is always
unknown: nobody has yet said whether the pending items admit the patient, and no answer of theirs can settle it.
So a trial with pending items is at best "possible", its reasons say how far the review got, and the patient
is asked nothing about it.
"""

from __future__ import annotations

from trials.eligibility.declaration import Leaf, register
from trials.eligibility.kinds import is_integer
from trials.eligibility.words import Words


class CriteriaReviewLeaf(Leaf):
    name, facts, questions, negation = "criteria_review", (), (), "opposite"
    waits_on = "study_team"
    example = {"reviewed": 4, "total": 27}

    def spec_schema(self) -> dict:
        count = {"type": "integer", "minimum": 0}
        return {"type": "object", "properties": {"reviewed": count, "total": dict(count)},
                "required": ["reviewed", "total"], "additionalProperties": False}

    def check(self, spec, where: str) -> list[str]:
        if not isinstance(spec, dict):
            return [f"{where}: must be an object with reviewed and total"]
        out = [f"{where}.{key}: unknown key (use reviewed and total)" for key in spec
               if key not in ("reviewed", "total")]
        for key in ("reviewed", "total"):
            if key not in spec:
                out.append(f"{where}.{key}: missing")
            elif not is_integer(spec[key]) or spec[key] < 0:
                out.append(f"{where}.{key}: must be a whole number, 0 or more")
        if not out and spec["reviewed"] > spec["total"]:
            out.append(f"{where}: reviewed {spec['reviewed']} is more than total {spec['total']}")
        return out

    def evaluate(self, spec, facts, nearest):
        return None

    def question_for(self, spec, facts) -> str | None:
        return None

    def quote(self, spec, facts, nearest, sites, raw) -> dict:
        return {"reviewed": spec["reviewed"], "total": spec["total"]}

    def sentences(self, quote: dict, raw, negated: bool, w: Words) -> tuple[str, str]:
        total = quote.get("total", 0)
        if total:
            coordinator = w.ngettext("Criteria reviewed: %(reviewed)s of %(n)s item",
                                     "Criteria reviewed: %(reviewed)s of %(n)s items", total,
                                     reviewed=quote.get("reviewed", 0))
        else:
            coordinator = w.gettext("Criteria not reviewed: the registry lists no eligibility items")
        return coordinator, w.gettext("The study team checks the rest of what this trial asks for.")


register(CriteriaReviewLeaf())
