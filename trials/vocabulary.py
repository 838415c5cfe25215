"""The project's vocabulary: condition codes, drugs and their classes, biomarkers, MeSH mappings.

Pure Python (no Django) so the eligibility engine and the importer can share it. The data lives in
`trials/vocab/*.json`; everything derived from it (ancestor sets, drug class closures, search keys) is
computed once on load because the engine asks these questions thousands of times per matching run.

Condition codes are OncoTree codes (`onc:LUAD`) and, for mental-health and pain conditions, our own codes
anchored to ICD-10-CM codes (`psy:MDD` lists F32, F33). A code's parent is an ancestor of it in OncoTree
(tests/trials/test_official_codes.py checks both against the official releases).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VOCAB_DIR = Path(__file__).resolve().parent / "vocab"
LANGUAGES = ("en", "es")
# "other": conditions a trial may exclude (HIV, heart failure…) but is never about; none is selectable.
KINDS = ("oncology", "mental_health", "pain", "other")
PREFIX_KIND = {"onc": "oncology", "psy": "mental_health", "pain": "pain", "other": "other"}


def fold(text: str) -> str:
    """Lower-case and strip accents, so "pulmón" and "Pulmon" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


@dataclass(frozen=True)
class Condition:
    code: str
    parent: str | None
    kind: str
    labels: dict[str, str]
    synonyms: dict[str, list[str]]
    icd10cm: tuple[str, ...]
    selectable: bool


@dataclass(frozen=True)
class MeshEntry:
    """Our reading of one MeSH descriptor: the codes it means, or generic (a word like "Neoplasms" that names
    no condition by itself)."""

    descriptor_id: str | None
    term: str
    codes: tuple[str, ...]
    generic: bool = False


@dataclass(frozen=True)
class Drug:
    id: str
    names: dict[str, str]
    synonyms: tuple[str, ...]
    classes: tuple[str, ...]  # direct classes, as written in drugs.json


@dataclass(frozen=True)
class DrugClass:
    id: str
    parents: tuple[str, ...]
    labels: dict[str, str]
    short: dict[str, str]


@dataclass(frozen=True)
class Therapy:
    id: str
    labels: dict[str, str]
    covers_class: str | None  # having had any drug of this class counts as having had the therapy


@dataclass(frozen=True)
class Biomarker:
    gene: str
    aliases: tuple[str, ...]
    labels: dict[str, str]
    kind: str


def _closure(start: str, parents_of: dict[str, tuple[str, ...]], what: str) -> frozenset[str]:
    """Inclusive set of everything reachable upwards from `start`; raises on a cycle."""
    seen: set[str] = set()
    stack: list[tuple[str, tuple[str, ...]]] = [(start, ())]
    while stack:
        node, trail = stack.pop()
        if node in trail:
            raise ValueError(f"{what} {start}: cycle through {' -> '.join(trail + (node,))}")
        seen.add(node)
        for parent in parents_of.get(node, ()):
            stack.append((parent, trail + (node,)))
    return frozenset(seen)


