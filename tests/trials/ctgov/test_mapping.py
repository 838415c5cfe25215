import pytest

from trials.ctgov.conditions import areas_of_wording, default_mapper
from trials.ctgov.mapping import RecordError, from_v2, map_conditions, parse_age, status_key

LEUKEMIAS = {"onc:AML", "onc:CML", "onc:CMML", "onc:JMML", "onc:ALAL", "onc:BLL", "onc:TLL", "onc:CLLSLL", "onc:HCL",
             "onc:BPLL", "onc:TPLL", "onc:TLGL", "onc:ATLL"}


@pytest.mark.parametrize("text, years", [
    ("18 Years", 18), ("1 Year", 1), ("6 Months", 0.5), ("2 Weeks", 0.0383), ("30 Days", 0.0821),
    ("N/A", None), ("", None), (None, None),
])
def test_registry_age_strings_become_years(text, years):
    assert parse_age(text, which="minimum", nct_id="NCT90000001") == years


@pytest.mark.parametrize("text", ["eighteen", "18", "18 Yrs old", "-5 Years"])
def test_a_malformed_age_is_refused_with_its_text(text):
    with pytest.raises(RecordError, match="malformed minimum age"):
        parse_age(text, which="minimum", nct_id="NCT90000001")


def test_a_maximum_age_beyond_the_criteria_language_means_no_upper_limit():
    assert parse_age("150 Years", which="maximum", nct_id="NCT90000001") is None


@pytest.mark.parametrize("text, key", [
    ("Recruiting", "RECRUITING"), ("Active, not recruiting", "ACTIVE_NOT_RECRUITING"),
    ("Unknown status", "UNKNOWN"), ("NOT_YET_RECRUITING", "NOT_YET_RECRUITING"),
    ("Approved for marketing", "APPROVED_FOR_MARKETING"), ("Something new", "UNKNOWN"),
])
def test_legacy_and_v2_statuses_map_to_trial_statuses(text, key):
    assert status_key(text) == key


def codes(*conditions, meshes=(), ancestors=(), titles=()):
    return set(map_conditions(list(conditions), meshes, ancestors, titles=titles)[0])


def test_the_most_specific_codes_win_and_unmapped_conditions_are_kept():
    found, unmapped = map_conditions(["Carcinoma", "Carcinoma, Non-Small-Cell Lung", "Rare Fictional Syndrome"])
    assert found == ["onc:NSCLC"]
    assert unmapped == ["Rare Fictional Syndrome"]  # the generic "Carcinoma" beside a named cancer needs no review


@pytest.mark.parametrize("conditions, expected", [
    (["Acute Myeloid Leukaemia; Myelodysplastic Syndromes;Chronic Myelomonocytic Leukemia"],
     {"onc:AML", "onc:MDS", "onc:CMML"}),
    (["Relapsed Acute Myeloid Leukaemia"], {"onc:AML"}),
    (["Relapsed/Refractory Acute Myeloid Leukaemia", "Myeloid Malignancy"], {"onc:AML"}),
    (["AML, Adult", "CML, Refractory"], {"onc:AML", "onc:CML"}),
    (["Back Pain Lower Back Chronic"], {"pain:CLBP"}),
    (["Acute Leukemia"], {"onc:AML", "onc:ALAL", "onc:BLL", "onc:TLL"}),
    (["Head and Neck Cancer"], {"onc:HEAD_NECK"}),
    (["Breast and Ovarian Cancer"], {"onc:BREAST", "onc:OVARY"}),
    (["Lymphoma or Leukemia"], {"onc:NHL", "onc:HL"} | LEUKEMIAS),
    (["Lung Non-Squamous Non-Small Cell Carcinoma"], {"onc:NSCLC"}),
    (["Lung Non-Small Cell Squamous Carcinoma"], {"onc:LUSC"}),
    (["NSCLC Stage IV"], {"onc:NSCLC"}),
    (["Stage IIIA Lung Cancer AJCC v8"], {"onc:LUNG"}),
    (["Childhood Leukemia"], LEUKEMIAS),
    (["Depression/Anxiety"], {"psy:DEPRESSIVE", "psy:ANXIETY"}),
    (["Major depressive disorder, recurrent"], {"psy:MDD"}),  # an ICD-10-CM name (F33)
    (["Dysthymic disorder"], {"psy:PDD"}),
    (["Cluster Headache"], {"pain:CLUSTER"}),
    (["Chronic Lymphoid Leukaemia"], {"onc:CLLSLL"}),
    (["HER2-positive breast cancer"], {"onc:BREAST"}),
])
def test_listed_conditions_are_split_stripped_of_qualifiers_and_mapped(conditions, expected):
    assert codes(*conditions) == expected


