"""Who the patient is: age, sex, pregnancy, their diagnosis and other conditions they have."""

from __future__ import annotations

from trials.eligibility.declaration import Choice, Question, register
from trials.eligibility.kinds import ChoiceListLeaf, CodeListLeaf, RangeLeaf, YesNoLeaf, in_range
from trials.eligibility.profile import Facts
from trials.eligibility.words import Words, _, number
from trials.vocabulary import load_vocabulary

# Any prefix: the vocabulary, not the schema, says which codes exist.
CONDITION_PATTERN = "^[a-z]+:[A-Za-z0-9_]+$"


def age_uses_months(spec: dict) -> bool:
    return any(b is not None and b != int(b) for b in (spec.get("min"), spec.get("max")))


class AgeLeaf(RangeLeaf):
    """Completed years on the day of the run; fractional bounds (0.5 = six months) compare in months."""

    def evaluate(self, spec, facts: Facts, nearest):
        if facts.age_months is None:
            return None
        if age_uses_months(spec):
            months = {k: round(spec[k] * 12) for k in ("min", "max") if spec.get(k) is not None}
            return in_range(facts.age_months, months)
        return in_range(facts.age_years, spec)

    def quote(self, spec, facts: Facts, nearest, sites, raw) -> dict:
        low, high = spec.get("min"), spec.get("max")
        if facts.age_months is None:
            return {}
        if age_uses_months(spec):
            quoted = {"value": facts.age_months, "min": None if low is None else round(low * 12),
                      "max": None if high is None else round(high * 12), "months": True}
            return {k: v for k, v in quoted.items() if v is not None}
        return super().quote(spec, facts, nearest, sites, raw)

    def value(self, facts: Facts):
        return facts.age_years

    def subject_words(self, quote: dict, w: Words) -> str:
        if quote.get("months"):
            return w.gettext("Age in months %(value)s", value=number(quote["value"]))
        return super().subject_words(quote, w)

    def statement_words(self, quote: dict, w: Words) -> str:
        if quote.get("months"):
            return w.ngettext("You are %(n)s month old", "You are %(n)s months old", quote["value"])
        return w.ngettext("You are %(n)s year old", "You are %(n)s years old", quote["value"])

    def requirement(self, quote: dict, w: Words) -> str:
        low, high = quote.get("min"), quote.get("max")
        bounds = {"min": "" if low is None else number(low), "max": "" if high is None else number(high)}
        if quote.get("months"):
            if low is not None and high is not None:
                return w.ngettext("%(min)s–%(max)s month", "%(min)s–%(max)s months", high, **bounds)
            if low is not None:
                return w.ngettext("at least %(min)s month", "at least %(min)s months", low, **bounds)
            return w.ngettext("at most %(max)s month", "at most %(max)s months", high, **bounds)
        if low is not None and high is not None:
            return w.ngettext("%(min)s–%(max)s year", "%(min)s–%(max)s years", high, **bounds)
        if low is not None:
            return w.ngettext("at least %(min)s year", "at least %(min)s years", low, **bounds)
        return w.ngettext("at most %(max)s year", "at most %(max)s years", high, **bounds)


register(AgeLeaf(
    "age", "birth_date", low=0, high=120, integer=False, example={"min": 18, "max": 75},
    subject=_("Age %(value)s"), not_given=_("Birth date not given"),
    unknown=_("We don't know your date of birth yet."),
    questions=[Question("birth_date", "date", _("Date of birth"))],
))

register(ChoiceListLeaf(
    "sex", "sex", values={"female": _("female"), "male": _("male")},
    met=(_("Sex %(value)s, as required (%(wanted)s)"),
         _("The trial accepts participants of %(wanted)s sex, like you.")),
    not_met=(_("Sex %(value)s; the trial takes %(wanted)s only"),
             _("The trial only accepts participants of %(wanted)s sex.")),
    unknown=(_("Sex not given"), _("We don't know your sex assigned at birth yet.")),
    nobody=_("no one"),
    questions=[Question("sex", "choice", _("Sex assigned at birth"),
                        choices=(Choice("female", _("Female")), Choice("male", _("Male"))))],
))


class PregnantLeaf(YesNoLeaf):
    """Nobody asks a male patient whether he is pregnant: his answer is taken as no (see `Facts`)."""

    def value(self, facts: Facts):
        return facts.pregnant

    def quote(self, spec, facts: Facts, nearest, sites, raw) -> dict:
        quoted = super().quote(spec, facts, nearest, sites, raw)
        if facts.pregnant_inferred:
            quoted["inferred"] = True
        return quoted

    def statement(self, quote: dict, w: Words) -> tuple[str, str]:
        if quote.get("inferred"):
            return w.gettext("Not pregnant (male)"), w.gettext("This question does not apply to you.")
        return super().statement(quote, w)

    def sentences(self, quote: dict, raw, negated: bool, w: Words) -> tuple[str, str]:
        coordinator, patient = super().sentences(quote, raw, negated, w)
        if quote.get("inferred") and (raw if not negated else not raw):
            # A man reads only that the question is not for him, not that the trial "accepts" it.
            return coordinator, w.gettext("This question does not apply to you.")
        return coordinator, patient


