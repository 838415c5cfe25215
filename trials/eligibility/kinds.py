"""Kinds of leaf a declaration is made of: a numeric range, a yes/no fact, a choice among named values,
a list of codes, a history with an optional time window. Each gives the schema, the checks, the
evaluation, the quote and the wording from the few arguments a declaration passes.
"""

from __future__ import annotations

from trials.eligibility.declaration import Leaf, judged
from trials.eligibility.profile import Facts
from trials.eligibility.words import Words, number


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_integer(value) -> bool:
    return is_number(value) and value == int(value)


def quoted_or(values, word: str = "or") -> str:
    items = [f"'{v}'" for v in values]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def drop_none(**values) -> dict:
    return {k: v for k, v in values.items() if v is not None}


def met_after_not(raw, negated: bool):
    """The leaf's outcome as the trial sees it: a `not` turns a known value around."""
    return raw if not negated or raw is None else not raw


def in_range(value, spec: dict) -> bool | None:
    if value is None:
        return None
    low, high = spec.get("min"), spec.get("max")
    return (low is None or value >= low) and (high is None or value <= high)


class RangeLeaf(Leaf):
    """{"min": a, "max": b} (either or both, inclusive) over one number the patient gave."""

    def __init__(self, name: str, fact: str, *, low, high, integer: bool = True, not_given: str, unknown: str,
                 subject: str = "", statement: str = "", questions=(), example=None):
        self.name, self.fact, self.facts = name, fact, (fact,)
        self.low, self.high, self.integer = low, high, integer
        # msgids: coordinator "ECOG %(value)s" / "ECOG not given"; patient "Your ECOG score is %(value)s" /
        # "We don't know your ECOG score yet." (a subclass that words the subject or statement itself
        # leaves those out)
        self.subject, self.not_given, self.statement, self.unknown = subject, not_given, statement, unknown
        self.questions = tuple(questions)
        self.example = example if example is not None else {"max": high}

    def value(self, facts: Facts):
        return getattr(facts.profile, self.fact)

    def spec_schema(self) -> dict:
        bound = {"type": "integer" if self.integer else "number", "minimum": self.low, "maximum": self.high}
        return {"type": "object", "properties": {"min": bound, "max": dict(bound)}, "additionalProperties": False,
                "minProperties": 1}

    def check(self, spec, where: str) -> list[str]:
        kind = "an integer" if self.integer else "a number"
        if not isinstance(spec, dict) or not spec:
            return [f"{where}: must be an object with min, max or both"]
        out = []
        for key, value in spec.items():
            if key not in ("min", "max"):
                out.append(f"{where}.{key}: unknown key (use min and max)")
            elif not is_number(value) or (self.integer and not is_integer(value)) or not self.low <= value <= self.high:
                out.append(f"{where}.{key}: must be {kind} {self.low}–{self.high}")
        if is_number(spec.get("min")) and is_number(spec.get("max")) and spec["min"] > spec["max"]:
            out.append(f"{where}: min {spec['min']} is greater than max {spec['max']}")
        return out

    def evaluate(self, spec, facts: Facts, nearest):
        return in_range(self.value(facts), spec)

    def quote(self, spec, facts: Facts, nearest, sites, raw) -> dict:
        value = self.value(facts)
        if raw is None or value is None:
            return {}
        return drop_none(value=value, min=spec.get("min"), max=spec.get("max"))

    def subject_words(self, quote: dict, w: Words) -> str:
        return w.gettext(self.subject, value=number(quote["value"]))

    def statement_words(self, quote: dict, w: Words) -> str:
        return w.gettext(self.statement, value=number(quote["value"]))

    def requirement(self, quote: dict, w: Words) -> str:
        low, high = quote.get("min"), quote.get("max")
        if low is not None and high is not None:
            return w.gettext("%(min)s–%(max)s", min=number(low), max=number(high))
        if low is not None:
            return w.gettext("at least %(min)s", min=number(low))
        return w.gettext("at most %(max)s", max=number(high))

    def sentences(self, quote: dict, raw, negated: bool, w: Words) -> tuple[str, str]:
        value, low, high = quote.get("value"), quote.get("min"), quote.get("max")
        if value is None:
            return w.gettext(self.not_given), w.gettext(self.unknown)
        subject = self.subject_words(quote, w)
        bounds = {"min": "" if low is None else number(low), "max": "" if high is None else number(high)}
        if low is not None and value < low:
            coordinator = w.gettext("%(subject)s is below the minimum of %(min)s", subject=subject, **bounds)
        elif high is not None and value > high:
            coordinator = w.gettext("%(subject)s is above the maximum of %(max)s", subject=subject, **bounds)
        elif low is not None and high is not None:
            coordinator = w.gettext("%(subject)s is within %(min)s–%(max)s", subject=subject, **bounds)
        elif low is not None:
            coordinator = w.gettext("%(subject)s is at least %(min)s", subject=subject, **bounds)
        else:
            coordinator = w.gettext("%(subject)s is at most %(max)s", subject=subject, **bounds)
        patient = w.gettext("%(statement)s; the trial accepts %(requirement)s.",
                            statement=self.statement_words(quote, w), requirement=self.requirement(quote, w))
        return coordinator, patient