def test_somatoform_disorders_are_not_any_mental_health_condition():
    assert codes("Somatoform Disorders") == {"psy:SOMATIC"}
    assert codes("Somatization", meshes=[("D013001", "Somatoform Disorders")]) == {"psy:SOMATIC"}


@pytest.mark.parametrize("generic", ["Tumor", "Neoplasms", "Cancer", "Carcinoma", "Malignant Neoplasm"])
def test_a_generic_word_alone_is_left_for_review_unless_the_trial_enrols_any_cancer(generic):
    found, unmapped = map_conditions([generic], titles=["Pedicle Screw Fixation After Spinal Surgery"])
    assert (found, unmapped) == ([], [generic])

    found, unmapped = map_conditions([generic], titles=["A Phase 1 Study of XY-123 in Advanced Cancers"])
    assert (found, unmapped) == (["onc:TISSUE"], [])


def test_advanced_solid_tumors_mean_any_solid_tumour_not_blood_cancers():
    found = codes("Advanced Solid Tumors")
    assert {"onc:LUNG", "onc:BREAST", "onc:BOWEL"} <= found
    assert not found & {"onc:TISSUE", "onc:LYMPH", "onc:MYELOID"}
    assert codes("Neoplasms", titles=["Basket Study of Drug Z in Solid Tumors"]) == found


def test_a_group_word_gives_way_to_the_kind_the_mesh_descriptors_name():
    assert codes("Leukemia", meshes=[("D000015470", "Leukemia, Myeloid, Acute")]) == {"onc:AML"}
    assert codes("Leukemia") == LEUKEMIAS


def test_mesh_descriptors_are_read_by_zero_padded_id_and_legacy_terms_by_name():
    assert codes(meshes=[("D000002289", "Renamed By NLM")]) == {"onc:NSCLC"}
    assert codes(meshes=[(None, "Carcinoma, Non-Small-Cell Lung")]) == {"onc:NSCLC"}


def test_mesh_ancestors_name_a_family_but_never_a_root():
    assert codes("Leukemia, Other", meshes=[("D007943", "Leukemia, Hairy Cell")]) == {"onc:HCL"}
    assert codes("Rare Fictional Syndrome", ancestors=[("D007951", "Leukemia, Myeloid")]) == {"onc:MYELOID"}
    assert codes("Alzheimer Disease", ancestors=[("D001523", "Mental Disorders")]) == set()
    assert codes("Herniated disc", ancestors=[("D010146", "Pain")]) == set()


def record(conditions, keywords=(), meshes=()):
    return {"protocolSection": {
        "identificationModule": {"nctId": "NCT90000077", "briefTitle": "Fictional pedicle screw study"},
        "statusModule": {"overallStatus": "RECRUITING"},
        "conditionsModule": {"conditions": list(conditions), "keywords": list(keywords)},
        "eligibilityModule": {"eligibilityCriteria": ""},
    }, "derivedSection": {"conditionBrowseModule": {"meshes": list(meshes)}}}


def test_keywords_never_become_conditions():
    study = from_v2(record(["Fibromyalgia"], keywords=["HEADACHE", "Migraine", "Breast Cancer"]))
    assert study.condition_codes == ["pain:FIBROMYALGIA"]
    assert study.keywords == ["HEADACHE", "Migraine", "Breast Cancer"]