register(PregnantLeaf(
    "pregnant", "pregnant", also_reads=("sex",),
    yes=(_("Pregnant"), _("You told us you are pregnant.")),
    no=(_("Not pregnant"), _("You told us you are not pregnant.")),
    unknown=(_("Pregnancy status not given"), _("We don't know yet whether you are pregnant.")),
    questions=[Question("pregnant", "yes_no", _("Are you pregnant or breastfeeding?"))],
))


class ConditionLeaf(CodeListLeaf):
    """The patient's diagnosis; a listed code covers its descendants (onc:LUNG covers onc:LUAD)."""

    pattern = CONDITION_PATTERN

    def refuse(self, code: str) -> str | None:
        condition = load_vocabulary().condition(code)
        if condition is None:
            return f"unknown condition code {code!r}"
        if condition.kind == "other":
            return f"{code!r} is not a diagnosis trials are about (use comorbidity)"
        return None

    def tags(self, facts: Facts):
        return facts.condition_tags

    def quote(self, spec, facts: Facts, nearest, sites, raw) -> dict:
        codes = facts.profile.condition_codes
        if codes is None:
            return {}
        if raw:
            vocab = load_vocabulary()
            mine, theirs = next((p, r) for p in codes for r in spec if r in (vocab.ancestors(p) or {p}))
            return {"mine": mine, "theirs": theirs}
        return {"codes": list(codes), "wanted": list(spec)}

    def sentences(self, quote: dict, raw, negated: bool, w: Words) -> tuple[str, str]:
        if "mine" in quote:
            values = {"mine": w.label(quote["mine"]), "theirs": w.label(quote["theirs"])}
            return (w.gettext("Diagnosis %(mine)s matches %(theirs)s", **values),
                    w.gettext("The trial studies %(theirs)s, which includes your diagnosis (%(mine)s).", **values))
        if "codes" not in quote:
            return w.gettext("Diagnosis not given"), w.gettext("We don't know your diagnosis yet.")
        values = {"mine": w.labels(quote["codes"]) or w.gettext("none"), "theirs": w.labels(quote["wanted"])}
        return (w.gettext("Diagnosis %(mine)s is not among %(theirs)s", **values),
                w.gettext("The trial studies %(theirs)s; your diagnosis (%(mine)s) is not one of them.", **values))


register(ConditionLeaf(
    "condition", "condition_codes", example=["onc:NSCLC"],
    questions=[Question("condition_codes", "codes", _("Type your condition"), vocabulary="conditions")],
))

# What the comorbidity question asks about; a trial may list any code of kind "other" or mental health.
COMORBIDITY_CODES = ("other:HIV", "other:HBV", "other:HCV", "other:HEART_FAILURE", "other:MI_STROKE_RECENT",
                     "other:SEIZURE", "other:DIABETES", "other:SUBSTANCE_USE", "psy:BIPOLAR", "psy:PSYCHOSIS")


class ComorbidityLeaf(CodeListLeaf):
    """Other conditions the patient has. The diagnosis counts too: a bipolar patient has bipolar disorder.

    Not met only when both the answers about other conditions and the diagnosis are known, and none of the
    patient's codes is a broader one that might be a listed code ("hepatitis" when the trial lists
    hepatitis B): like a bare stage III against a trial's IIIB, that stays unknown.
    """

    pattern = CONDITION_PATTERN
    unknown_names_items = True

    def refuse(self, code: str) -> str | None:
        condition = load_vocabulary().condition(code)
        if condition is None:
            return f"unknown condition code {code!r}"
        if condition.kind not in ("other", "mental_health"):
            return f"{code!r} is not a comorbidity code (use other: or psy: codes)"
        return None

    def evaluate(self, spec, facts: Facts, nearest):
        known = [tags for tags in (facts.comorbidity_tags, facts.condition_tags) if tags is not None]
        if any(code in tags for tags in known for code in spec):
            return True
        if len(known) < 2:
            return None
        vocab = load_vocabulary()
        mine = (*facts.profile.comorbidities, *facts.profile.condition_codes)
        return None if any(code in vocab.ancestors(listed) for code in mine for listed in spec) else False

    def hits(self, spec, facts: Facts) -> list[str]:
        vocab, wanted = load_vocabulary(), set(spec)
        mine = (*(facts.profile.comorbidities or ()), *(facts.profile.condition_codes or ()))
        return [code for code in dict.fromkeys(mine) if wanted & (vocab.ancestors(code) or {code})]


register(ComorbidityLeaf(
    "comorbidity", "comorbidities", also_reads=("condition_codes",), example=["other:HIV", "other:HBV", "other:HCV"],
    has=(_("Has: %(items)s"), _("You told us you have: %(items)s.")),
    has_none=(_("Has none of: %(items)s"), _("You told us you have none of these: %(items)s.")),
    unknown=(_("Not known whether they have: %(items)s"),
             _("We don't know yet whether you have any of these: %(items)s.")),
    questions=[Question("comorbidities", "codes", _("Do you have any of these conditions?"), vocabulary="conditions",
                        choices=tuple(Choice(code, None) for code in COMORBIDITY_CODES))],
))
