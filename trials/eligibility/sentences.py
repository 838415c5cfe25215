"""Sentences for each leaf, for coordinators (terse) and patients (plain, "usted" in Spanish).

Rendering is lazy (called from `Reason`), so a matching run that discards a verdict never pays for it.
A leaf under an odd number of `not`s is rendered one of two ways:
- leaves with a natural opposite (yes/no facts, sex, biomarker status) are rendered as that opposite,
  so `not pregnant: true` reads "Not pregnant, as required";
- the others state the fact and add what the trial thinks of it: "Takes duloxetine (SNRI), which the
  trial excludes".
"""

from __future__ import annotations

from trials.eligibility.geo import km_to_miles
from trials.eligibility.leaves import age_uses_months, biomarker_status, parse_stage
from trials.eligibility.profile import SEXES, Facts
from trials.vocabulary import load_vocabulary

Text = dict[str, str]

SEX_WORDS = {"female": {"en": "female", "es": "femenino"}, "male": {"en": "male", "es": "masculino"}}
STATUS_WORDS = {"positive": {"en": "positive", "es": "positivo"}, "negative": {"en": "negative", "es": "negativo"}}
OTHER_STATUS = {"positive": "negative", "negative": "positive"}

# subject (coordinator), unknown (coordinator), patient statement, what we don't know (patient)
RANGES = {
    "age": ("Age {v}", "La edad {v}", "Birth date not given", "No se indicó la fecha de nacimiento",
            "You are {v} years old", "Tiene {v} años", "your date of birth", "su fecha de nacimiento"),
    "ecog": ("ECOG {v}", "La puntuación ECOG {v}", "ECOG not given", "No se indicó la puntuación ECOG",
             "Your ECOG score is {v}", "Su puntuación ECOG es {v}", "your ECOG score", "su puntuación ECOG"),
    "phq9": ("PHQ-9 {v}", "La puntuación PHQ-9 {v}", "PHQ-9 not given", "No se indicó la puntuación PHQ-9",
             "Your PHQ-9 depression score is {v}", "Su puntuación de depresión PHQ-9 es {v}",
             "your PHQ-9 depression score", "su puntuación de depresión PHQ-9"),
    "gad7": ("GAD-7 {v}", "La puntuación GAD-7 {v}", "GAD-7 not given", "No se indicó la puntuación GAD-7",
             "Your GAD-7 anxiety score is {v}", "Su puntuación de ansiedad GAD-7 es {v}",
             "your GAD-7 anxiety score", "su puntuación de ansiedad GAD-7"),
    "prior_lines": ("Prior lines of therapy ({v})", "El número de líneas de tratamiento previas ({v})",
                    "Prior lines of therapy not given", "No se indicó el número de líneas de tratamiento previas",
                    "Number of treatment lines you have had: {v}",
                    "Número de líneas de tratamiento que ha recibido: {v}",
                    "how many lines of treatment you have had", "cuántas líneas de tratamiento ha recibido"),
    "antidepressant_trials": (
        "Adequate antidepressant trials ({v})", "El número de tratamientos antidepresivos adecuados ({v})",
        "Antidepressant history not given", "No se indicaron los tratamientos antidepresivos previos",
        "Number of antidepressants you have tried: {v}", "Número de antidepresivos que ha probado: {v}",
        "how many antidepressants you have tried", "cuántos antidepresivos ha probado"),
}

