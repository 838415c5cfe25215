"""Our condition codes are the official ones: every onc: code and parent link against the OncoTree release file,
every ICD-10-CM code against the simple-icd-10-cm package.

The OncoTree file is never kept in the repository; these tests read it from $SHARED_DATA (CI sets it)."""

import json
import os
import warnings
from pathlib import Path

import pytest

from trials.ctgov.conditions import oncotree_names
from trials.vocabulary import load_vocabulary

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import simple_icd_10_cm as icd

ONCOTREE_RELEASE = "oncotree_2025_10_03.json"


@pytest.fixture(scope="module")
def oncotree_path():
    if not os.environ.get("SHARED_DATA"):
        pytest.skip("SHARED_DATA is not set: the OncoTree release file lives only there")
    path = Path(os.environ["SHARED_DATA"]) / "vocab" / ONCOTREE_RELEASE
    assert path.is_file(), f"SHARED_DATA is set but {path} is missing"
    return path


@pytest.fixture(scope="module")
def official_parents(oncotree_path):
    tree = json.loads(oncotree_path.read_text(encoding="utf-8"))
    parents = {}

    def walk(node):
        parents[node["code"]] = node["parent"]
        for child in node["children"].values():
            walk(child)

    walk(tree["TISSUE"])
    return parents


def official_ancestors(code, parents):
    out = []
    while parents.get(code):
        code = parents[code]
        out.append(code)
    return out


def oncology_codes():
    return [c for c in load_vocabulary().conditions.values() if c.code.startswith("onc:")]


def test_every_oncology_code_is_an_oncotree_code_and_its_parent_one_of_its_oncotree_ancestors(official_parents):
    problems = []
    for condition in oncology_codes():
        code = condition.code.removeprefix("onc:")
        if code not in official_parents:
            problems.append(f"{condition.code}: not in OncoTree {ONCOTREE_RELEASE}")
        elif condition.parent and condition.parent.removeprefix("onc:") not in official_ancestors(
                code, official_parents):
            problems.append(f"{condition.code}: parent {condition.parent} is not an OncoTree ancestor")
    assert problems == []


def test_only_the_oncotree_root_has_no_parent(official_parents):
    roots = [c.code for c in oncology_codes() if c.parent is None]
    assert roots == ["onc:TISSUE"]


def test_oncotree_names_reach_our_nearest_code_and_never_any_cancer(oncotree_path):
    names = {name: code for name, code, _ in oncotree_names(load_vocabulary(), oncotree_path)}
    assert names["Lung Adenocarcinoma"] == "onc:LUAD"
    assert names["Adenocarcinoma of the Gastroesophageal Junction"] == "onc:STOMACH"  # GEJ is not ours: its ancestor
    assert names["Glioblastoma, IDH-Wildtype"] == "onc:GB"
    assert "onc:TISSUE" not in names.values()


def test_every_icd10cm_code_is_a_valid_icd10cm_code():
    invalid = [(c.code, code) for c in load_vocabulary().conditions.values() for code in c.icd10cm
               if not icd.is_valid_item(code)]
    assert invalid == []


@pytest.mark.parametrize(("code", "icd_code", "words"), [
    ("psy:MDD", "F33", "Major depressive disorder"), ("psy:GAD", "F41.1", "Generalized anxiety disorder"),
    ("psy:PANIC", "F41.0", "Panic disorder"), ("pain:FIBROMYALGIA", "M79.7", "Fibromyalgia"),
    ("pain:CLBP", "M54.50", "Low back pain"), ("pain:TN", "G50.0", "Trigeminal neuralgia"),
    ("psy:PSYCHOSIS", "F20-F29", "psychotic disorders"),
])
def test_our_codes_carry_the_icd10cm_code_of_what_they_name(code, icd_code, words):
    assert icd_code in load_vocabulary().condition(code).icd10cm
    assert words.lower() in icd.get_description(icd_code).lower()
