"""The cancer: its stage, spread, status and markers, the patient's performance status, other cancers."""

from __future__ import annotations

import re

from trials.eligibility.declaration import Choice, Leaf, Question, judged, register
from trials.eligibility.kinds import ChoiceListLeaf, HistoryLeaf, RangeLeaf, YesNoLeaf, met_after_not
from trials.eligibility.profile import BIOMARKER_STATUSES, Facts
from trials.eligibility.words import Words, _, ngettext_lazy
from trials.vocabulary import load_vocabulary

STAGES = ("0", "I", "II", "III", "IV")
STAGE_RE = re.compile(r"^\s*(?:STAGE\s+)?(IV|III|II|I|0)([A-C]?)\d?\s*$", re.IGNORECASE)
STAGE_ORDER = {"0": 0, "I": 1, "II": 2, "III": 3, "IV": 4}
STAGE_PATTERN = "^(0|I|II|III|IV)[A-C]?$"
STAGE_MESSAGE = "must be a stage 0, I, II, III or IV, optionally with a sub-stage A–C"


def parse_stage(text: str | None) -> tuple[int, str] | None:
    """"IIIA" -> (3, "A"); "Stage IV" -> (4, ""); anything else -> None."""
    if not text:
        return None
    m = STAGE_RE.match(text)
    return (STAGE_ORDER[m.group(1).upper()], m.group(2).upper()) if m else None


def _stage_ok(value) -> bool:
    if not isinstance(value, str):
        return False
    return value in STAGES or (len(value) > 1 and value[:-1] in STAGES and value[-1] in "ABC")


def _stage_cmp(patient: tuple[int, str], rule: tuple[int, str]) -> int | None:
    """-1/0/1 comparing stages; None when only the sub-stage could tell (IIIA vs a bare III)."""
    if patient[0] != rule[0]:
        return -1 if patient[0] < rule[0] else 1
    if not rule[1]:
        return 0
    if not patient[1]:
        return None
    return (patient[1] > rule[1]) - (patient[1] < rule[1])


class StageLeaf(Leaf):
    """{"in": [stages]} or {"min": stage, "max": stage}; a bare "III" cannot settle "IIIB"."""

    name, facts, example = "stage", ("stage",), {"in": ["III", "IV"]}
    questions = (Question("stage", "choice", _("What stage is the cancer?"), choices=(
        Choice("I", _("Stage 1")), Choice("II", _("Stage 2")), Choice("III", _("Stage 3")),
        Choice("IV", _("Stage 4")))),)

    def spec_schema(self) -> dict:
        stage = {"type": "string", "pattern": STAGE_PATTERN}
        return {"oneOf": [
            {"type": "object",
             "properties": {"in": {"type": "array", "minItems": 1, "uniqueItems": True, "items": stage}},
             "required": ["in"], "additionalProperties": False},
            {"type": "object", "properties": {"min": stage, "max": dict(stage)}, "minProperties": 1,
             "additionalProperties": False},
        ]}

    def check(self, spec, where: str) -> list[str]:
        if not isinstance(spec, dict) or not spec:
            return [f"{where}: must be {{\"in\": [stages]}} or {{\"min\"/\"max\": stage}}"]
        out = []
        if "in" in spec:
            if set(spec) != {"in"}:
                out.append(f"{where}: use either in, or min/max, not both")
            if not isinstance(spec["in"], list) or not spec["in"]:
                out.append(f"{where}.in: must be a non-empty list of stages")
            else:
                out.extend(f"{where}.in[{i}]: {STAGE_MESSAGE}" for i, s in enumerate(spec["in"]) if not _stage_ok(s))
            return out
        for key, value in spec.items():
            if key not in ("min", "max"):
                out.append(f"{where}.{key}: unknown key (use in, min or max)")
            elif not _stage_ok(value):
                out.append(f"{where}.{key}: {STAGE_MESSAGE}")
        return out

    def evaluate(self, spec, facts: Facts, nearest):
        patient = parse_stage(facts.profile.stage)
        if patient is None:
            return None
        if "in" in spec:
            unsure = False
            for item in spec["in"]:
                cmp = _stage_cmp(patient, parse_stage(item))
                if cmp == 0:
                    return True
                unsure = unsure or cmp is None
            return None if unsure else False
        result: bool | None = True
        for key, bad in (("min", -1), ("max", 1)):
            if spec.get(key) is None:
                continue
            cmp = _stage_cmp(patient, parse_stage(spec[key]))
            if cmp == bad:
                return False
            if cmp is None:
                result = None
        return result

    def quote(self, spec, facts: Facts, nearest, sites, raw) -> dict:
        stage = facts.profile.stage
        if stage is None:
            return {}
        return {"value": stage, **{k: spec[k] for k in ("in", "min", "max") if k in spec}}

    def sentences(self, quote: dict, raw, negated: bool, w: Words) -> tuple[str, str]:
        stage = quote.get("value")
        if raw is None and not parse_stage(stage):
            return w.gettext("Stage not given"), w.gettext("We don't know the stage of your cancer yet.")
        if "in" in quote:
            requirement = w.join(quote["in"])
        elif quote.get("min") and quote.get("max"):
            requirement = w.gettext("%(min)s to %(max)s", min=quote["min"], max=quote["max"])
        elif quote.get("min"):
            requirement = w.gettext("%(min)s or higher", min=quote["min"])
        else:
            requirement = w.gettext("up to %(max)s", max=quote.get("max"))
        values = {"stage": stage, "requirement": requirement}
        if raw is None:  # a stage like "III" when the trial names sub-stages
            return (w.gettext("Stage %(stage)s is not precise enough for %(requirement)s", **values),
                    w.gettext("We need the exact sub-stage of your cancer (the trial accepts %(requirement)s).",
                              **values))
        if raw:
            return (w.gettext("Stage %(stage)s meets the requirement (%(requirement)s)", **values),
                    w.gettext("Your cancer stage (%(stage)s) is one the trial accepts (%(requirement)s).", **values))
        return (w.gettext("Stage %(stage)s does not meet the requirement (%(requirement)s)", **values),
                w.gettext("The trial accepts stage %(requirement)s; yours is %(stage)s.", **values))