# fact True / fact False / unknown, each as (coordinator en, es, patient en, es)
YES_NO = {
    "metastatic": (
        ("Metastatic (cancer has spread)", "Metastásico (el cáncer se ha diseminado)",
         "You told us your cancer has spread.", "Nos dijo que su cáncer se ha diseminado."),
        ("Not metastatic", "No metastásico",
         "You told us your cancer has not spread.", "Nos dijo que su cáncer no se ha diseminado."),
        ("Metastatic status not given", "No se indicó si hay metástasis",
         "We don't know yet whether your cancer has spread.", "Todavía no sabemos si su cáncer se ha diseminado."),
    ),
    "suicidal_ideation": (
        ("Reports suicidal thoughts", "Refiere ideación suicida",
         "You told us you have had thoughts of suicide.", "Nos dijo que ha tenido pensamientos suicidas."),
        ("Reports no suicidal thoughts", "Niega ideación suicida",
         "You told us you have not had thoughts of suicide.", "Nos dijo que no ha tenido pensamientos suicidas."),
        ("Suicidal ideation not assessed", "No se evaluó la ideación suicida",
         "We have not asked you about thoughts of suicide yet.",
         "Todavía no le hemos preguntado sobre pensamientos suicidas."),
    ),
    "pregnant": (
        ("Pregnant", "Embarazada", "You told us you are pregnant.", "Nos dijo que está embarazada."),
        ("Not pregnant", "No embarazada", "You told us you are not pregnant.", "Nos dijo que no está embarazada."),
        ("Pregnancy status not given", "No se indicó si hay embarazo",
         "We don't know yet whether you are pregnant.", "Todavía no sabemos si está embarazada."),
    ),
}
# What the trial thinks of a fact under `not`: present (excluded) or absent (as required).
NEGATED_TAILS = {
    True: ({"en": ", which the trial excludes", "es": ", lo cual el estudio excluye"},
           {"en": " This trial does not accept that.", "es": " Este estudio no lo acepta."}),
    False: ({"en": ", as the trial requires", "es": ", como exige el estudio"},
            {"en": " That is what the trial needs.", "es": " Eso es lo que el estudio necesita."}),
}
NOT_APPLICABLE_PREGNANCY = ("Not pregnant (male)", "No embarazada (sexo masculino)",
                            "This question does not apply to you.", "Esta pregunta no le corresponde.")

# A travel radius this large means "any distance" (half the Earth's circumference is as far as a site can be).
ANYWHERE_KM = 20000


def _num(value) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {'or' if lang == 'en' else 'o'} {items[-1]}"


def _pair(en: str, es: str) -> Text:
    return {"en": en, "es": es}


# Each leaf is rendered in two steps, so a stored match can keep the second step for later:
# `quote_<kind>` picks out of the trial's spec and the patient's facts the few values the sentences quote
# (plain JSON data: a Match stores it), and `_<kind>` words them. `render` does both at once.


def _drop_none(**values) -> dict:
    return {k: v for k, v in values.items() if v is not None}


def _quote_range(leaf: str, spec: dict, facts: Facts, raw) -> dict:
    low, high = spec.get("min"), spec.get("max")
    if leaf == "age":
        if age_uses_months(spec) and facts.age_months is not None:
            low = None if low is None else round(low * 12)
            high = None if high is None else round(high * 12)
            return _drop_none(value=facts.age_months, min=low, max=high, months=True)
        value = facts.age_years
    else:
        value = getattr(facts.profile, leaf)
    if raw is None or value is None:
        return {}
    return _drop_none(value=value, min=low, max=high)


def _range(leaf: str, quote: dict) -> tuple[Text, Text]:
    subj_en, subj_es, unk_en, unk_es, pat_en, pat_es, unk_pat_en, unk_pat_es = RANGES[leaf]
    value, low, high = quote.get("value"), quote.get("min"), quote.get("max")
    if value is None:
        return _pair(unk_en, unk_es), _pair(f"We don't know {unk_pat_en} yet.", f"Todavía no sabemos {unk_pat_es}.")
    unit_en = unit_es = ""
    if leaf == "age":
        unit_en, unit_es = " years", " años"
        if quote.get("months"):
            subj_en, subj_es = "Age in months {v}", "La edad en meses {v}"
            pat_en, pat_es, unit_en, unit_es = "You are {v} months old", "Tiene {v} meses", " months", " meses"
    v, a, b = _num(value), low is not None and _num(low), high is not None and _num(high)
    s_en, s_es = subj_en.format(v=v), subj_es.format(v=v)
    if low is not None and value < low:
        coord = _pair(f"{s_en} is below the minimum of {a}", f"{s_es} es menor que el mínimo de {a}")
    elif high is not None and value > high:
        coord = _pair(f"{s_en} is above the maximum of {b}", f"{s_es} supera el máximo de {b}")
    elif low is not None and high is not None:
        coord = _pair(f"{s_en} is within {a}–{b}", f"{s_es} está entre {a} y {b}")
    elif low is not None:
        coord = _pair(f"{s_en} is at least {a}", f"{s_es} es al menos {a}")
    else:
        coord = _pair(f"{s_en} is at most {b}", f"{s_es} es como máximo {b}")
    if low is not None and high is not None:
        req_en, req_es = f"{a}–{b}{unit_en}", f"de {a} a {b}{unit_es}"
    elif low is not None:
        req_en, req_es = f"at least {a}{unit_en}", f"como mínimo {a}{unit_es}"
    else:
        req_en, req_es = f"at most {b}{unit_en}", f"como máximo {b}{unit_es}"
    patient = _pair(f"{pat_en.format(v=v)}; the trial accepts {req_en}.",
                    f"{pat_es.format(v=v)}; el estudio acepta {req_es}.")
    return coord, patient