def test_a_device_study_whose_condition_is_tumor_is_listed_for_review_not_any_cancer():
    study = from_v2(record(["Tumor"], meshes=[{"id": "D009369", "term": "Neoplasms"}]))
    assert (study.condition_codes, study.unmapped_conditions) == ([], ["Tumor"])


@pytest.mark.parametrize("texts, areas", [
    (["Acute Myeloid Leukaemia"], {"oncology"}), (["Major Depressive Disorder"], {"mental_health"}),
    (["Chronic Low-back Pain"], {"pain"}), (["Pain, Postoperative"], set()), (["Type 1 Diabetes"], set()),
])
def test_a_records_area_is_read_from_its_wording(texts, areas):
    assert areas_of_wording(texts) == areas


def test_the_default_mapper_is_built_once():
    assert default_mapper() is default_mapper()


@pytest.mark.parametrize("conditions, title, expected", [
    (["Leukemia"], "Talazoparib for Cohesin-Mutated AML and MDS With Excess Blasts", {"onc:AML", "onc:MDS"}),
    (["Acute Leukemia"], "Flumatinib Versus Imatinib With Chemotherapy for de Novo Ph+ ALL", {"onc:BLL"}),
    (["Leukemia, Lymphoblastic"], "Study of Drug X in Relapsed/Refractory T-ALL or T-LBL", {"onc:TLL"}),
    (["Leukemia"], "Virtual Reality During Lumbar Punctures in Children", LEUKEMIAS),
    (["Acute Leukemia"], "Insomnia Prevention in Children With Acute Lymphoblastic Leukemia", {"onc:BLL", "onc:TLL"}),
])
def test_a_title_narrows_a_group_word_the_conditions_left_broad_but_adds_no_other_area(conditions, title, expected):
    assert codes(*conditions, titles=[title]) == expected


def test_a_benign_tumour_is_no_cancer():
    assert codes("Benign Lymphoproliferative Disorder") == set()


def test_a_comorbidity_code_is_never_a_trials_condition():
    from trials.ctgov.conditions import ConditionMapper
    from trials.vocabulary import load_vocabulary

    assert load_vocabulary().condition("other:DIABETES") is not None  # a comorbidity the vocabulary knows
    mapped = ConditionMapper(load_vocabulary()).map(["Type 2 Diabetes Mellitus", "Diabetes"])

    assert (mapped.codes, mapped.unmapped) == ([], ["Type 2 Diabetes Mellitus", "Diabetes"])


def test_a_mesh_descriptor_the_registry_derived_from_a_keyword_is_not_a_condition():
    # ClinicalTrials.gov derives descriptors from the keywords too: "Migraine" beside cluster headache is one
    found = codes("Cluster Headache", meshes=[("D003027", "Cluster Headache"), ("D008881", "Migraine Disorders")])
    assert found == {"pain:CLUSTER"}
    assert codes("Healthy", meshes=[(None, "Depression")]) == {"psy:DEPRESSIVE"}  # all there is, and no keyword said it
    assert set(map_conditions(["Healthy"], [(None, "Depression")], keywords=["Depression"])[0]) == set()


def test_a_mesh_descriptor_the_record_does_not_say_is_left_out():
    found = codes("Chronic Pelvic Pain Syndrome", "Interstitial Cystitis", meshes=[(None, "Somatoform Disorders")])
    assert found == {"pain:CHRONIC"}
    assert codes("Anal Cancer", meshes=[(None, "Anus Neoplasms")]) == {"onc:BOWEL"}  # anal: anus


