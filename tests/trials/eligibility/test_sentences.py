"""Every leaf outcome, plain or under `not`, has sentences in English and Spanish for both audiences.

The sentences are worded through the project's real catalog (Django's translation with "es" active).
"""

from datetime import date

import pytest

from tests.trials.eligibility.test_leaves import CASES, TRAVEL_CASES
from tests.trials.eligibility.wording import sentences_of
from trials.eligibility import Profile, SiteLocation, evaluate

TODAY = date(2026, 11, 27)
ALL_CASES = [(rule, answers, ()) for rule, answers, _ in CASES] + [
    ({"travel": True}, answers, sites) for sites, answers, _ in TRAVEL_CASES]


def reason_for(rule, answers, sites=()):
    return evaluate(rule, Profile(**answers), today=TODAY, sites=list(sites)).reasons[0]


@pytest.mark.parametrize("negate", [False, True])
@pytest.mark.parametrize(("rule", "answers", "sites"), ALL_CASES)
def test_every_leaf_outcome_has_english_and_spanish_sentences(rule, answers, sites, negate):
    reason = reason_for({"not": rule} if negate else rule, answers, sites)
    for audience in sentences_of(reason):
        for text in audience.values():
            assert text.strip() and "%(" not in text and "None" not in text
        assert audience["en"] != audience["es"]


def sentences(rule, **answers):
    return sentences_of(reason_for(rule, answers))


def test_an_excluded_medication_names_the_drug_and_its_class():
    rule = {"not": {"medication": ["class:SNRI", "class:MAOI"]}}
    coordinator, patient = sentences(rule, medications=["drug:duloxetine"])
    assert coordinator == {"en": "Takes duloxetine (SNRI), which the trial excludes",
                           "es": "Toma duloxetina (IRSN), lo cual el estudio excluye"}
    assert patient["es"] == "Usted toma duloxetina (IRSN). Este estudio no lo acepta."


def test_an_absent_excluded_medication_reads_as_a_requirement_met():
    coordinator, _ = sentences({"not": {"medication": ["class:MAOI"]}}, medications=["drug:sertraline"])
    assert coordinator["en"] == "Takes none of: MAOI, as the trial requires"
    assert coordinator["es"] == "No toma ninguno de estos: IMAO, como exige el estudio"


def test_an_unknown_ecog_is_said_plainly_in_spanish():
    coordinator, patient = sentences({"ecog": {"max": 1}})
    assert coordinator == {"en": "ECOG not given", "es": "No se indicó la puntuación ECOG"}
    assert patient["es"] == "Todavía no sabemos su puntuación ECOG."


def test_a_negated_yes_no_fact_reads_as_its_opposite():
    coordinator, _ = sentences({"not": {"pregnant": True}}, pregnant=False)
    assert coordinator == {"en": "Not pregnant, as required", "es": "No embarazada, como se requiere"}
    coordinator, _ = sentences({"not": {"pregnant": True}}, pregnant=True)
    assert coordinator["en"] == "Pregnant, which the trial excludes"


def test_a_negated_biomarker_reads_as_the_opposite_status():
    rule = {"not": {"biomarker": {"gene": "EGFR", "status": "positive"}}}
    coordinator, _ = sentences(rule, biomarkers={"EGFR": "positive"})
    assert coordinator == {"en": "EGFR positive; the trial requires negative",
                           "es": "EGFR positivo; el estudio requiere negativo"}


def test_range_sentences_name_the_bound_that_failed():
    assert sentences({"phq9": {"min": 15}}, phq9=9)[0] == {
        "en": "PHQ-9 9 is below the minimum of 15", "es": "La puntuación PHQ-9 9 es menor que el mínimo de 15"}
    assert sentences({"ecog": {"max": 1}}, ecog=3)[0]["es"] == "La puntuación ECOG 3 supera el máximo de 1"


def test_the_condition_sentence_names_both_codes():
    coordinator, patient = sentences({"condition": ["onc:NSCLC"]}, condition_codes=["onc:LUAD"])
    assert coordinator["en"] == "Diagnosis Lung adenocarcinoma matches Non-small cell lung cancer"
    assert "Adenocarcinoma de pulmón" in patient["es"]


def test_the_travel_sentence_gives_km_and_miles_to_the_patient():
    verdict = evaluate({"travel": True}, Profile(latitude=29.76, longitude=-95.37, travel_radius_km=50), TODAY,
                       [SiteLocation(29.71, -95.40, label="TMC")])
    coordinator, patient = sentences_of(verdict.reasons[0])
    assert "(TMC)" in coordinator["en"]
    assert "miles" in patient["en"] and "millas" in patient["es"]