def _quote_yes_no(leaf: str, facts: Facts) -> dict:
    if leaf == "pregnant":
        return _drop_none(value=facts.pregnant, inferred=facts.pregnant_inferred or None)
    return _drop_none(value=getattr(facts.profile, leaf))


def _yes_no(leaf: str, quote: dict, met) -> tuple[Text, Text]:
    value, inferred = quote.get("value"), quote.get("inferred", False)
    texts = YES_NO[leaf]
    if value is None:
        c_en, c_es, p_en, p_es = texts[2]
        return _pair(c_en, c_es), _pair(p_en, p_es)
    if inferred:
        c_en, c_es, p_en, p_es = NOT_APPLICABLE_PREGNANCY
    else:
        c_en, c_es, p_en, p_es = texts[0] if value else texts[1]
    if met:
        if inferred:
            return _pair(f"{c_en}, as required", f"{c_es}, como se requiere"), _pair(p_en, p_es)
        return (_pair(f"{c_en}, as required", f"{c_es}, como se requiere"),
                _pair(f"{p_en} The trial accepts that.", f"{p_es} El estudio lo acepta."))
    return (_pair(f"{c_en}, which the trial excludes", f"{c_es}, lo cual el estudio excluye"),
            _pair(f"{p_en} This trial does not accept that.", f"{p_es} Este estudio no lo acepta."))


def _quote_sex(spec: list, facts: Facts) -> dict:
    value = facts.profile.sex
    return {} if value is None else {"value": value, "wanted": list(spec)}


def _sex(quote: dict, negated: bool, met) -> tuple[Text, Text]:
    value = quote.get("value")
    if value is None:
        return (_pair("Sex not given", "No se indicó el sexo"),
                _pair("We don't know your sex assigned at birth yet.", "Todavía no sabemos su sexo asignado al nacer."))
    wanted = quote["wanted"]
    if negated:  # `not sex: [male]` reads as "female only"
        wanted = [s for s in SEXES if s not in wanted]
    wanted_en = join([SEX_WORDS[s]["en"] for s in wanted], "en") or "no one"
    wanted_es = join([SEX_WORDS[s]["es"] for s in wanted], "es") or "nadie"
    v = SEX_WORDS.get(value, {"en": value, "es": value})
    if met:
        return (_pair(f"Sex {v['en']}, as required ({wanted_en})", f"Sexo {v['es']}, como se requiere ({wanted_es})"),
                _pair(f"The trial accepts participants of {wanted_en} sex, like you.",
                      f"El estudio acepta participantes de sexo {wanted_es}, como usted."))
    return (_pair(f"Sex {v['en']}; the trial takes {wanted_en} only",
                  f"Sexo {v['es']}; el estudio solo admite {wanted_es}"),
            _pair(f"The trial only accepts participants of {wanted_en} sex.",
                  f"El estudio solo acepta participantes de sexo {wanted_es}."))


def _quote_biomarker(spec: dict, facts: Facts) -> dict:
    gene = load_vocabulary().gene_key(spec["gene"])
    status = biomarker_status(spec, facts)
    return {"gene": gene} if status is None else {"gene": gene, "value": status, "wanted": spec["status"]}