@pytest.mark.parametrize("conditions, meshes, title, expected", [
    (["B Cell Leukemias"], [("D015448", "Leukemia, Lymphocytic, Chronic, B-Cell")],
     "CD22 Redirected T Cells in Children With Acute Lymphoblastic Leukemia", {"onc:BLL"}),
    (["Leukemia", "Lymphoma"], [], "CAR T Cells Targeting CD19 Positive Malignant B-cell Derived Leukemia and Lymphoma",
     {"onc:BLL", "onc:CLLSLL", "onc:HCL", "onc:BPLL", "onc:MBN"}),
    (["Leukemia"], [], "Chemotherapy in Patients With Chronic Myelogenous or Acute Leukemia",
     {"onc:CML", "onc:AML", "onc:ALAL", "onc:BLL", "onc:TLL"}),
    (["Acute Leukemia"], [], "Imatinib for Philadelphia Chromosome-positive Acute Lymphoblastic Leukemia", {"onc:BLL"}),
    (["Leukemia", "Lymphoma"], [], "Drug X for Relapsed Non-Hodgkin's Lymphoma or Acute Lymphocytic Leukemia",
     {"onc:NHL", "onc:BLL", "onc:TLL"}),
    (["Prolymphocytic Leukemia", "T-cell Leukemia"], [], "Observatory of Prolymphocytic Leukemia T", {"onc:TPLL"}),
])
def test_a_title_says_which_kind_a_group_word_means_before_an_indexer_does(conditions, meshes, title, expected):
    assert codes(*conditions, meshes=meshes, titles=[title]) == expected


def test_a_listed_broader_condition_gives_way_when_the_title_names_only_the_narrower():
    found = codes("B Cell Lymphoma", "Follicular Lymphoma",
                  titles=["Vaccination of Follicular Lymphomas With Tumor-Derived Idiotype"])
    assert found == {"onc:FL"}
    both = codes("B Cell Lymphoma", "Chronic Lymphocytic Leukemia", titles=["Drug Y in B-cell Lymphomas and CLL"])
    assert both == {"onc:MBN", "onc:CLLSLL"}


def test_a_typo_is_read_as_the_one_word_it_misspells_but_a_real_word_is_never_corrected():
    assert codes("Pancretic Cancer") == {"onc:PANCREAS"}
    assert codes("Myelodisplastic Syndrome") == {"onc:MDS"}
    assert codes("Infection") == set()  # an English word, not a typo of anything


@pytest.mark.parametrize("conditions, meshes", [
    (["Pituitary Neoplasm"], [(None, "Pituitary Neoplasms")]),  # nearly all adenomas
    (["Parathyroid Tumors"], [(None, "Parathyroid Neoplasms")]),
    (["Graft-versus-leukemia"], []),  # an effect of a transplant, not a leukemia
    # a spine device's indication: the registry's descriptor reads a spinal cord tumour into it
    (["Spine Fracture", "Spinal Tumor"], [(None, "Spinal Cord Neoplasms")]),
])
def test_wordings_that_name_no_cancer_of_ours_map_to_nothing(conditions, meshes):
    assert codes(*conditions, meshes=meshes) == set()


def test_a_study_of_healthy_volunteers_is_about_no_patients_condition():
    found, unmapped = map_conditions(["Osteoarthritis, Spine"], titles=["Radiographs in Asymptomatic Volunteers"])
    assert (found, unmapped) == ([], ["Osteoarthritis, Spine"])
    assert codes("Schizophrenia", titles=["Brain Imaging of Psychiatric Disorders and Healthy Volunteers"]) \
        == {"psy:SCHIZO"}


@pytest.mark.parametrize("condition, expected", [
    ("Cannabis Use Disorder", {"psy:SUD"}), ("Premenstrual Dysphoric Disorder", {"psy:DEPRESSIVE"}),
    ("Richter Transformation", {"onc:DLBCLNOS"}), ("Synovial Cell Cancer", {"onc:SOFT_TISSUE"}),
    ("Carcinoma of Unknown Primary", {"onc:CUP"}), ("Post Partum Lumbopelvic Pain", {"pain:CHRONIC"}),
    ("Ph-negative Acute Lymphoblastic Leukemia", {"onc:BLL", "onc:TLL"}),
])
def test_vocabulary_gaps_the_labelled_samples_showed(condition, expected):
    assert codes(condition) == expected