class YesNoLeaf(Leaf):
    """true / false against a yes-or-no fact; `accepts=(True,)` for leaves where only true makes sense."""

    negation = "opposite"

    def __init__(self, name: str, fact: str, *, yes: tuple[str, str], no: tuple[str, str],
                 unknown: tuple[str, str], questions=(), accepts=(True, False), also_reads=()):
        self.name, self.fact, self.facts = name, fact, (fact, *also_reads)
        # (coordinator, patient) msgids stating the fact: present, absent, not known
        self.yes, self.no, self.unknown = yes, no, unknown
        self.questions, self.accepts, self.example = tuple(questions), tuple(accepts), True

    def value(self, facts: Facts):
        return getattr(facts.profile, self.fact)

    def spec_schema(self) -> dict:
        return {"type": "boolean"} if len(self.accepts) == 2 else {"const": self.accepts[0]}

    def check(self, spec, where: str) -> list[str]:
        if not isinstance(spec, bool):
            return [f"{where}: must be true or false" if len(self.accepts) == 2 else f"{where}: must be true"]
        return [] if spec in self.accepts else [f"{where}: must be true"]

    def evaluate(self, spec, facts: Facts, nearest):
        value = self.value(facts)
        return None if value is None else value == spec

    def quote(self, spec, facts: Facts, nearest, sites, raw) -> dict:
        return drop_none(value=self.value(facts))

    def statement(self, quote: dict, w: Words) -> tuple[str, str]:
        value = quote.get("value")
        coordinator, patient = self.unknown if value is None else self.yes if value else self.no
        return w.gettext(coordinator), w.gettext(patient)

    def sentences(self, quote: dict, raw, negated: bool, w: Words) -> tuple[str, str]:
        coordinator, patient = self.statement(quote, w)
        return judged(coordinator, patient, met_after_not(raw, negated), w)