def _biomarker(quote: dict, negated: bool, met) -> tuple[Text, Text]:
    gene, status = quote["gene"], quote.get("value")
    if status is None:
        return (_pair(f"{gene} status not given", f"No se indicó el estado de {gene}"),
                _pair(f"We don't know your {gene} test result yet.",
                      f"Todavía no sabemos el resultado de su prueba de {gene}."))
    wanted = OTHER_STATUS[quote["wanted"]] if negated else quote["wanted"]  # `not positive` reads as "negative"
    have, want = STATUS_WORDS[status], STATUS_WORDS[wanted]
    if met:
        return (_pair(f"{gene} {have['en']}, as required", f"{gene} {have['es']}, como se requiere"),
                _pair(f"Your {gene} test result ({have['en']}) is what the trial looks for.",
                      f"El resultado de su prueba de {gene} ({have['es']}) es el que busca el estudio."))
    return (_pair(f"{gene} {have['en']}; the trial requires {want['en']}",
                  f"{gene} {have['es']}; el estudio requiere {want['es']}"),
            _pair(f"The trial looks for a {want['en']} {gene} result; yours is {have['en']}.",
                  f"El estudio busca un resultado {want['es']} de {gene}; el suyo es {have['es']}."))


def _labels(codes, lang: str) -> str:
    vocab = load_vocabulary()
    return join([vocab.label(c, lang) for c in codes], lang)


def _quote_condition(spec: list, facts: Facts, raw) -> dict:
    codes = facts.profile.condition_codes
    if codes is None:
        return {}
    if raw:
        vocab = load_vocabulary()
        mine, theirs = next((p, r) for p in codes for r in spec if r in (vocab.ancestors(p) or {p}))
        return {"mine": mine, "theirs": theirs}
    return {"codes": list(codes), "wanted": list(spec)}


def _condition(quote: dict) -> tuple[Text, Text]:
    vocab = load_vocabulary()
    if "mine" in quote:
        mine, theirs = quote["mine"], quote["theirs"]
        l_en, l_es = vocab.label(mine, "en"), vocab.label(mine, "es")
        t_en, t_es = vocab.label(theirs, "en"), vocab.label(theirs, "es")
        return (_pair(f"Diagnosis {l_en} matches {t_en}", f"El diagnóstico {l_es} corresponde a {t_es}"),
                _pair(f"The trial studies {t_en}, which includes your diagnosis ({l_en}).",
                      f"El estudio investiga {t_es}, que incluye su diagnóstico ({l_es})."))
    if "codes" not in quote:
        return (_pair("Diagnosis not given", "No se indicó el diagnóstico"),
                _pair("We don't know your diagnosis yet.", "Todavía no sabemos su diagnóstico."))
    codes, wanted = quote["codes"], quote["wanted"]
    l_en, l_es = _labels(codes, "en") or "none", _labels(codes, "es") or "ninguno"
    t_en, t_es = _labels(wanted, "en"), _labels(wanted, "es")
    return (_pair(f"Diagnosis {l_en} is not among {t_en}", f"El diagnóstico {l_es} no está entre {t_es}"),
            _pair(f"The trial studies {t_en}; your diagnosis ({l_en}) is not one of them.",
                  f"El estudio investiga {t_es}; su diagnóstico ({l_es}) no está entre ellos."))


def _quote_stage(spec: dict, facts: Facts) -> dict:
    stage = facts.profile.stage
    if stage is None:
        return {}
    return {"value": stage, **{k: spec[k] for k in ("in", "min", "max") if k in spec}}


