"""A registry record's conditions → our vocabulary's codes. Pure Python: no Django, no database.

What a record says, read together (ConditionMapper.map numbers the steps):
- its listed condition strings, split on ";" and read by trials/ctgov/lexicon.py against our labels and synonyms
  (English and Spanish), our MeSH table's terms (`trials/vocab/mesh.json`), the ICD-10-CM names of our
  mental-health and pain codes (package simple-icd-10-cm) and, when the operator gives the file, OncoTree's names;
- its titles, in fragments: they say which kind a group word ("Leukemia") means and which of two nested listed
  conditions the trial is about, never a condition of their own;
- the registry's MeSH descriptors (API v2 `conditionBrowseModule.meshes`, by descriptor id; legacy XML
  `condition_browse/mesh_term`, by term), when they read the listing or the titles: the registry derives them from
  the keywords too;
- its MeSH ancestors (API v2 only), which can only name a family (a myeloid leukemia), never a root.

Keywords are never read as conditions. A generic word ("Tumor", "Neoplasms", "Cancer") names no condition: alone, it
maps to any cancer (or any solid tumour) only when the record says it enrols any cancer (a phase 1 "advanced solid
tumors" study, a basket study); otherwise the record is left unmapped and its wording listed for review. A study of
healthy volunteers maps to nothing. The most specific codes win.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from trials.vocabulary import VOCAB_DIR, Vocabulary, load_vocabulary

from .lexicon import TITLE_WINDOW, Lexicon, title_fragments

ROOTS = ("onc:TISSUE", "psy:MH", "pain:CHRONIC")
AREAS = ("oncology", "mental_health", "pain", "other")


@dataclass
class MappedConditions:
    codes: list[str]
    unmapped: list[str]  # listed conditions that gave no code, for an admin to review
    via: dict[str, str] = field(default_factory=dict)  # code -> what gave it (for the admin and the summary)


_VOLUNTEERS = re.compile(r"\b(?:in|of|from|among|using)\s+(?:healthy|asymptomatic|normal)\s+(?:\w+\s+)?"
                         r"(?:volunteers?|subjects?|participants?|individuals?)\b", re.I)
_PATIENTS = re.compile(r"\bpatients?\b|\bwith\b", re.I)


def _volunteers_only(titles) -> bool:
    """The titles say the study enrols healthy or asymptomatic volunteers and name no patients."""
    return any(_VOLUNTEERS.search(t) for t in titles) and not any(_PATIENTS.search(t) for t in titles)


def _restates_keyword(lexicon: Lexicon, term, keywords) -> bool:
    """A descriptor whose words are a keyword's, or the other way round: the registry derived it from the keyword."""
    content = lexicon.content(term)
    pieces = [p for k in keywords for p in k.split(";")]
    return any((said := lexicon.content(p)) and (said <= content or content <= said) for p in pieces)


