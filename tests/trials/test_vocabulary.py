import re
from pathlib import Path

import pytest

from trials.vocabulary import Vocabulary, load_vocabulary

CONTRACTS = Path(__file__).resolve().parents[2] / "docs" / "contracts.md"
CONTRACT_ROWS = re.findall(r"^\| ((?:onc|psy|pain|other):\w+) \| (\S+) \|", CONTRACTS.read_text(), re.MULTILINE)


def test_contract_table_was_read():
    assert len(CONTRACT_ROWS) >= 40


@pytest.mark.parametrize(("code", "parent"), CONTRACT_ROWS)
def test_every_contract_code_is_present_with_its_parent(code, parent):
    condition = load_vocabulary().condition(code)
    assert condition is not None
    assert condition.parent == (None if parent == "–" else parent)


def test_every_condition_has_english_and_spanish_labels_and_a_kind():
    v = load_vocabulary()
    for c in v.conditions.values():
        assert c.labels["en"] and c.labels["es"]
        assert c.kind == {"onc": "oncology", "psy": "mental_health", "pain": "pain", "other": "other"}[
            c.code.split(":")[0]] or c.kind == "other"
        if c.kind in ("mental_health", "pain"):
            # its own ICD-10-CM codes, or its parent's when ICD-10-CM does not tell it apart (treatment resistance)
            assert any(v.condition(up).icd10cm for up in v.ancestors(c.code)), c.code
        elif c.kind == "other":
            assert c.icd10cm, c.code


def test_ancestors_and_descendants_are_inclusive_and_hierarchical():
    v = load_vocabulary()
    assert v.ancestors("onc:LUAD") == {"onc:LUAD", "onc:NSCLC", "onc:LUNG", "onc:TISSUE"}
    assert {"onc:LUNG", "onc:NSCLC", "onc:LUAD", "onc:LUSC", "onc:SCLC"} <= v.descendants("onc:LUNG")
    assert v.is_a("pain:DPN", "pain:CHRONIC")
    assert not v.is_a("pain:CHRONIC", "pain:DPN")
    assert v.ancestors("onc:NOPE") == frozenset()


def test_no_condition_is_its_own_ancestor_through_a_cycle():
    v = load_vocabulary()
    for code in v.conditions:
        chain, current = [], code
        while current is not None:
            assert current not in chain
            chain.append(current)
            current = v.condition(current).parent


def _minimal(conditions):
    return Vocabulary(conditions=conditions, drugs={}, biomarkers=[], mesh=[])


def _cond(code, parent=None):
    return {"code": code, "parent": parent, "kind": "pain", "labels": {"en": code, "es": code}}


def test_a_cycle_is_refused_naming_the_entry():
    with pytest.raises(ValueError, match="pain:A"):
        _minimal([_cond("pain:A", "pain:B"), _cond("pain:B", "pain:A")])


def test_an_unknown_parent_is_refused_naming_the_entry():
    with pytest.raises(ValueError, match="pain:A: unknown parent pain:Z"):
        _minimal([_cond("pain:A", "pain:Z")])


def test_a_duplicate_code_is_refused_naming_the_entry():
    with pytest.raises(ValueError, match="pain:A"):
        _minimal([_cond("pain:A"), _cond("pain:A")])


def test_an_unknown_drug_class_is_refused():
    drugs = {"classes": [], "drugs": [{"id": "drug:x", "names": {"en": "x", "es": "x"}, "classes": ["class:NOPE"]}]}
    with pytest.raises(ValueError, match="drug:x: unknown class class:NOPE"):
        Vocabulary(conditions=[], drugs=drugs, biomarkers=[], mesh=[])


@pytest.mark.parametrize("query", ["pulmón", "pulmon", "PULMÓN"])
def test_searching_pulmon_finds_lung_codes(query):
    found = load_vocabulary().search(query, "es")
    assert found[0] == "onc:LUNG"
    assert {"onc:NSCLC", "onc:SCLC", "onc:LUAD"} <= set(found)


def test_search_ranks_the_requested_language_first_but_finds_the_other():
    v = load_vocabulary()
    assert v.search("lung", "en")[0] == "onc:LUNG"
    assert "onc:LUNG" in v.search("lung", "es")
    assert v.search("fibromialgia", "es") == ["pain:FIBROMYALGIA"]
    assert v.search("", "en") == []