def _stage(quote: dict, raw) -> tuple[Text, Text]:
    stage = quote.get("value")
    if "in" in quote:
        req_en, req_es = join(quote["in"], "en"), join(quote["in"], "es")
    elif quote.get("min") and quote.get("max"):
        req_en, req_es = f"{quote['min']} to {quote['max']}", f"de {quote['min']} a {quote['max']}"
    elif quote.get("min"):
        req_en, req_es = f"{quote['min']} or higher", f"{quote['min']} o superior"
    else:
        req_en, req_es = f"up to {quote.get('max')}", f"hasta {quote.get('max')}"
    if raw is None:
        if parse_stage(stage):  # a stage like "III" when the trial names sub-stages
            return (_pair(f"Stage {stage} is not precise enough for {req_en}",
                          f"El estadio {stage} no es lo bastante preciso para {req_es}"),
                    _pair(f"We need the exact sub-stage of your cancer (the trial accepts {req_en}).",
                          f"Necesitamos el subestadio exacto de su cáncer (el estudio acepta {req_es})."))
        return (_pair("Stage not given", "No se indicó el estadio"),
                _pair("We don't know the stage of your cancer yet.", "Todavía no sabemos el estadio de su cáncer."))
    if raw:
        return (_pair(f"Stage {stage} meets the requirement ({req_en})",
                      f"El estadio {stage} cumple el requisito ({req_es})"),
                _pair(f"Your cancer stage ({stage}) is one the trial accepts ({req_en}).",
                      f"El estadio de su cáncer ({stage}) es uno que el estudio acepta ({req_es})."))
    return (_pair(f"Stage {stage} does not meet the requirement ({req_en})",
                  f"El estadio {stage} no cumple el requisito ({req_es})"),
            _pair(f"The trial accepts stage {req_en}; yours is {stage}.",
                  f"El estudio acepta el estadio {req_es}; el suyo es {stage}."))


def _drug_phrase(drug_id: str, lang: str) -> str:
    vocab = load_vocabulary()
    short = vocab.short_class_label(drug_id, lang)
    return f"{vocab.label(drug_id, lang)} ({short})" if short else vocab.label(drug_id, lang)


def _quote_medication(leaf: str, spec: list, facts: Facts, raw) -> dict:
    taken = facts.profile.medications if leaf == "medication" else facts.profile.prior_therapies
    if taken is None:
        return {}
    vocab = load_vocabulary()
    wanted = set(spec)
    hits = [item for item in taken if wanted & vocab.therapy_tags([item])]
    return {"hits": hits} if raw and hits else {"wanted": list(spec)}


def _medication(leaf: str, quote: dict) -> tuple[Text, Text]:
    if "hits" in quote:
        hits = quote["hits"]
        en, es = join([_drug_phrase(h, "en") for h in hits], "en"), join([_drug_phrase(h, "es") for h in hits], "es")
        if leaf == "medication":
            return _pair(f"Takes {en}", f"Toma {es}"), _pair(f"You take {en}.", f"Usted toma {es}.")
        return (_pair(f"Previously treated with {en}", f"Tratamiento previo con {es}"),
                _pair(f"You have been treated with {en} before.", f"Ya recibió tratamiento con {es}."))
    if "wanted" not in quote:
        if leaf == "medication":
            return (_pair("Current medications not given", "No se indicaron los medicamentos actuales"),
                    _pair("We don't know which medicines you take yet.", "Todavía no sabemos qué medicamentos toma."))
        return (_pair("Treatment history not given", "No se indicaron los tratamientos previos"),
                _pair("We don't know your past treatments yet.", "Todavía no sabemos qué tratamientos ha recibido."))
    vocab = load_vocabulary()
    en = join([vocab.short_label(i, "en") for i in quote["wanted"]], "en")
    es = join([vocab.short_label(i, "es") for i in quote["wanted"]], "es")
    if leaf == "medication":
        return (_pair(f"Takes none of: {en}", f"No toma ninguno de estos: {es}"),
                _pair(f"You don't take any of these: {en}.", f"No toma ninguno de estos: {es}."))
    return (_pair(f"No prior treatment with: {en}", f"Sin tratamiento previo con: {es}"),
            _pair(f"You have not been treated with: {en}.", f"No ha recibido tratamiento con: {es}."))