def test_a_male_patient_is_not_asked_about_pregnancy():
    verdict = evaluate({"not": {"pregnant": True}}, Profile(sex="male"), today=TODAY)
    assert verdict.outcome == "eligible"
    assert sentences_of(verdict.reasons[0])[1] == {"en": "This question does not apply to you.",
                                                   "es": "Esta pregunta no le corresponde."}


def test_without_a_translator_the_engine_speaks_english():
    reason = reason_for({"ecog": {"max": 1}}, {"ecog": 3})
    assert reason.sentences() == ("ECOG 3 is above the maximum of 1",
                                  "Your ECOG score is 3; the trial accepts at most 1.")


NEW_LEAVES_IN_SPANISH = [  # rule, answers, coordinator (es), patient (es)
    ({"disease_status": ["relapsed", "refractory"]}, {"disease_status": "newly_diagnosed"},
     "Estado de la enfermedad: recién diagnosticada; el estudio admite en recaída o refractaria",
     "El estudio acepta: volvió después del tratamiento o no respondió al tratamiento. "
     "Usted nos dijo: recién diagnosticada."),
    ({"not": {"brain_metastases": "active"}}, {"brain_metastases": "treated_stable"},
     "Metástasis cerebrales tratadas y estables, como se requiere",
     "Nos dijo que su cáncer se extendió al cerebro, que recibió tratamiento y que ahora está estable. "
     "El estudio lo acepta."),
    ({"measurable_disease": True}, {},
     "No se indicó si hay enfermedad medible",
     "Todavía no sabemos si sus estudios de imagen muestran un tumor que se pueda medir."),
    ({"not": {"other_cancer": {"within_years": 3}}}, {"other_cancer": True, "other_cancer_years_ago": 1},
     "Otro cáncer hace 1 año, dentro del período de 3 años que considera el estudio, lo cual el estudio excluye",
     "Nos dijo que tuvo otro cáncer hace 1 año. Este estudio no lo acepta."),
    ({"not": {"other_cancer": {"within_years": 1}}}, {"other_cancer": True},
     "Otro cáncer, sin fecha indicada (el estudio pregunta por el último año)",
     "Nos dijo que ha tenido otro cáncer, pero no cuándo: el estudio pregunta por el último año."),
    ({"not": {"comorbidity": ["other:HIV", "other:HEPATITIS"]}},
     {"comorbidities": ["other:DIABETES"], "condition_codes": ["onc:LUAD"]},
     "No tiene ninguna de estas: Infección por VIH o Hepatitis viral B o C, como exige el estudio",
     "Nos dijo que no tiene ninguna de estas: Infección por VIH o Hepatitis viral B o C. "
     "Eso es lo que el estudio necesita."),
    ({"not": {"recent_therapy": {"items": ["therapy:chemotherapy"], "within_weeks": 4}}},
     {"last_therapy_weeks": {"drug:carboplatin": [0, 4]}},
     "Tratamiento con carboplatino (platino) hace menos de 4 semanas, lo cual el estudio excluye",
     "Recibió carboplatino (platino) hace menos de 4 semanas. Este estudio no lo acepta."),
    ({"not": {"suicidal_behavior": {"within_months": 12}}}, {"suicidal_behavior": False},
     "Niega conducta suicida, como se requiere",
     "Nos dijo que no ha intentado quitarse la vida ni se ha preparado para hacerlo. El estudio lo acepta."),
]


@pytest.mark.parametrize(("rule", "answers", "coordinator_es", "patient_es"), NEW_LEAVES_IN_SPANISH)
def test_the_new_leaves_read_in_spanish_through_the_catalog(rule, answers, coordinator_es, patient_es):
    coordinator, patient = sentences(rule, **answers)
    assert (coordinator["es"], patient["es"]) == (coordinator_es, patient_es)


class Catalog:
    """A third language is a catalog, not code: here a tiny French one for two msgids."""

    def __init__(self, language, messages):
        self.language, self.messages = language, messages

    def gettext(self, message):
        return self.messages.get(message, message)

    def ngettext(self, singular, plural, number):
        return self.gettext(singular if number == 1 else plural)

    def get_language(self):
        return self.language


def test_a_third_language_needs_only_a_catalog():
    french = Catalog("fr", {"ECOG %(value)s": "L'indice ECOG %(value)s",
                            "%(subject)s is above the maximum of %(max)s": "%(subject)s dépasse le maximum de %(max)s"})
    reason = reason_for({"ecog": {"max": 1}}, {"ecog": 2})
    assert reason.sentences(french)[0] == "L'indice ECOG 2 dépasse le maximum de 1"
    # Vocabulary names follow the translator's language too, falling back to English where the data has none.
    condition = reason_for({"condition": ["onc:NSCLC"]}, {"condition_codes": ["onc:LUAD"]})
    assert condition.sentences(french)[0] == "Diagnosis Lung adenocarcinoma matches Non-small cell lung cancer"