def test_selectable_conditions_can_be_filtered_by_kind():
    v = load_vocabulary()
    pain = v.selectable_conditions("pain")
    assert pain and all(c.kind == "pain" and c.selectable for c in pain)
    assert "onc:TISSUE" not in {c.code for c in v.selectable_conditions()}


@pytest.mark.parametrize("name", ["duloxetine", "Duloxetine", "Cymbalta", "CYMBALTA", "duloxetina", "drug:duloxetine"])
def test_duloxetine_resolves_by_generic_brand_or_spanish_name(name):
    assert load_vocabulary().find_drug(name) == "drug:duloxetine"


def test_unknown_drug_names_resolve_to_none():
    assert load_vocabulary().find_drug("unobtainium") is None


def test_duloxetine_is_an_snri_and_an_antidepressant():
    classes = load_vocabulary().drug_classes("drug:duloxetine")
    assert {"class:SNRI", "class:ANTIDEPRESSANT"} <= classes


def test_snri_class_covers_exactly_the_five_snris():
    assert load_vocabulary().class_members("class:SNRI") == {
        "drug:venlafaxine", "drug:duloxetine", "drug:desvenlafaxine", "drug:levomilnacipran", "drug:milnacipran"}


@pytest.mark.parametrize("cls", ["class:SSRI", "class:SNRI", "class:MAOI", "class:TCA", "class:BENZODIAZEPINE",
                                 "class:ANTIPSYCHOTIC", "class:STIMULANT", "class:OPIOID", "class:GABAPENTINOID",
                                 "class:ANTIDEPRESSANT", "class:PLATINUM", "class:EGFR_TKI", "class:PD1_PDL1"])
def test_every_contract_class_exists_and_has_members(cls):
    v = load_vocabulary()
    assert cls in v.classes
    assert v.class_members(cls)


def test_there_are_about_eighty_or_more_drugs_all_with_spanish_names():
    v = load_vocabulary()
    assert len(v.drugs) >= 80
    assert all(d.names["es"] for d in v.drugs.values())


def test_a_platinum_drug_counts_as_prior_chemotherapy():
    assert "therapy:chemotherapy" in load_vocabulary().therapy_tags(["drug:carboplatin"])


@pytest.mark.parametrize(("descriptor_id", "term", "codes"), [
    ("D002289", None, ("onc:NSCLC",)), ("D000002289", None, ("onc:NSCLC",)), ("D003865", None, ("psy:MDD",)),
    (None, "Depressive Disorder, Major", ("psy:MDD",)), (None, "fibromyalgia", ("pain:FIBROMYALGIA",)),
    (None, "breast neoplasms", ("onc:BREAST",)), (None, "Somatoform Disorders", ("psy:SOMATIC",)),
])
def test_mesh_descriptors_map_to_project_codes_by_id_zero_padded_or_not_or_by_term(descriptor_id, term, codes):
    assert load_vocabulary().mesh_entry(descriptor_id, term).codes == codes


@pytest.mark.parametrize("term", ["Neoplasms", "Tumors", "Carcinoma", "Neoplasm Metastasis"])
def test_generic_mesh_descriptors_name_no_condition(term):
    entry = load_vocabulary().mesh_entry(None, term)
    assert entry.generic and entry.codes == ()


def test_a_mesh_entry_with_neither_codes_nor_generic_is_refused():
    with pytest.raises(ValueError, match="give codes, or mark it generic"):
        Vocabulary(conditions=[], drugs={}, biomarkers=[], mesh=[{"id": "D000001", "term": "Nothing"}])


def test_the_mesh_table_has_a_few_hundred_descriptors():
    assert len({id(e) for e in load_vocabulary().mesh.values()}) >= 300


def test_her2_and_erbb2_are_the_same_biomarker():
    v = load_vocabulary()
    assert v.biomarker("ERBB2") is v.biomarker("her2")
    assert v.biomarker("egfr").gene == "EGFR"
    assert v.biomarker("NOPE") is None


def test_labels_cover_every_kind_of_code():
    v = load_vocabulary()
    assert v.label("onc:LUNG", "es") == "Cáncer de pulmón"
    assert v.label("drug:duloxetine", "es") == "duloxetina"
    assert v.label("class:SNRI", "en").startswith("Serotonin")
    assert v.label("therapy:radiation", "es") == "radioterapia"
    assert v.label("unknown:code") == "unknown:code"