register(StageLeaf())

register(YesNoLeaf(
    "metastatic", "metastatic",
    yes=(_("Metastatic (cancer has spread)"), _("You told us your cancer has spread.")),
    no=(_("Not metastatic"), _("You told us your cancer has not spread.")),
    unknown=(_("Metastatic status not given"), _("We don't know yet whether your cancer has spread.")),
    questions=[Question("metastatic", "yes_no", _("Has it spread to other parts of the body (metastatic)?"))],
))

register(RangeLeaf(
    "ecog", "ecog", low=0, high=5, example={"max": 1},
    subject=_("ECOG %(value)s"), not_given=_("ECOG not given"),
    statement=_("Your ECOG score is %(value)s"), unknown=_("We don't know your ECOG score yet."),
    questions=[Question("ecog", "choice", _("Which sentence describes your daily activity best?"),
                        help_text=_("Doctors call this the performance status (ECOG)."), choices=(
        Choice(0, _("I can do everything I did before my illness")),
        Choice(1, _("I can't do heavy work, but I can do light work like housework or office work")),
        Choice(2, _("I can look after myself but can't work; I'm up and about more than half the day")),
        Choice(3, _("I can only partly look after myself; I'm in bed or a chair more than half the day")),
        Choice(4, _("I can't look after myself at all and stay in bed or a chair"))))],
))

STATUS_WORDS = {"positive": _("positive"), "negative": _("negative")}