class Vocabulary:
    """Read-only lookups over the vocabulary; build with `load_vocabulary()`."""

    def __init__(self, conditions: list[dict], drugs: dict, biomarkers: list[dict], mesh: list[dict]):
        self.conditions: dict[str, Condition] = {}
        for i, raw in enumerate(conditions):
            code = raw.get("code")
            if not code or code in self.conditions:
                raise ValueError(f"conditions[{i}] {code!r}: missing or duplicate code")
            kind = raw.get("kind")
            if kind not in KINDS or (kind != "other" and PREFIX_KIND.get(code.split(":")[0]) != kind):
                raise ValueError(f"condition {code}: kind must be one of {', '.join(KINDS)}, matching its prefix")
            if kind == "other" and raw.get("selectable"):
                raise ValueError(f"condition {code}: kind other is never a patient's diagnosis, so not selectable")
            labels = raw.get("labels", {})
            if any(not labels.get(lang) for lang in LANGUAGES):
                raise ValueError(f"condition {code}: needs labels in {' and '.join(LANGUAGES)}")
            self.conditions[code] = Condition(
                code=code, parent=raw.get("parent"), kind=raw["kind"], labels=labels,
                synonyms={lang: list(raw.get("synonyms", {}).get(lang, [])) for lang in LANGUAGES},
                icd10cm=tuple(raw.get("icd10cm", [])), selectable=bool(raw.get("selectable", False)),
            )
        for c in self.conditions.values():
            if c.parent is not None and c.parent not in self.conditions:
                raise ValueError(f"condition {c.code}: unknown parent {c.parent}")
        parent_of = {c.code: ((c.parent,) if c.parent else ()) for c in self.conditions.values()}
        self._ancestors = {code: _closure(code, parent_of, "condition") for code in self.conditions}
        children: dict[str, set[str]] = {code: {code} for code in self.conditions}
        for code, ups in self._ancestors.items():
            for up in ups:
                children[up].add(code)
        self._descendants = {code: frozenset(down) for code, down in children.items()}

        self.classes: dict[str, DrugClass] = {}
        for raw in drugs.get("classes", []):
            cid = raw["id"]
            if cid in self.classes or not cid.startswith("class:"):
                raise ValueError(f"drug class {cid}: duplicate or not a class: id")
            parents = tuple(raw.get("parents", []))
            self.classes[cid] = DrugClass(cid, parents, raw["labels"], raw.get("short", raw["labels"]))
        for cls in self.classes.values():
            for p in cls.parents:
                if p not in self.classes:
                    raise ValueError(f"drug class {cls.id}: unknown parent {p}")
        class_parents = {c.id: c.parents for c in self.classes.values()}
        self._class_closure = {cid: _closure(cid, class_parents, "drug class") for cid in self.classes}

        self.drugs: dict[str, Drug] = {}
        self._drug_classes: dict[str, frozenset[str]] = {}
        self._drug_names: dict[str, str] = {}
        for raw in drugs.get("drugs", []):
            did = raw["id"]
            if did in self.drugs or not did.startswith("drug:"):
                raise ValueError(f"drug {did}: duplicate or not a drug: id")
            for cid in raw.get("classes", []):
                if cid not in self.classes:
                    raise ValueError(f"drug {did}: unknown class {cid}")
            drug = Drug(did, raw["names"], tuple(raw.get("synonyms", [])), tuple(raw.get("classes", [])))
            self.drugs[did] = drug
            self._drug_classes[did] = frozenset().union(*(self._class_closure[c] for c in drug.classes))
            for name in (did.removeprefix("drug:"), *drug.names.values(), *drug.synonyms):
                key = fold(name).replace("_", " ")
                other = self._drug_names.setdefault(key, did)
                if other != did:
                    raise ValueError(f"drug {did}: name {name!r} already used by {other}")

        self.therapies: dict[str, Therapy] = {}
        for raw in drugs.get("therapies", []):
            tid = raw["id"]
            if tid in self.therapies or not tid.startswith("therapy:"):
                raise ValueError(f"therapy {tid}: duplicate or not a therapy: id")
            covers = raw.get("covers_class")
            if covers is not None and covers not in self.classes:
                raise ValueError(f"therapy {tid}: unknown class {covers}")
            self.therapies[tid] = Therapy(tid, raw["labels"], covers)
        # class -> therapies it implies, closed upwards: a platinum drug implies therapy:chemotherapy
        self._class_therapies: dict[str, frozenset[str]] = {
            cid: frozenset(t.id for t in self.therapies.values() if t.covers_class in ups)
            for cid, ups in self._class_closure.items()
        }

        self.biomarkers: dict[str, Biomarker] = {}
        self._gene_keys: dict[str, str] = {}
        for raw in biomarkers:
            bm = Biomarker(raw["gene"], tuple(raw.get("aliases", [])), raw["labels"], raw.get("kind", "mutation"))
            for name in (bm.gene, *bm.aliases):
                key = name.upper()
                if self._gene_keys.setdefault(key, bm.gene) != bm.gene:
                    raise ValueError(f"biomarker {bm.gene}: alias {name} already used by {self._gene_keys[key]}")
            self.biomarkers[bm.gene] = bm

        self.mesh: dict[str, MeshEntry] = {}  # by descriptor id and by folded term
        for raw in mesh:
            entry = MeshEntry(descriptor_id=normalize_mesh_id(raw.get("id")), term=raw["term"],
                              codes=tuple(raw.get("codes", [])), generic=bool(raw.get("generic", False)))
            if bool(entry.codes) == entry.generic:
                raise ValueError(f"mesh term {entry.term!r}: give codes, or mark it generic")
            for code in entry.codes:
                if code not in self.conditions:
                    raise ValueError(f"mesh term {entry.term!r}: unknown code {code}")
            for key in (entry.descriptor_id, fold(entry.term)):
                if key and self.mesh.setdefault(key, entry) is not entry:
                    raise ValueError(f"mesh term {entry.term!r}: {key} listed twice")

        self._search_index: dict[str, list[tuple[str, str]]] = {lang: [] for lang in LANGUAGES}
        for c in self.conditions.values():
            for lang in LANGUAGES:
                for text in (c.labels[lang], *c.synonyms[lang]):
                    self._search_index[lang].append((fold(text), c.code))

    # -- conditions ------------------------------------------------------------------------------
    def ancestors(self, code: str) -> frozenset[str]:
        """The code and every code above it; empty for an unknown code."""
        return self._ancestors.get(code, frozenset())

    def descendants(self, code: str) -> frozenset[str]:
        """The code and every code below it; empty for an unknown code."""
        return self._descendants.get(code, frozenset())

    def is_a(self, code: str, ancestor: str) -> bool:
        return ancestor in self._ancestors.get(code, ())

    def condition(self, code: str) -> Condition | None:
        return self.conditions.get(code)

    def label(self, code: str, lang: str = "en") -> str:
        """Label for a condition, drug, class, therapy or gene; falls back to the code itself."""
        if code in self.conditions:
            return self.conditions[code].labels.get(lang) or self.conditions[code].labels["en"]
        if code in self.drugs:
            return self.drugs[code].names.get(lang) or self.drugs[code].names["en"]
        if code in self.classes:
            return self.classes[code].labels.get(lang) or self.classes[code].labels["en"]
        if code in self.therapies:
            return self.therapies[code].labels.get(lang) or self.therapies[code].labels["en"]
        gene = self._gene_keys.get(code.upper())
        if gene:
            return self.biomarkers[gene].labels.get(lang) or self.biomarkers[gene].labels["en"]
        return code

    def search(self, text: str, lang: str = "en", kind: str | None = None, limit: int = 20) -> list[str]:
        """Condition codes whose label or synonym contains `text` (accent- and case-insensitive).

        Matches in the requested language rank first, then the other language (patients mix them),
        then shorter codes' depth order: a label starting with the query beats one containing it.
        """
        needle = fold(text)
        if not needle:
            return []
        scored: dict[str, tuple[int, int, int]] = {}
        for lang_rank, lng in enumerate((lang, *[x for x in LANGUAGES if x != lang])):
            for folded, code in self._search_index.get(lng, ()):
                if needle not in folded:
                    continue
                if kind and self.conditions[code].kind != kind:
                    continue
                rank = (lang_rank, 0 if folded.startswith(needle) else 1, len(self._ancestors[code]))
                if code not in scored or rank < scored[code]:
                    scored[code] = rank
        return sorted(scored, key=lambda c: (scored[c], c))[:limit]

    def selectable_conditions(self, kind: str | None = None) -> list[Condition]:
        return [c for c in self.conditions.values() if c.selectable and (kind is None or c.kind == kind)]

    def mesh_entry(self, descriptor_id: str | None = None, term: str | None = None) -> MeshEntry | None:
        """Our reading of a MeSH descriptor, by id (zero-padded or not) or, for legacy records, by term."""
        entry = self.mesh.get(normalize_mesh_id(descriptor_id)) if descriptor_id else None
        return entry or (self.mesh.get(fold(term)) if term else None)

    def depth(self, code: str) -> int:
        """0 for a root (onc:TISSUE, psy:MH, pain:CHRONIC), 1 below it, and so on."""
        return len(self._ancestors.get(code, ())) - 1

    # -- drugs -------------------------------------------------------------------------------------
    def drug(self, drug_id: str) -> Drug | None:
        return self.drugs.get(drug_id)

    def drug_classes(self, drug_id: str) -> frozenset[str]:
        """Every class of the drug, including parent classes (duloxetine: SNRI, ANTIDEPRESSANT, …)."""
        return self._drug_classes.get(drug_id, frozenset())

    def class_members(self, class_id: str) -> frozenset[str]:
        return frozenset(d for d, classes in self._drug_classes.items() if class_id in classes)

    def find_drug(self, name: str) -> str | None:
        """Resolve a generic or brand name (any case, with or without accents) or an id to a drug id."""
        if name in self.drugs:
            return name
        return self._drug_names.get(fold(name.removeprefix("drug:")).replace("_", " "))

    def therapy_tags(self, ids) -> frozenset[str]:
        """What a list of drugs/classes/therapies counts as: the ids, drug classes, implied therapies."""
        tags: set[str] = set()
        for item in ids:
            tags.add(item)
            classes = self._drug_classes.get(item) or self._class_closure.get(item, ())
            tags.update(classes)
            for cid in classes:
                tags.update(self._class_therapies[cid])
        return frozenset(tags)

    def is_known_id(self, item: str) -> bool:
        return item in self.drugs or item in self.classes or item in self.therapies

    def short_class_label(self, drug_id: str, lang: str = "en") -> str | None:
        """The drug's first listed class in short form ("SNRI", "IRSN"), for sentences."""
        drug = self.drugs.get(drug_id)
        if not drug or not drug.classes:
            return None
        return self.classes[drug.classes[0]].short.get(lang)

    def short_label(self, item: str, lang: str = "en") -> str:
        """Short form for a class ("SNRI"), plain label for anything else."""
        if item in self.classes:
            return self.classes[item].short.get(lang) or item
        return self.label(item, lang)

    # -- biomarkers --------------------------------------------------------------------------------
    def biomarker(self, gene: str) -> Biomarker | None:
        """Look a gene up by name or alias (HER2 and ERBB2 are the same entry)."""
        key = self._gene_keys.get(gene.strip().upper())
        return self.biomarkers.get(key) if key else None

    def gene_key(self, gene: str) -> str:
        """Canonical gene name for comparisons; unknown genes are upper-cased as given."""
        return self._gene_keys.get(gene.strip().upper(), gene.strip().upper())


def normalize_mesh_id(descriptor_id: str | None) -> str | None:
    """D000006937 (API v2 sometimes pads to nine digits) → D006937."""
    if not descriptor_id:
        return None
    text = descriptor_id.strip().upper()
    if text[:1] == "D" and text[1:].isdigit():
        return f"D{int(text[1:]):06d}"
    return text


def _read(name: str):
    with open(VOCAB_DIR / name, encoding="utf-8") as fh:
        return json.load(fh)


@cache
def load_vocabulary() -> Vocabulary:
    return Vocabulary(
        conditions=_read("conditions.json")["conditions"],
        drugs=_read("drugs.json"),
        biomarkers=_read("biomarkers.json")["biomarkers"],
        mesh=_read("mesh.json")["descriptors"],
    )