class ChoiceListLeaf(Leaf):
    """A non-empty list of named values; met when the patient's value is one of them.

    Under `not`, the sentences name the other values: `not sex: [male]` reads as "female only".
    """

    negation = "opposite"

    def __init__(self, name: str, fact: str, *, values: dict[str, str], met: tuple[str, str],
                 not_met: tuple[str, str], unknown: tuple[str, str], nobody: str, patient_values=None, questions=(),
                 example=None):
        self.name, self.fact, self.facts = name, fact, (fact,)
        # value -> msgid of its name, for coordinators and (when they need plainer words) for patients
        self.values, self.patient_values = values, patient_values or values
        # (coordinator, patient) msgids with %(value)s and %(wanted)s; `nobody` when every value is excluded
        self.met, self.not_met, self.unknown, self.nobody = met, not_met, unknown, nobody
        self.questions = tuple(questions)
        self.example = example if example is not None else [next(iter(values))]

    def spec_schema(self) -> dict:
        return {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(self.values)}}

    def check(self, spec, where: str) -> list[str]:
        if not isinstance(spec, list) or not spec:
            return [f"{where}: must be a non-empty list of {quoted_or(self.values, 'and/or')}"]
        out = [f"{where}[{i}]: must be {quoted_or(self.values)}" for i, v in enumerate(spec)
               if not isinstance(v, str) or v not in self.values]
        if len(set(map(str, spec))) != len(spec):
            out.append(f"{where}: lists a value twice")
        return out

    def evaluate(self, spec, facts: Facts, nearest):
        value = getattr(facts.profile, self.fact)
        return None if value is None else value in spec

    def quote(self, spec, facts: Facts, nearest, sites, raw) -> dict:
        value = getattr(facts.profile, self.fact)
        return {} if value is None else {"value": value, "wanted": list(spec)}

    def named(self, names: dict[str, str], value: str, wanted: list[str], w: Words) -> dict[str, str]:
        def name(v):
            return w.gettext(names[v]) if v in names else v

        return {"value": name(value), "wanted": w.join([name(v) for v in wanted]) or w.gettext(self.nobody)}

    def sentences(self, quote: dict, raw, negated: bool, w: Words) -> tuple[str, str]:
        if "value" not in quote:
            return w.gettext(self.unknown[0]), w.gettext(self.unknown[1])
        value, wanted = quote["value"], quote["wanted"]
        if negated:
            wanted = [v for v in self.values if v not in wanted]
        coordinator, patient = self.met if met_after_not(raw, negated) else self.not_met
        return (w.gettext(coordinator, **self.named(self.values, value, wanted, w)),
                w.gettext(patient, **self.named(self.patient_values, value, wanted, w)))


class CodeListLeaf(Leaf):
    """A non-empty list of vocabulary ids; met when the patient has any of them (or something they cover).

    Sentences: `has` names what the patient has that the trial lists, `has_none` the trial's list when
    they have none of it, `unknown` when we do not know (with the list when `unknown_names_items`).
    Each is a (coordinator, patient) pair of msgids with %(items)s; a subclass that words its own
    sentences leaves them out.
    """

    pattern = "^(drug|class|therapy):[A-Za-z0-9_]+$"
    unknown_names_items = False

    def __init__(self, name: str, fact: str, *, has: tuple[str, str] = ("", ""),
                 has_none: tuple[str, str] = ("", ""), unknown: tuple[str, str] = ("", ""), questions=(),
                 example=None, also_reads=()):
        self.name, self.fact, self.facts = name, fact, (fact, *also_reads)
        self.has, self.has_none, self.unknown = has, has_none, unknown
        self.questions, self.example = tuple(questions), example

    def refuse(self, code: str) -> str | None:
        """Why `code` cannot be listed here, or None."""
        raise NotImplementedError

    def tags(self, facts: Facts) -> frozenset[str] | None:
        """Everything the patient's answers count as (their ids and what covers them); None = unknown."""
        raise NotImplementedError

    def hits(self, spec, facts: Facts) -> list[str]:
        """The patient's own ids that the trial's list covers."""
        raise NotImplementedError

    def spec_schema(self) -> dict:
        return {"type": "array", "minItems": 1, "uniqueItems": True,
                "items": {"type": "string", "pattern": self.pattern}}

    def check(self, spec, where: str) -> list[str]:
        if not isinstance(spec, list) or not spec:
            return [f"{where}: must be a non-empty list of codes"]
        out = []
        for i, code in enumerate(spec):
            problem = "must be a code string" if not isinstance(code, str) else self.refuse(code)
            if problem:
                out.append(f"{where}[{i}]: {problem}")
        if len(set(map(str, spec))) != len(spec):
            out.append(f"{where}: lists a code twice")
        return out

    def evaluate(self, spec, facts: Facts, nearest):
        tags = self.tags(facts)
        if tags is None:
            return None
        return any(item in tags for item in spec)

    def quote(self, spec, facts: Facts, nearest, sites, raw) -> dict:
        if raw is None:
            return {"wanted": list(spec)} if self.unknown_names_items else {}
        hits = self.hits(spec, facts) if raw else []
        return {"hits": hits} if hits else {"wanted": list(spec)}

    def hit_words(self, code: str, w: Words) -> str:
        return w.label(code)

    def sentences(self, quote: dict, raw, negated: bool, w: Words) -> tuple[str, str]:
        if "hits" in quote:
            pair, items = self.has, w.join([self.hit_words(code, w) for code in quote["hits"]])
        else:
            pair = self.unknown if raw is None else self.has_none
            items = w.join([w.short_label(code) for code in quote.get("wanted", ())])
        return w.gettext(pair[0], items=items), w.gettext(pair[1], items=items)