def _icd_names(vocab: Vocabulary):
    """ICD-10-CM names and inclusion terms under each mental-health or pain code's ICD-10-CM codes.

    A name goes to the code listing the longest prefix of it, the deepest such code on a tie (F34.1 is psy:PDD,
    not psy:DEPRESSIVE). Chapters and blocks only anchor a code; their names are never read ("Somatoform disorders"
    is not any mental health condition).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the package reads its data with pkg_resources
        import simple_icd_10_cm as icd

    owners: dict[str, list[str]] = {}
    for c in vocab.conditions.values():
        if c.kind not in ("mental_health", "pain"):
            continue  # cancers have OncoTree's names; ICD-10-CM's would only reach the nearest broad code
        for code in c.icd10cm:
            if icd.is_valid_item(code) and not icd.is_chapter_or_block(code):
                owners.setdefault(code, []).append(c.code)
    out = []
    for anchor in owners:
        for item in (anchor, *icd.get_descendants(anchor)):
            prefix = max((a for a in owners if item.startswith(a)), key=len)
            owner = max(owners[prefix], key=vocab.depth)
            for text in (icd.get_description(item), *icd.get_inclusion_term(item)):
                out.append((text, owner, f"ICD-10-CM {item}"))
    return out


_NOT_A_CANCER = re.compile(r"benign|atypical|workup|reactive|adenoma|papilloma|nevus|hyperplasia|\bcyst|polyp|"
                           r"leiomyoma|lipoma|fibroma|hemangioma|neurofibroma", re.I)


def oncotree_names(vocab: Vocabulary, path) -> list[tuple[str, str, str]]:
    """(name, our code, source) for every node of an OncoTree release file: the node's own code when we have it,
    else its nearest ancestor we have. Names that would only reach "any cancer" are left out."""
    with open(path, encoding="utf-8") as fh:
        tree = json.load(fh)
    out = []

    def walk(node, nearest):
        code = f"onc:{node['code']}"
        nearest = code if code in vocab.conditions else nearest
        # Level 1 names an organ ("Kidney"), not a cancer; benign and work-up nodes are not cancers either.
        if nearest and nearest != "onc:TISSUE" and node.get("level", 0) > 1 and not _NOT_A_CANCER.search(node["name"]):
            out.append((node["name"], nearest, f"OncoTree {node['code']}"))
        for child in (node.get("children") or {}).values():
            walk(child, nearest)

    walk(tree["TISSUE"], None)
    return out


class ConditionMapper:
    def __init__(self, vocab: Vocabulary | None = None, *, oncotree_path=None):
        self.vocab = vocab or load_vocabulary()
        self.oncotree_path = str(oncotree_path) if oncotree_path else ""
        terms = json.loads((VOCAB_DIR / "registry_terms.json").read_text(encoding="utf-8"))
        onco = oncotree_names(self.vocab, oncotree_path) if oncotree_path else ()
        self.lexicon = Lexicon(self.vocab, terms, oncotree_names=onco, icd_names=_icd_names(self.vocab))

    @property
    def fingerprint(self) -> str:
        """What a mapping depends on besides the record: re-importing with other inputs re-maps every record."""
        files = [VOCAB_DIR / n for n in ("conditions.json", "mesh.json", "registry_terms.json")]
        stamp = "|".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files)
        return f"{stamp}|oncotree:{Path(self.oncotree_path).name}"

    def map(self, conditions, meshes=(), ancestors=(), *, titles=(), keywords=()) -> MappedConditions:
        """conditions: listed strings; meshes / ancestors: (descriptor id or None, term); titles: the record's
        brief and official titles; keywords: read only to tell a descriptor derived from a keyword.

        1. Each listed condition, split on ";", is read against the lexicon.
        2. The titles are read in fragments ("... in AML and MDS"): they narrow a group word the listing left broad,
           tell which of two nested listed conditions the trial is about, and support MeSH descriptors.
        3. A MeSH descriptor counts only when it reads what the listing or the titles say, narrows what they
           name, or is all there is and restates no keyword: the registry derives descriptors from the keywords
           too, and a keyword is never a condition ("Migraine" beside "Cluster headache"; "Somatoform Disorders"
           beside pelvic pain; "Spinal Cord Neoplasms" for a spine device's "Spinal Tumor").
        4. A group word gives way to the listing's own narrower codes, else to what the title names inside it,
           else to the MeSH descriptors inside it.
        5. A generic word alone means any (solid) cancer only when the record says it enrols any.
        """
        vocab = self.vocab
        if _volunteers_only(titles):
            # Healthy or asymptomatic volunteers: the conditions are what the study looks at, not what they have.
            return MappedConditions(codes=[], unmapped=list(conditions), via={})
        listed: dict[str, str] = {}  # code -> what gave it, from the listed conditions
        from_mesh: dict[str, str] = {}
        groups: list[tuple[tuple[str, ...], str, bool]] = []  # (members, what, from the listing)
        generic_seen = []
        unmapped = []
        read_words = []  # the words of each listed condition that was read

        def take(entries, what, into) -> bool:
            named = False
            for entry in entries:
                if entry.generic:
                    generic_seen.append(what)
                    continue
                named = True
                if entry.refine:
                    groups.append((entry.codes, what, into is listed))
                    continue
                for code in entry.codes:
                    into.setdefault(code, what)
            return named

        for text in conditions:
            pieces = [p for p in re.split(r"\s*;\s*", text) if p.strip()]
            named = [take(self.lexicon.lookup(piece), f"condition: {text}", listed) for piece in pieces]
            if not any(named):
                unmapped.append(text)
            else:
                read_words.append(self.lexicon.content(text))
        title_named, title_readings = self._title_reading(titles)
        said = self.lexicon.stems([*conditions, *titles])
        listing_read = bool(listed or groups or generic_seen)
        dropped_mesh = False
        worded = set()  # codes of descriptors whose words the record uses
        for descriptor_id, term in meshes:
            entry = self.lexicon.mesh(descriptor_id, term)
            entries = [entry] if entry else self.lexicon.lookup(term)
            support = self._mesh_support(term, entries, said, listed, groups, title_named)
            if support is None and (listing_read or _restates_keyword(self.lexicon, term, keywords)):
                dropped_mesh = True
                continue
            if any(e.refine for e in entries) and any(self.lexicon.content(term) <= w for w in read_words):
                continue  # a group word restating a listed condition read ("Lymphoma" for "Lymphoblastic lymphoma")
            take(entries, f"MeSH: {term}", from_mesh)
            if support == "words":
                worded.update(c for e in entries if not e.refine for c in e.codes)
        if not listed and not from_mesh and not groups and not dropped_mesh:
            # Ancestors are the weakest evidence: a family, when nothing else names the condition.
            for descriptor_id, term in ancestors:
                entry = self.lexicon.mesh(descriptor_id, term)
                if entry and not entry.generic and not set(entry.codes) & set(ROOTS):
                    take([entry], f"MeSH ancestor: {term}", from_mesh)

        codes = dict(listed)
        narrowed = []  # (cover, codes) of groups the title narrowed
        for members, what in self._narrowest_groups([(m, w) for m, w, _ in groups]):
            cover = set().union(*(vocab.descendants(m) for m in members))
            if any(c in cover for c in listed):
                continue  # "Leukemia" beside "acute myeloid leukemia": the listing says which
            narrower = self._title_refinement(members, what.split(": ", 1)[-1], title_named, title_readings)
            if narrower:
                narrowed.append((cover, narrower))
                for code in narrower:
                    codes.setdefault(code, f"{what} (title: {titles[0]})")
            elif not any(c in cover for c in from_mesh):
                for code in members:
                    codes.setdefault(code, what)
        for code, what in from_mesh.items():
            # Inside a group, the title's words beat an indexer's reading the record's words do not carry ("B cell
            # leukemias", title "... for ALL": not the CLL of "Leukemia, Lymphocytic, Chronic, B-Cell")
            if code in worded or not any(code in cover and not any(vocab.is_a(code, n) for n in narrower)
                                         for cover, narrower in narrowed):
                codes.setdefault(code, what)
        if not codes and generic_seen:
            scope = self.lexicon.enrols_any_cancer([*conditions, *titles])
            for code in {"solid": self.lexicon.solid, "any": ("onc:TISSUE",)}.get(scope, ()):
                codes[code] = f"generic word, enrols any {'solid tumour' if scope == 'solid' else 'cancer'}"
        if codes:
            # A generic word beside a named condition says nothing more: nothing to review.
            unmapped = [t for t in unmapped if f"condition: {t}" not in generic_seen]
        specific = [c for c in codes if c in listed or c in from_mesh]

        def hidden(code):
            """A broader code gives way to a named narrower one when MeSH alone added it (MeSH lists "Lung
            Neoplasms" beside every NSCLC), it is only an organ ("Stage II Lung Cancer" beside NSCLC) or the title
            names only the narrower one ("Non-Hodgkin lymphoma" beside "Lymphomatoid granulomatosis", the title's
            subject). Otherwise two listed conditions both stay ("B-cell lymphomas" and "CLL"); a group's members
            hide nothing."""
            narrower = [o for o in specific if o != code and vocab.is_a(o, code)]
            if code in listed and vocab.depth(code) > 1:
                return bool(narrower) and self._title_names_only(narrower, code, title_named)
            return bool(narrower)

        kept = [c for c in codes if not hidden(c)]
        return MappedConditions(codes=kept, unmapped=unmapped, via={c: codes[c] for c in kept})

    def _mesh_support(self, term, entries, said, listed, groups, title_named) -> str | None:
        """"words" when a descriptor's words are the listing's or the titles' (spelled their way or not; one word
        of four or more may differ: "Lymphoma, Large B-Cell, Diffuse" for "Diffuse large cell lymphoma"),
        "narrows" when it narrows what the listing or the titles name (a kind of leukemia inside "Leukemia"):
        narrowing lets fewer patients in, never others. None otherwise: it may come from elsewhere."""
        vocab = self.vocab
        content = self.lexicon.content(term)
        if len(content - said) <= (len(content) - 1) // 3:
            return "words"
        # what the listing names is the anchor; a broader title code or group word it already narrowed is not
        anchors = [*listed, *(t for t in title_named if not any(vocab.is_a(c, t) for c in listed))]
        covers = set()
        for members, _, from_listing in groups:
            cover = set().union(*(vocab.descendants(m) for m in members))
            if from_listing and not cover & set(listed):
                covers |= cover
        narrows = any(c in covers or any(vocab.is_a(c, a) for a in anchors) for e in entries for c in e.codes)
        return "narrows" if narrows else None

    def _title_names_only(self, narrower, broader, title_named) -> bool:
        """True when the titles name one of the narrower codes and nothing else under the broader one."""
        vocab = self.vocab
        under = [t for t in title_named if vocab.is_a(t, broader)]
        return bool(under) and all(any(vocab.is_a(t, n) for n in narrower) for t in under)

    def _title_reading(self, titles) -> tuple[list[str], list[tuple[tuple[str, ...], frozenset]]]:
        """(codes named, [(codes, words of the fragment naming them)]) read from the titles fragment by fragment:
        a title's words scattered far apart ("CAR-T cells ... lymphoblastic leukemia") name nothing together."""
        named: list[str] = []
        readings: list[tuple[tuple[str, ...], frozenset]] = []
        for title in titles:
            extended = set()
            for fragment, alone in title_fragments(title):
                if alone is not None and (alone in extended or self.lexicon.lookup(alone, window=TITLE_WINDOW)):
                    continue  # "Non-Hodgkin's lymphoma or acute leukemia": the lymphoma needs no "leukemia"
                entries = [e for e in self.lexicon.lookup(fragment, window=TITLE_WINDOW) if e.codes]
                if alone is not None and entries:
                    extended.add(alone)
                # else the name its last words make ("Cohesin-Mutated AML")
                entries = entries or [e for e in self.lexicon.ending(fragment) if e.codes]
                fragment_words = frozenset(self.lexicon.content(fragment))
                for codes in self._one_thing([e.codes for e in entries if e.refine]):
                    readings.append((codes, fragment_words))
                for entry in entries:
                    if not entry.refine:
                        readings.append((entry.codes, fragment_words))
                        named += [c for c in entry.codes if c not in named]
        return named, readings

    def _one_thing(self, groups) -> list[tuple[str, ...]]:
        """Group words read in one fragment, with no "and" or "or" between them, name what they have in common
        ("Philadelphia chromosome-positive acute lymphoblastic leukemia": the Ph-positive leukemias that are ALL,
        B-ALL), when they have something in common."""
        vocab = self.vocab
        if len(groups) < 2:
            return groups
        covers = [set().union(*(vocab.descendants(c) for c in g)) for g in groups]
        common = set.intersection(*covers)
        members = [c for g in groups for c in g if c in common]
        return [tuple(dict.fromkeys(members))] if members else groups

    def _title_refinement(self, members, wording, title_named, title_readings) -> list[str]:
        """What the titles name inside a group word the conditions left broad ("Leukemia"; title: "... in AML and
        MDS"): its codes inside the group and, once one is, its other codes of the same area; else the members it
        shares with a title fragment that speaks of the same thing (a word in common with the group's wording:
        "B cell leukemias"; title: "... acute lymphoblastic leukemia": B-ALL, but not "... and lymphoma"), both
        when the titles say both ("... chronic myelogenous or acute leukemia"). Empty if they say nothing
        narrower."""
        vocab = self.vocab
        cover = set().union(*(vocab.descendants(m) for m in members))
        area = {vocab.conditions[m].kind for m in members}
        found: list[str] = []
        if any(c in cover for c in title_named):
            found = [c for c in title_named if vocab.conditions[c].kind in area]
        said = self.lexicon.content(wording)
        for codes, fragment_words in title_readings:
            if not fragment_words & said:
                continue
            common = [m for m in members if any(vocab.is_a(m, t) for t in codes)]
            common += [t for t in codes if t in cover and t not in common]
            if not common and said <= fragment_words and len(codes) > 1 and all(
                    vocab.conditions[c].kind in area for c in codes):
                # the title's kind of it that our tree files elsewhere ("Lymphoma"; title: "... lymphoblastic
                # lymphoma", which is B- or T-lymphoblastic leukemia/lymphoma)
                common = list(codes)
            if common and set(common) != set(members):
                found += [c for c in common if c not in found]
        return found

    def _narrowest_groups(self, groups):
        """Of nested group words ("Leukemia", "Acute lymphoblastic leukemia") only the narrowest speaks."""
        covered = [(members, what, set().union(*(self.vocab.descendants(m) for m in members)))
                   for members, what in groups]
        return [(members, what) for members, what, cover in covered
                if not any(other < cover for _, _, other in covered)]


@cache
def default_mapper() -> ConditionMapper:
    return ConditionMapper()


def areas_of_codes(codes, vocab: Vocabulary | None = None) -> set[str]:
    vocab = vocab or load_vocabulary()
    return {vocab.conditions[c].kind for c in codes if c in vocab.conditions}


_AREA_WORDS = {
    "oncology": re.compile(r"cancer|carcinom|tumou?r|neoplas|malignan|leuka?e?mia|lymphoma|myeloma|sarcoma|melanoma|"
                           r"glioma|blastoma|mesothelioma|myelodysplas|oncolog", re.I),
    "mental_health": re.compile(r"depress|anxiety|panic|phobi|ptsd|post-?traumatic stress|schizo|psychos|psychotic|"
                                r"bipolar|obsessive|mental (disorder|illness|health)|psychiatr|suicid|substance use|"
                                r"opioid use|addict|insomnia|adhd|attention deficit|autis|eating disorder", re.I),
    "pain": re.compile(r"\bpain|neuralgi|fibromyalg|migraine|headache|sciatica|radiculopath|complex regional|"
                       r"\bcrps\b|cephal", re.I),
}
# Pain the product does not serve: short-lived, procedural or labour pain.
_NOT_CHRONIC_PAIN = re.compile(r"post-?\s?operative|postsurgical|acute pain|procedur|labou?r|injection|venipuncture|"
                               r"cesarean|caesarean|dental|propofol", re.I)


def areas_of_wording(texts) -> set[str]:
    """The areas a record's wording is about, read independently of any mapping (for coverage figures)."""
    found = set()
    for text in texts:
        for area, pattern in _AREA_WORDS.items():
            if pattern.search(text) and not (area == "pain" and _NOT_CHRONIC_PAIN.search(text)):
                found.add(area)
    return found