class BiomarkerLeaf(Leaf):
    """{"gene": "EGFR", "status": "positive"}; gene names and aliases (HER2 = ERBB2) are one marker."""

    name, facts, negation = "biomarker", ("biomarkers",), "opposite"
    example = {"gene": "EGFR", "status": "positive"}
    questions = (Question("biomarkers", "choice", _("What did the test for this marker show?"), choices=(
        Choice("positive", _("Positive (found)")), Choice("negative", _("Negative (not found)")))),)

    def spec_schema(self) -> dict:
        return {"type": "object", "properties": {"gene": {"type": "string", "minLength": 1},
                                                 "status": {"enum": list(BIOMARKER_STATUSES)}},
                "required": ["gene", "status"], "additionalProperties": False}

    def check(self, spec, where: str) -> list[str]:
        if not isinstance(spec, dict):
            return [f"{where}: must be an object with gene and status"]
        out = []
        gene = spec.get("gene")
        if not isinstance(gene, str) or not load_vocabulary().biomarker(gene):
            out.append(f"{where}.gene: unknown gene {gene!r}")
        if spec.get("status") not in BIOMARKER_STATUSES:
            out.append(f"{where}.status: must be 'positive' or 'negative'")
        out.extend(f"{where}.{k}: unknown key (use gene and status)" for k in spec if k not in ("gene", "status"))
        return out

    def status(self, spec, facts: Facts) -> str | None:
        markers = facts.profile.biomarkers
        return None if markers is None else markers.get(load_vocabulary().gene_key(spec["gene"]))

    def evaluate(self, spec, facts: Facts, nearest):
        status = self.status(spec, facts)
        return None if status is None else status == spec["status"]

    def question_for(self, spec, facts: Facts) -> str:
        return f"biomarkers.{load_vocabulary().gene_key(spec['gene'])}"

    def quote(self, spec, facts: Facts, nearest, sites, raw) -> dict:
        gene, status = load_vocabulary().gene_key(spec["gene"]), self.status(spec, facts)
        return {"gene": gene} if status is None else {"gene": gene, "value": status, "wanted": spec["status"]}

    def sentences(self, quote: dict, raw, negated: bool, w: Words) -> tuple[str, str]:
        gene, status = quote["gene"], quote.get("value")
        if status is None:
            return (w.gettext("%(gene)s status not given", gene=gene),
                    w.gettext("We don't know your %(gene)s test result yet.", gene=gene))
        wanted = quote["wanted"]
        if negated:  # `not positive` reads as "negative"
            wanted = next(s for s in BIOMARKER_STATUSES if s != wanted)
        values = {"gene": gene, "status": w.gettext(STATUS_WORDS[status]), "wanted": w.gettext(STATUS_WORDS[wanted])}
        if met_after_not(raw, negated):
            return (w.gettext("%(gene)s %(status)s, as required", **values),
                    w.gettext("Your %(gene)s test result (%(status)s) is what the trial looks for.", **values))
        return (w.gettext("%(gene)s %(status)s; the trial requires %(wanted)s", **values),
                w.gettext("The trial looks for a %(wanted)s %(gene)s result; yours is %(status)s.", **values))


register(BiomarkerLeaf())

register(ChoiceListLeaf(
    "disease_status", "disease_status", example=["relapsed", "refractory"],
    values={"newly_diagnosed": _("newly diagnosed"), "relapsed": _("relapsed"), "refractory": _("refractory"),
            "remission": _("in remission")},
    patient_values={"newly_diagnosed": _("newly diagnosed"), "relapsed": _("came back after treatment"),
                    "refractory": _("did not respond to treatment"), "remission": _("in remission")},
    met=(_("Disease status: %(value)s, as required (%(wanted)s)"),
         _("Your answer about your illness (%(value)s) is one the trial accepts.")),
    not_met=(_("Disease status: %(value)s; the trial takes %(wanted)s"),
             _("The trial accepts: %(wanted)s. You told us: %(value)s.")),
    unknown=(_("Disease status not given"),
             _("We don't know yet whether your illness is newly diagnosed, has come back, or is in remission.")),
    nobody=_("no one"),
    questions=[Question("disease_status", "choice", _("Which best describes your illness now?"), choices=(
        Choice("newly_diagnosed", _("Newly diagnosed")),
        Choice("relapsed", _("It came back after treatment (relapsed)")),
        Choice("refractory", _("It did not respond to treatment (refractory)")),
        Choice("remission", _("In remission (no sign of it after treatment)"))))],
))

BRAIN_METASTASES = {  # the patient's answer: (coordinator, patient) statements
    "none": (_("No brain metastases"), _("You told us your cancer has not spread to the brain.")),
    "treated_stable": (_("Brain metastases, treated and stable"),
                       _("You told us your cancer spread to the brain, was treated and is now stable.")),
    "active": (_("Active brain metastases"),
               _("You told us your cancer in the brain is active (untreated, growing or needing steroids).")),
}