class HistoryLeaf(Leaf):
    """{} (ever) or {"within_<unit>": N}: something that happened, and how long ago.

    Reads a yes/no fact and a "<units> ago" fact (completed units; 0 = less than one ago). Met when it
    happened and, with a window, less than N units ago; unknown when it happened but we don't know when.
    `texts` holds (coordinator, patient) msgid pairs, plural pairs (`ngettext_lazy`) where a number is:
    never, unknown, happened (no window, date unknown), undated_window (date unknown, the trial's window
    is %(n)s units), recent (less than one unit ago), ago (%(n)s units ago); and coordinator-only pairs
    around %(fact)s: inside / outside (the trial's window of %(n)s units).
    """

    negation = "opposite"

    def __init__(self, name: str, fact: str, ago_fact: str, *, window: str, longest: int, texts: dict,
                 questions=()):
        self.name, self.fact, self.ago_fact, self.facts = name, fact, ago_fact, (fact, ago_fact)
        self.window, self.longest, self.texts = window, longest, texts  # "within_years", 20
        self.questions, self.example = tuple(questions), {window: 5}

    def spec_schema(self) -> dict:
        window = {"type": "integer", "minimum": 1, "maximum": self.longest}
        return {"type": "object", "properties": {self.window: window}, "additionalProperties": False}

    def check(self, spec, where: str) -> list[str]:
        if not isinstance(spec, dict):
            return [f"{where}: must be {{}} (ever) or {{\"{self.window}\": N}}"]
        out = [f"{where}.{key}: unknown key (use {self.window})" for key in spec if key != self.window]
        if self.window in spec and not (is_integer(spec[self.window]) and 1 <= spec[self.window] <= self.longest):
            out.append(f"{where}.{self.window}: must be an integer 1–{self.longest}")
        return out

    def evaluate(self, spec, facts: Facts, nearest):
        happened = getattr(facts.profile, self.fact)
        if not happened or self.window not in spec:
            return happened
        ago = getattr(facts.profile, self.ago_fact)
        return None if ago is None else ago < spec[self.window]

    def question_for(self, spec, facts: Facts) -> str | None:
        return self.questions[0].key if getattr(facts.profile, self.fact) is None else self.questions[1].key

    def quote(self, spec, facts: Facts, nearest, sites, raw) -> dict:
        happened = getattr(facts.profile, self.fact)
        if not happened:
            return drop_none(value=happened)
        return drop_none(value=True, ago=getattr(facts.profile, self.ago_fact), within=spec.get(self.window))

    def sentences(self, quote: dict, raw, negated: bool, w: Words) -> tuple[str, str]:
        happened, ago, within = quote.get("value"), quote.get("ago"), quote.get("within")
        texts = self.texts
        if happened is None or not happened:
            coordinator, patient = (w.gettext(text) for text in texts["unknown" if happened is None else "never"])
        elif ago is None and within is not None:
            coordinator, patient = (w.plural(text, within) for text in texts["undated_window"])
        elif ago is None:
            coordinator, patient = (w.gettext(text) for text in texts["happened"])
        elif ago == 0:
            coordinator, patient = (w.gettext(text) for text in texts["recent"])
        else:
            coordinator, patient = (w.plural(text, ago) for text in texts["ago"])
        if happened and ago is not None and within is not None:
            coordinator = w.plural(texts["inside" if ago < within else "outside"], within, fact=coordinator)
        return judged(coordinator, patient, met_after_not(raw, negated), w)
