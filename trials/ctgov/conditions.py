"""A registry record's conditions → our vocabulary's codes. Pure Python: no Django, no database.

Where a code can come from, strongest first:
1. the registry's own MeSH descriptors (API v2 `conditionBrowseModule.meshes`, by descriptor id; legacy XML
   `condition_browse/mesh_term`, by term), through our table `trials/vocab/mesh.json`;
2. the listed condition strings, split on ";" and read against a lexicon of our labels and synonyms (English and
   Spanish), the MeSH table's terms, the ICD-10-CM names of our mental-health and pain codes (package
   simple-icd-10-cm) and, when the operator gives the file, the OncoTree release's names;
3. the record's MeSH ancestors (API v2 only), which can only name a family (a myeloid leukemia) never a root.

Keywords are never read. A generic word ("Tumor", "Neoplasms", "Cancer") names no condition: alone, it maps to any
cancer (or any solid tumour) only when the record says it enrols any cancer (a phase 1 "advanced solid tumors"
study, a basket study); otherwise the record is left unmapped and its wording listed for review. The most specific
codes win: a group word ("Leukemia") gives way to the kind of leukemia the record names elsewhere.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from trials.vocabulary import VOCAB_DIR, Vocabulary, fold, load_vocabulary

ROOTS = ("onc:TISSUE", "psy:MH", "pain:CHRONIC")
AREAS = ("oncology", "mental_health", "pain", "other")
_STOPWORDS = frozenset("and or of the in with for to a an on by & at as from due".split())
# One spelling per word, so "Leukaemia, Myeloid, Acute" and "acute myeloid leukemia" are the same words.
_CANONICAL = {
    "leukaemia": "leukemia", "leukemias": "leukemia", "leucemia": "leukemia", "tumour": "cancer", "tumor": "cancer",
    "carcinoma": "cancer", "neoplasm": "cancer", "neoplasia": "cancer", "malignancy": "cancer",
    "malignancie": "cancer", "cancer": "cancer", "cáncer": "cancer", "myelogenous": "myeloid", "myelocytic": "myeloid",
    "haematologic": "hematologic", "hematological": "hematologic", "haematological": "hematologic",
    "oesophageal": "esophageal", "paediatric": "pediatric", "anaemia": "anemia", "malignant": "",
    "disorder": "disorder", "diseases": "disease", "lymphomas": "lymphoma",
}
_MIN_SINGLE_WORD = 6  # shorter single words (and abbreviations) only count when they are the whole wording


def words(text: str) -> tuple[str, ...]:
    """Folded, canonical, singular words without stopwords; "non-small" and "non small" both become "nonsmall"."""
    text = fold(text).replace("'s", "").replace("’s", "")
    tokens = re.findall(r"[a-z0-9+]+", text)
    out: list[str] = []
    joined_non = False
    for token in tokens:
        if token in ("non", "no") and not joined_non:
            joined_non = True
            continue
        if len(token) > 4 and token.endswith("s") and not token.endswith(("ss", "us", "is", "ous")):
            token = token[:-1]
        token = _CANONICAL.get(token, token)
        if joined_non:
            token, joined_non = "non" + token, False
        if token and token not in _STOPWORDS:
            out.append(token)
    return tuple(out)


@dataclass(frozen=True)
class Entry:
    codes: tuple[str, ...]
    generic: bool = False
    refine: bool = False  # a group word: a more specific code of the record inside the group replaces it
    source: str = ""


@dataclass
class MappedConditions:
    codes: list[str]
    unmapped: list[str]  # listed conditions that gave no code, for an admin to review
    via: dict[str, str] = field(default_factory=dict)  # code -> what gave it (for the admin and the summary)


class Lexicon:
    """Condition wordings → entries, looked up whole or by the largest sets of words a wording contains."""

    def __init__(self, vocab: Vocabulary, terms: dict, *, oncotree_names=(), icd_names=()):
        self.vocab = vocab
        self._exact: dict[tuple[str, ...], Entry] = {}
        self._by_word: dict[str, list[tuple[frozenset, Entry]]] = {}
        self.qualifiers = sorted((words(q) for q in terms["qualifiers"]), key=len, reverse=True)
        self.evidence = [" ".join(words(e)) for e in terms["any_cancer_evidence"]]
        solid = tuple(c.code for c in vocab.conditions.values()
                      if c.parent == "onc:TISSUE" and c.code not in ("onc:LYMPH", "onc:MYELOID"))
        self.solid = solid
        for text in terms["generic"]:
            self.add(text, Entry((), generic=True, source="generic word"))
        for group in terms["groups"]:
            codes = solid if group["codes"] == "solid tissues" else tuple(group["codes"])
            unknown = [c for c in codes if c not in vocab.conditions]
            if unknown:
                raise ValueError(f"registry_terms.json group {group['terms'][0]!r}: unknown codes {unknown}")
            for text in group["terms"]:
                self.add(text, Entry(codes, refine=group["refine"], source=f"group {group['terms'][0]}"))
        for entry in vocab.mesh.values():
            self.add(entry.term, Entry(entry.codes, generic=entry.generic, refine=len(entry.codes) > 1,
                                       source=f"MeSH {entry.term}"))
        for c in vocab.conditions.values():
            if c.kind == "other":
                continue  # comorbidities a trial may exclude (HIV, diabetes…), never what a trial is about
            for lang in ("en", "es"):
                for text in (c.labels[lang], *c.synonyms[lang]):
                    self.add(text, Entry((c.code,), source=f"vocabulary {c.code}"))
        for text, code, source in (*icd_names, *oncotree_names):
            self.add(text, Entry((code,), source=source))

    def mesh(self, descriptor_id, term) -> Entry | None:
        """Our table's reading of a MeSH descriptor (by id, or by term for legacy records), or None."""
        found = self.vocab.mesh_entry(descriptor_id, term)
        if found is None:
            return None
        return Entry(found.codes, generic=found.generic, refine=len(found.codes) > 1, source=f"MeSH {found.term}")

    def add(self, text: str, entry: Entry) -> None:
        key = words(text)
        if not key or key in self._exact:
            return  # the first reading of a wording wins: the table's, then our labels, then the official names
        self._exact[key] = entry
        short = len(key) == 1 and (len(key[0]) < _MIN_SINGLE_WORD or text.strip().isupper())
        if not short:
            bag = frozenset(key)
            for word in bag:
                self._by_word.setdefault(word, []).append((bag, entry))

    def strip_qualifiers(self, key: tuple[str, ...]) -> tuple[str, ...]:
        """Drop words that qualify a condition (relapsed, adult, stage IV…): they are criteria, not conditions."""
        out = list(key)
        for qualifier in self.qualifiers:
            n = len(qualifier)
            i = 0
            while i + n <= len(out):
                if tuple(out[i:i + n]) == qualifier:
                    del out[i:i + n]
                else:
                    i += 1
        stages = re.compile(r"^(stage|grade|v\d+|[0iv]+[abc]?\d?|[1-4][abc]?)$")
        # "stage iiia", "grade 2", "ajcc v8": the word after stage/grade goes with it
        cleaned, skip = [], False
        for word in out:
            if skip:
                skip = False
                if stages.match(word):
                    continue
            if word in ("stage", "grade"):
                skip = True
                continue
            if re.fullmatch(r"v\d+", word):
                continue
            cleaned.append(word)
        return tuple(cleaned)

    def lookup(self, text: str) -> list[Entry]:
        """The entries a wording means: its whole (qualifiers stripped), else the largest word sets inside it.
        A benign tumour is no cancer."""
        entries = self._lookup(words(text))
        if "benign" in words(text):
            entries = [e for e in entries if not any(c.startswith("onc:") for c in e.codes)]
        return entries

    def _lookup(self, key: tuple[str, ...]) -> list[Entry]:
        if key in self._exact:
            return [self._exact[key]]
        key = self.strip_qualifiers(key)
        if not key:
            return []
        if key in self._exact:
            return [self._exact[key]]
        bag = frozenset(key)
        found: dict[frozenset, Entry] = {}
        for word in bag:
            for words_of_entry, entry in self._by_word.get(word, ()):
                if words_of_entry <= bag:
                    found[words_of_entry] = entry
        largest = [found[w] for w in found if not any(w < other for other in found)]
        named = {c for e in largest if not e.refine for c in e.codes}
        # two readings of one wording ("Lung Non-Small Cell Squamous Carcinoma"): the narrower one
        return [e for e in largest
                if e.refine or not all(any(self.vocab.is_a(n, c) and n != c for n in named) for c in e.codes)]

    def ending(self, text: str) -> list[Entry]:
        """The entry the last words of a wording name exactly ("Cohesin-Mutated AML" → AML), or nothing."""
        key = self.strip_qualifiers(words(text))
        if key in self._exact:
            return []  # the whole wording is known: lookup() has it
        for start in range(1, len(key)):
            if key[start:] in self._exact:
                return [self._exact[key[start:]]]
        return []

    def enrols_any_cancer(self, texts) -> str | None:
        """"solid" or "any" when the record's wording says it takes any (solid) cancer; None otherwise."""
        said = " " + " ".join(" ".join(words(t)) for t in texts) + " "
        hits = [e for e in self.evidence if f" {e} " in said]
        if not hits:
            return None
        return "solid" if any("solid" in e for e in hits) else "any"


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
        if c.kind == "other":
            continue
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

    def map(self, conditions, meshes=(), ancestors=(), *, titles=()) -> MappedConditions:
        """conditions: listed strings; meshes / ancestors: (descriptor id or None, term); titles: the record's
        brief and official titles, read only to tell whether a generic word means any cancer."""
        vocab = self.vocab
        specific: dict[str, str] = {}  # code -> what gave it
        listed: set[str] = set()  # codes a listed condition gave (MeSH adds broader ones a listing would not)
        groups: list[tuple[tuple[str, ...], str]] = []
        generic_seen = []
        unmapped = []

        def take(entries, what, from_listing=False) -> bool:
            named = False
            for entry in entries:
                if entry.generic:
                    generic_seen.append(what)
                    continue
                named = True
                if entry.refine:
                    groups.append((entry.codes, what))
                    continue
                for code in entry.codes:
                    specific.setdefault(code, what)
                    if from_listing:
                        listed.add(code)
            return named

        for text in conditions:
            pieces = [p for p in re.split(r"\s*;\s*", text) if p.strip()]
            named = [take(self.lexicon.lookup(piece), f"condition: {text}", True) for piece in pieces]
            if not any(named):
                unmapped.append(text)
        for descriptor_id, term in meshes:
            entry = self.lexicon.mesh(descriptor_id, term)
            take([entry] if entry else self.lexicon.lookup(term), f"MeSH: {term}")
        if not specific and not groups:
            # Ancestors are the weakest evidence: a family, when nothing else names the condition.
            for descriptor_id, term in ancestors:
                entry = self.lexicon.mesh(descriptor_id, term)
                if entry and not entry.generic and not set(entry.codes) & set(ROOTS):
                    take([entry], f"MeSH ancestor: {term}")
        codes = dict(specific)
        for members, what in self._narrowest_groups(groups):
            # "Leukemia" beside "acute myeloid leukemia": the record says which; else its title may
            if any(vocab.is_a(c, m) for c in specific for m in members):
                continue
            narrower = self._title_refinement(members, titles)
            for code in narrower or members:
                codes.setdefault(code, f"{what} (title: {titles[0]})" if narrower else what)
        if not codes and generic_seen:
            scope = self.lexicon.enrols_any_cancer([*conditions, *titles])
            for code in {"solid": self.lexicon.solid, "any": ("onc:TISSUE",)}.get(scope, ()):
                codes[code] = f"generic word, enrols any {'solid tumour' if scope == 'solid' else 'cancer'}"
        if codes:
            # A generic word beside a named condition says nothing more: nothing to review.
            unmapped = [t for t in unmapped if f"condition: {t}" not in generic_seen]

        def hidden(code):
            """A broader code gives way to a named narrower one when MeSH alone added it (MeSH lists "Lung
            Neoplasms" beside every NSCLC) or it is only an organ ("Stage II Lung Cancer" beside NSCLC). Two
            listed conditions both stay ("B-cell lymphomas" and "CLL"); a group's members hide nothing."""
            if code in listed and vocab.depth(code) > 1:
                return False
            return any(other != code and vocab.is_a(other, code) for other in specific)

        kept = [c for c in codes if not hidden(c)]
        return MappedConditions(codes=kept, unmapped=unmapped, via={c: codes[c] for c in kept})

    def _title_refinement(self, members, titles) -> list[str]:
        """What the title names inside a group word the conditions left broad ("Leukemia"; title: "... in AML and
        MDS"): its codes inside the group and, once one is, its other codes of the same area. Empty if none."""
        vocab = self.vocab
        cover = set().union(*(vocab.descendants(m) for m in members))
        area = {vocab.conditions[m].kind for m in members}
        named: list[str] = []  # named conditions
        grouped: list[str] = []  # members of narrower group words, used when no named condition falls inside
        for title in titles:
            # fragments, not the whole title: its words scattered far apart ("CAR-T cells ... lymphoblastic
            # leukemia") would read as conditions it does not name
            fragments = [*re.split(r"[,:;()/]|\s(?:with|in|for|of|and|or|versus|vs\.?|after|plus)\s", title,
                                          flags=re.I)]
            for fragment in fragments:
                for entry in self.lexicon.lookup(fragment or "") + self.lexicon.ending(fragment or ""):
                    if entry.generic:
                        continue
                    if entry.refine and not set().union(*(vocab.descendants(c) for c in entry.codes)) < cover:
                        continue
                    found = grouped if entry.refine else named
                    found += [c for c in entry.codes if c not in found and vocab.conditions[c].kind in area]
        for candidates in (named, grouped):
            if any(c in cover for c in candidates):
                return [c for c in candidates if not any(o != c and vocab.is_a(o, c) for o in candidates)]
        return []

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