class BrainMetastasesLeaf(Leaf):
    """"any" (treated and stable, or active) or "active" (untreated, growing or needing steroids)."""

    name, facts, negation, example = "brain_metastases", ("brain_metastases",), "opposite", "active"
    questions = (Question("brain_metastases", "choice", _("Has the cancer spread to the brain?"), choices=(
        Choice("none", _("No")), Choice("treated_stable", _("Yes, treated and now stable")),
        Choice("active", _("Yes, and it is active (untreated, growing or needing steroids)")))),)

    def spec_schema(self) -> dict:
        return {"enum": ["any", "active"]}

    def check(self, spec, where: str) -> list[str]:
        return [] if spec in ("any", "active") and isinstance(spec, str) else [f"{where}: must be 'any' or 'active'"]

    def evaluate(self, spec, facts: Facts, nearest):
        value = facts.profile.brain_metastases
        if value is None:
            return None
        return value == "active" if spec == "active" else value in ("treated_stable", "active")

    def quote(self, spec, facts: Facts, nearest, sites, raw) -> dict:
        value = facts.profile.brain_metastases
        return {} if value is None else {"value": value}

    def sentences(self, quote: dict, raw, negated: bool, w: Words) -> tuple[str, str]:
        if quote.get("value") not in BRAIN_METASTASES:
            return (w.gettext("Brain metastases not given"),
                    w.gettext("We don't know yet whether your cancer has spread to the brain."))
        coordinator, patient = BRAIN_METASTASES[quote["value"]]
        return judged(w.gettext(coordinator), w.gettext(patient), met_after_not(raw, negated), w)


register(BrainMetastasesLeaf())

register(YesNoLeaf(
    "measurable_disease", "measurable_disease", accepts=(True,),
    yes=(_("Measurable disease"), _("You told us your scans show a tumor that can be measured.")),
    no=(_("No measurable disease"), _("You told us your scans show no tumor that can be measured.")),
    unknown=(_("Measurable disease not given"),
             _("We don't know yet whether your scans show a tumor that can be measured.")),
    questions=[Question("measurable_disease", "yes_no",
                        _("Do your scans show a tumor that your doctors can measure?"))],
))

register(HistoryLeaf(
    "other_cancer", "other_cancer", "other_cancer_years_ago", window="within_years", longest=20, texts={
        "never": (_("No other cancer"), _("You told us you have not had another cancer.")),
        "unknown": (_("Other cancers not given"), _("We don't know yet whether you have had another cancer.")),
        "happened": (_("Another cancer"), _("You told us you have had another cancer.")),
        "undated_window": (
            ngettext_lazy("Another cancer, when not given (the trial asks about the last %(n)s year)",
                          "Another cancer, when not given (the trial asks about the last %(n)s years)"),
            ngettext_lazy("You told us you have had another cancer, but not when: the trial asks about the last "
                          "%(n)s year.",
                          "You told us you have had another cancer, but not when: the trial asks about the last "
                          "%(n)s years.")),
        "recent": (_("Another cancer less than a year ago"),
                   _("You told us you have had another cancer in the last year.")),
        "ago": (ngettext_lazy("Another cancer %(n)s year ago", "Another cancer %(n)s years ago"),
                ngettext_lazy("You told us you had another cancer %(n)s year ago.",
                              "You told us you had another cancer %(n)s years ago.")),
        "inside": ngettext_lazy("%(fact)s, inside the trial's %(n)s-year window",
                                "%(fact)s, inside the trial's %(n)s-year window"),
        "outside": ngettext_lazy("%(fact)s, outside the trial's %(n)s-year window",
                                 "%(fact)s, outside the trial's %(n)s-year window"),
    },
    questions=[Question("other_cancer", "yes_no", _("Have you ever had another cancer, different from this one?")),
               Question("other_cancer_years_ago", "number",
                        _("How many years ago was that cancer found or last treated?"), minimum=0, maximum=100,
                        unit=_("years"))],
))