def _distance(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def _quote_travel(facts: Facts, nearest, sites, raw) -> dict:
    p = facts.profile
    if raw is None:
        return {"located": p.latitude is not None and p.longitude is not None}
    if nearest is None:
        return {}
    index, km = nearest
    label = sites[index].label if sites and index < len(sites) else ""
    quote = {"km": km, "radius_km": p.travel_radius_km}
    if isinstance(label, str) and label:  # callers may use site ids as labels: those are not for people
        quote["site"] = label
    return quote


def _travel(quote: dict, raw) -> tuple[Text, Text]:
    if raw is None:
        if not quote.get("located"):
            coord = _pair("Patient location not given", "No se indicó la ubicación del paciente")
        else:
            coord = _pair("Travel distance not given", "No se indicó la distancia que puede viajar")
        return coord, _pair("We don't know where you live or how far you can travel yet.",
                            "Todavía no sabemos dónde vive ni cuánto puede viajar.")
    if "km" not in quote:
        return (_pair("No recruiting site", "Ningún centro está reclutando"),
                _pair("No site is taking patients for this trial right now.",
                      "Ningún centro está aceptando pacientes para este estudio en este momento."))
    km = quote["km"]
    where = f" ({quote['site']})" if quote.get("site") else ""
    km_txt, mi_txt, radius = _distance(km), _distance(km_to_miles(km)), _num(round(quote["radius_km"]))
    near_en = f"The nearest site taking patients is {km_txt} km ({mi_txt} miles) from you"
    near_es = f"El centro más cercano que acepta pacientes está a {km_txt} km ({mi_txt} millas) de usted"
    if raw and quote["radius_km"] >= ANYWHERE_KM:
        return (_pair(f"Nearest recruiting site {km_txt} km away{where}; no travel limit given",
                      f"El centro que recluta más cercano está a {km_txt} km{where}; sin límite de distancia"),
                _pair(f"{near_en}.", f"{near_es}."))
    if raw:
        return (_pair(f"Nearest recruiting site {km_txt} km away{where}, within the {radius} km travel radius",
                      f"El centro que recluta más cercano está a {km_txt} km{where}, dentro del radio de {radius} km"),
                _pair(f"{near_en}, within the distance you can travel.",
                      f"{near_es}, dentro de la distancia que puede viajar."))
    return (_pair(f"Nearest recruiting site {km_txt} km away{where}, beyond the {radius} km travel radius",
                  f"El centro que recluta más cercano está a {km_txt} km{where}, fuera del radio de {radius} km"),
            _pair(f"{near_en}, farther than you said you can travel.",
                  f"{near_es}, más lejos de lo que dijo poder viajar."))


def quote(leaf: str, spec, facts: Facts, nearest, sites, raw) -> dict:
    """What one leaf's sentences quote from the trial's spec and the patient's facts, as JSON-safe data.

    Empty when the sentence needs nothing beyond the leaf and its outcome (most unknowns).
    """
    if leaf in YES_NO:
        return _quote_yes_no(leaf, facts)
    if leaf == "sex":
        return _quote_sex(spec, facts)
    if leaf == "biomarker":
        return _quote_biomarker(spec, facts)
    if leaf in RANGES:
        return _quote_range(leaf, spec, facts, raw)
    if leaf == "condition":
        return _quote_condition(spec, facts, raw)
    if leaf == "stage":
        return _quote_stage(spec, facts)
    if leaf in ("medication", "prior_therapy"):
        return _quote_medication(leaf, spec, facts, raw)
    return _quote_travel(facts, nearest, sites, raw)


def render_quote(leaf: str, quote: dict, raw, negated: bool) -> tuple[Text, Text]:
    """(coordinator, patient) sentences from a leaf's `quote`; `raw` is the leaf's own value before any `not`."""
    met = raw if not negated or raw is None else not raw
    if leaf in YES_NO:
        return _yes_no(leaf, quote, met)
    if leaf == "sex":
        return _sex(quote, negated, met)
    if leaf == "biomarker":
        return _biomarker(quote, negated, met)
    if leaf in RANGES:
        coord, patient = _range(leaf, quote)
    elif leaf == "condition":
        coord, patient = _condition(quote)
    elif leaf == "stage":
        coord, patient = _stage(quote, raw)
    elif leaf in ("medication", "prior_therapy"):
        coord, patient = _medication(leaf, quote)
    else:
        coord, patient = _travel(quote, raw)
    if negated and raw is not None:
        coord_tail, patient_tail = NEGATED_TAILS[raw]
        coord = {lang: coord[lang] + coord_tail[lang] for lang in coord}
        patient = {lang: patient[lang] + patient_tail[lang] for lang in patient}
    return coord, patient


def render(leaf: str, spec, facts: Facts, nearest, sites, raw, negated: bool) -> tuple[Text, Text]:
    """(coordinator, patient) sentences for one leaf; `raw` is the leaf's own value before any `not`."""
    return render_quote(leaf, quote(leaf, spec, facts, nearest, sites, raw), raw, negated)
