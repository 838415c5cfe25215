"""Treatments: what the patient has had, how many lines, how recently, what they take now."""

from __future__ import annotations

from trials.eligibility.declaration import Choice, Leaf, Question, register
from trials.eligibility.kinds import CodeListLeaf, RangeLeaf, is_integer
from trials.eligibility.profile import Facts
from trials.eligibility.words import Words, _
from trials.vocabulary import load_vocabulary

THERAPIES = (
    Choice("therapy:surgery", _("Surgery")), Choice("therapy:radiation", _("Radiation")),
    Choice("therapy:chemotherapy", _("Chemotherapy")), Choice("therapy:immunotherapy", _("Immunotherapy")),
    Choice("therapy:targeted", _("Targeted therapy (pills aimed at a gene change)")),
    Choice("therapy:hormone", _("Hormone therapy")),
)


def drug_words(item: str, w: Words) -> str:
    """"duloxetine (SNRI)": the name and, for a drug, its first class in short form."""
    short = load_vocabulary().short_class_label(item, w.language)
    return f"{w.label(item)} ({short})" if short else w.label(item)


class TherapyListLeaf(CodeListLeaf):
    """Drugs, classes (a class covers its drugs) and therapies (a drug implies its therapy)."""

    def __init__(self, *args, tags: str, kinds: tuple[str, ...], refusal: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.tags_name, self.kinds, self.refusal = tags, kinds, refusal  # "prior_tags", ("drug", "class"), …
        self.pattern = f"^({'|'.join(kinds)}):[A-Za-z0-9_]+$"

    def refuse(self, code: str) -> str | None:
        vocab = load_vocabulary()
        known = {"drug": vocab.drugs, "class": vocab.classes, "therapy": vocab.therapies}
        return None if any(code in known[kind] for kind in self.kinds) else f"{self.refusal} {code!r}"

    def tags(self, facts: Facts):
        return getattr(facts, self.tags_name)

    def hits(self, spec, facts: Facts) -> list[str]:
        vocab, wanted = load_vocabulary(), set(spec)
        return [item for item in getattr(facts.profile, self.fact) if wanted & vocab.therapy_tags([item])]

    def hit_words(self, code: str, w: Words) -> str:
        return drug_words(code, w)


PRIOR_THERAPY = register(TherapyListLeaf(
    "prior_therapy", "prior_therapies", tags="prior_tags", example=["class:PD1_PDL1"],
    kinds=("drug", "class", "therapy"), refusal="unknown drug, drug class or therapy",
    has=(_("Previously treated with %(items)s"), _("You have been treated with %(items)s before.")),
    has_none=(_("No prior treatment with: %(items)s"), _("You have not been treated with: %(items)s.")),
    unknown=(_("Treatment history not given"), _("We don't know your past treatments yet.")),
    questions=[Question("prior_therapies", "codes", _("Kinds of treatment you have had for this cancer"),
                        vocabulary="therapies", choices=THERAPIES)],
))

register(RangeLeaf(
    "prior_lines", "prior_lines", low=0, high=20, example={"max": 2},
    subject=_("Prior lines of therapy (%(value)s)"), not_given=_("Prior lines of therapy not given"),
    statement=_("Number of treatment lines you have had: %(value)s"),
    unknown=_("We don't know how many lines of treatment you have had yet."),
    questions=[Question("prior_lines", "choice", _("How many different treatment plans (lines) have you had?"),
                        choices=(Choice(0, _("None yet")), Choice(1, "1"), Choice(2, "2"),
                                 Choice(3, _("3 or more"))))],
))

register(TherapyListLeaf(
    "medication", "medications", tags="medication_tags", example=["class:MAOI"],
    kinds=("drug", "class"), refusal="unknown drug or drug class",
    has=(_("Takes %(items)s"), _("You take %(items)s.")),
    has_none=(_("Takes none of: %(items)s"), _("You don't take any of these: %(items)s.")),
    unknown=(_("Current medications not given"), _("We don't know which medicines you take yet.")),
    questions=[Question("medications", "codes", _("Medicines you take now"), vocabulary="drugs")],
))

register(RangeLeaf(
    "antidepressant_trials", "antidepressant_trials", low=0, high=20, example={"min": 2},
    subject=_("Adequate antidepressant trials (%(value)s)"), not_given=_("Antidepressant history not given"),
    statement=_("Number of antidepressants you have tried: %(value)s"),
    unknown=_("We don't know how many antidepressants you have tried yet."),
    questions=[Question("antidepressant_trials", "choice",
                        _("How many antidepressants have you tried for at least 6 weeks?"),
                        choices=(Choice(0, _("None")), Choice(1, "1"), Choice(2, "2"), Choice(3, "3"),
                                 Choice(4, _("4 or more"))))],
))


class RecentTherapyLeaf(Leaf):
    """{"items": [ids], "within_weeks": N}: any item received less than N weeks ago.

    The patient's answer is an interval [min, max) of weeks since the last dose. Met when a matching
    item's interval ends by N (surely within); not met when every matching item's starts at N or later,
    or none was received; unknown when an interval straddles N.
    """

    name, facts, example = "recent_therapy", ("last_therapy_weeks",), {"items": ["therapy:chemotherapy"],
                                                                       "within_weeks": 4}
    longest_weeks = 104
    questions = (Question("last_therapy_weeks", "when", _("When did you last receive this treatment?"),
                          vocabulary="therapies", unit=_("weeks"), choices=(
        Choice((0, 4), _("In the last 4 weeks")), Choice((4, 13), _("1 to 3 months ago")),
        Choice((13, None), _("More than 3 months ago")))),)

    def spec_schema(self) -> dict:
        weeks = {"type": "integer", "minimum": 1, "maximum": self.longest_weeks}
        return {"type": "object", "properties": {"items": PRIOR_THERAPY.spec_schema(), "within_weeks": weeks},
                "required": ["items", "within_weeks"], "additionalProperties": False}

    def check(self, spec, where: str) -> list[str]:
        if not isinstance(spec, dict):
            return [f"{where}: must be an object with items and within_weeks"]
        out = [f"{where}.{key}: unknown key (use items and within_weeks)"
               for key in spec if key not in ("items", "within_weeks")]
        if "items" not in spec:
            out.append(f"{where}.items: missing (a non-empty list of drugs, drug classes or therapies)")
        else:
            out.extend(PRIOR_THERAPY.check(spec["items"], f"{where}.items"))
        weeks = spec.get("within_weeks")
        if not (is_integer(weeks) and 1 <= weeks <= self.longest_weeks):
            out.append(f"{where}.within_weeks: must be an integer 1–{self.longest_weeks}")
        return out

    def evaluate(self, spec, facts: Facts, nearest):
        if facts.last_therapy is None:
            return None
        wanted, weeks = spec["items"], spec["within_weeks"]
        unsure = False
        for tags, low, high in facts.last_therapy:
            if not any(item in tags for item in wanted):
                continue
            if high is not None and high <= weeks:
                return True
            unsure = unsure or low < weeks
        return None if unsure else False

    def quote(self, spec, facts: Facts, nearest, sites, raw) -> dict:
        weeks = spec["within_weeks"]
        if raw:
            vocab, wanted = load_vocabulary(), set(spec["items"])
            hits = [item for item, (_low, high) in facts.profile.last_therapy_weeks.items()
                    if high is not None and high <= weeks and wanted & vocab.therapy_tags([item])]
            return {"hits": hits, "within": weeks}
        return {"wanted": list(spec["items"]), "within": weeks}

    def sentences(self, quote: dict, raw, negated: bool, w: Words) -> tuple[str, str]:
        weeks = quote["within"]
        if "hits" in quote:
            items = w.join([drug_words(item, w) for item in quote["hits"]])
            return (w.ngettext("Treated with %(items)s less than %(n)s week ago",
                               "Treated with %(items)s less than %(n)s weeks ago", weeks, items=items),
                    w.ngettext("You received %(items)s less than %(n)s week ago.",
                               "You received %(items)s less than %(n)s weeks ago.", weeks, items=items))
        items = w.join([w.short_label(item) for item in quote["wanted"]])
        if raw is None:
            return (w.ngettext("Not known whether %(items)s was received less than %(n)s week ago",
                               "Not known whether %(items)s was received less than %(n)s weeks ago", weeks,
                               items=items),
                    w.ngettext("We don't know yet whether you received %(items)s less than %(n)s week ago.",
                               "We don't know yet whether you received %(items)s less than %(n)s weeks ago.",
                               weeks, items=items))
        return (w.ngettext("No %(items)s for at least %(n)s week", "No %(items)s for at least %(n)s weeks", weeks,
                           items=items),
                w.ngettext("You have not had %(items)s for at least %(n)s week.",
                           "You have not had %(items)s for at least %(n)s weeks.", weeks, items=items))


register(RecentTherapyLeaf())
