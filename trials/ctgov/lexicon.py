"""Condition wordings → readings: our labels and synonyms, the MeSH table's terms, ICD-10-CM's and OncoTree's names,
looked up whole or by the largest sets of words a wording holds. Pure Python: no Django, no database.

The lexicon only reads words; what a record's conditions, titles and MeSH descriptors mean together is decided in
trials/ctgov/conditions.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trials.vocabulary import Vocabulary, fold

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
_PHILADELPHIA = re.compile(r"\b(ph|philadelphia(?:\s+chromosome)?|bcr[\s-]?abl1?)\s*-?\s*"
                           r"(positive|negative|\+|-(?!\w))", re.I)
# The word after "stage" or "grade" that goes with it: "stage iiia", "grade 2", "ajcc v8".
_STAGE_WORD = re.compile(r"^(stage|grade|v\d+|[0iv]+[abc]?\d?|[1-4][abc]?)$")
_MIN_SINGLE_WORD = 6  # shorter single words (and abbreviations) only count when they are the whole wording


def words(text: str) -> tuple[str, ...]:
    """Folded, canonical, singular words without stopwords; "non-small" and "non small" both become "nonsmall",
    "Philadelphia chromosome-positive" and "Ph+" both "ph+" ("negative" is a qualifier the reading drops: it must
    not leave "Philadelphia chromosome" behind)."""
    text = fold(text).replace("'s", "").replace("’s", "")
    text = _PHILADELPHIA.sub(lambda m: " phneg " if m.group(2).startswith(("neg", "-")) else " ph+ ", text)
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



class Lexicon:
    """Condition wordings → entries, looked up whole or by the largest sets of words a wording contains."""

    def __init__(self, vocab: Vocabulary, terms: dict, *, oncotree_names=(), icd_names=()):
        self.vocab = vocab
        self._exact: dict[tuple[str, ...], Entry] = {}
        self._by_word: dict[str, set[frozenset]] = {}
        self._by_bag: dict[frozenset, Entry] = {}
        self.qualifiers = sorted((words(q) for q in terms["qualifiers"]), key=len, reverse=True)
        self.evidence = [" ".join(words(e)) for e in terms["any_cancer_evidence"]]
        self.benign_sites = frozenset(w for site in terms["benign_tumour_sites"] for w in words(site))
        self.site_nouns = {words(adjective)[0]: words(noun)[0] for adjective, noun in terms["site_adjectives"].items()}
        solid = tuple(c.code for c in vocab.conditions.values()
                      if c.parent == "onc:TISSUE" and c.code not in ("onc:LYMPH", "onc:MYELOID"))
        self.solid = solid
        for text in terms["generic"]:
            self.add(text, Entry((), generic=True, source="generic word"))
        for text in terms["not_conditions"]:
            self.add(text, Entry((), source="not a condition"))
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
        self._spelling = _SpellingIndex({word for key in self._exact for word in key})

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
            known = self._by_bag.get(bag)
            # the same words in another order ("Carcinoma, Transitional Cell"): the narrower reading wins
            if known is None or (entry.codes and known.codes and all(
                    any(self.vocab.is_a(c, k) and c != k for k in known.codes) for c in entry.codes)):
                self._by_bag[bag] = entry
            for word in bag:
                self._by_word.setdefault(word, set()).add(bag)

    def correct(self, key: tuple[str, ...]) -> tuple[str, ...]:
        """The words with their typos mended (see _SpellingIndex)."""
        return self._spelling.correct(key)

    def stems(self, texts) -> set[str]:
        """The words of some wordings, spelling mended, a site's adjective made its noun ("anal": anus) and cut to
        their first seven letters ("depressive" and "depression" are one word here)."""
        return {self.site_nouns.get(w, w)[:7] for t in texts for w in self.strip_qualifiers(self.correct(words(t)))}

    def content(self, text) -> set[str]:
        """stems() of one wording without the words any condition may carry ("disorder", "cancer")."""
        return self.stems([text]) - {w[:7] for w in _WEAK_WORDS}

    def strip_qualifiers(self, key: tuple[str, ...]) -> tuple[str, ...]:
        """Drop words that qualify a condition (relapsed, adult, stage IV…): they are criteria, not conditions."""
        out = list(key)
        present = set(out)  # removing words never adds one, so a qualifier with a word not here cannot occur
        for qualifier in self.qualifiers:
            if not present.issuperset(qualifier):
                continue
            n = len(qualifier)
            i = 0
            while i + n <= len(out):
                if tuple(out[i:i + n]) == qualifier:
                    del out[i:i + n]
                else:
                    i += 1
        cleaned, skip = [], False
        for word in out:
            if skip:
                skip = False
                if _STAGE_WORD.match(word):
                    continue
            if word in ("stage", "grade"):
                skip = True
                continue
            if re.fullmatch(r"v\d+", word):
                continue
            cleaned.append(word)
        return tuple(cleaned)

    def lookup(self, text: str, *, window: int | None = None) -> list[Entry]:
        """The entries a wording means: its whole (qualifiers stripped), else the largest word sets inside it.

        window: how many other words may come between the words of one entry (a title's scattered words, "CAR T
        cells for B-cell leukemia", do not name a T-cell leukemia); None for a listed condition, read as a bag.
        A benign tumour is no cancer, nor is a tumour of a site whose tumours are nearly all benign (pituitary)
        unless the wording says it is malignant. A cancer the wording names by the lay word ("Synovial Cell
        Cancer") is the sarcoma of that name when nothing else reads it."""
        key = self._spelling.correct(words(text))
        entries = self._lookup(key, window)
        if not any(e.codes for e in entries) and "cancer" in key:
            sarcoma = tuple("sarcoma" if w == "cancer" else w for w in key)
            entries = [e for bag, e in self._matches(self.strip_qualifiers(sarcoma), window)
                       if "sarcoma" in bag and len(bag) > 1] or entries
        if "benign" in key or (self.benign_sites & set(key)
                               and not re.search(r"carcinoma|cancer|malignan|sarcoma", fold(text))):
            entries = [e for e in entries if not any(c.startswith("onc:") for c in e.codes)]
        return entries

    def _lookup(self, key: tuple[str, ...], window=None) -> list[Entry]:
        if key in self._exact:
            return [self._exact[key]]
        # qualifiers in front first: "Recurrent Adult T-cell Leukemia/Lymphoma" is the adult T-cell leukemia
        front = key
        while (qualifier := next((q for q in self.qualifiers if front[:len(q)] == q), None)) \
                and len(front) > len(qualifier):
            front = front[len(qualifier):]
            if front in self._exact:
                return [self._exact[front]]
        key = self.strip_qualifiers(key)
        if not key:
            return []
        if key in self._exact:
            return [self._exact[key]]
        found = dict(self._matches(key, window))
        largest = [found[w] for w in found if not any(w < other for other in found)]
        named = {c for e in largest if not e.refine for c in e.codes}
        # two readings of one wording ("Lung Non-Small Cell Squamous Carcinoma"): the narrower one
        return [e for e in largest
                if e.refine or not e.codes or not all(any(self.vocab.is_a(n, c) and n != c for n in named)
                                                      for c in e.codes)]

    def _matches(self, key: tuple[str, ...], window=None) -> list[tuple[frozenset, Entry]]:
        """(words, entry) of every entry whose words all occur in the wording (close together, given a window)."""
        bag = frozenset(key)
        found: dict[frozenset, Entry] = {}
        for word in bag:
            for words_of_entry in self._by_word.get(word, ()):
                if words_of_entry <= bag and (window is None or _span(key, words_of_entry) <= len(words_of_entry)
                                              + window):
                    found[words_of_entry] = self._by_bag[words_of_entry]
        return list(found.items())

    def ending(self, text: str) -> list[Entry]:
        """The entry the last words of a wording name exactly ("Cohesin-Mutated AML" → AML), or nothing."""
        key = self.strip_qualifiers(self._spelling.correct(words(text)))
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


# Titles are read in fragments: split at punctuation and at words that join a condition to the rest of a title.
_TITLE_SPLIT = re.compile(r"[,:;()\[\]/]|\s[-–]\s|\s(?:with|without|w/o|in|for|of|versus|vs\.?|after|plus|among|"
                          r"from|on|to|using|by|at)\s", re.I)
_COORDINATION = re.compile(r"\s(?:and|or)\s|\s?&\s?", re.I)
TITLE_WINDOW = 2  # other words allowed between the words of one name inside a title fragment
_WEAK_WORDS = frozenset({"disorder", "disease", "syndrome", "cancer", "condition"})


def title_fragments(title: str):
    """A title's fragments, each with the part that must name nothing alone for it to count (or None); "X and Y"
    gives both, and a bare head word shares the other side's words ("B-cell leukemia and lymphoma": B-cell
    lymphoma too; "breast and ovarian cancer": breast cancer too)."""
    for fragment in _TITLE_SPLIT.split(title.replace("and/or", "or")):
        parts = [p.strip() for p in _COORDINATION.split(fragment or "") if p and p.strip()]
        yield from ((p, None) for p in parts)
        for left, right in zip(parts, parts[1:], strict=False):
            left_words, right_words = left.split(), right.split()
            if len(right_words) == 1 and len(left_words) > 1:
                yield " ".join([*left_words[:-1], right]), None
            if len(left_words) <= 2:
                # "acute or chronic myelogenous leukemia": acute myelogenous leukemia, then acute leukemia
                for start in range(1, len(right_words)):
                    yield " ".join([left, *right_words[start:]]), left  # only if the left part names nothing


def _span(key: tuple[str, ...], wanted: frozenset) -> int:
    """Length of the shortest run of the wording holding every wanted word."""
    best = len(key)
    for start, word in enumerate(key):
        if word not in wanted:
            continue
        missing = set(wanted)
        for end in range(start, len(key)):
            missing.discard(key[end])
            if not missing:
                best = min(best, end - start + 1)
                break
    return best


class _SpellingIndex:
    """Registry wordings carry typos ("Pancretic Cancer", "Myelodisplastic"): a long word that is neither ours nor
    an English word (pyspellchecker's dictionary: "infection" is no typo of "injection") is read as the one word of
    ours a single letter away (left out, added, changed or two swapped, the first letter kept), if only one is."""

    MIN_LENGTH = 7

    def __init__(self, known: set[str]):
        from spellchecker import SpellChecker

        self.english = SpellChecker(distance=1)
        self.known = known
        self._by_deletion: dict[str, set[str]] = {}
        for word in known:
            if len(word) >= self.MIN_LENGTH - 1:
                for variant in (word, *_deletions(word)):
                    self._by_deletion.setdefault(variant, set()).add(word)

    def correct(self, key: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self._word(w) for w in key)

    def _word(self, word: str) -> str:
        if word in self.known or len(word) < self.MIN_LENGTH or not word.isalpha() or word in self.english:
            return word
        candidates = {w for variant in (word, *_deletions(word)) for w in self._by_deletion.get(variant, ())
                      if w[0] == word[0] and _one_edit(word, w)}
        return candidates.pop() if len(candidates) == 1 else word


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """True when a and b differ by one letter left out, added or changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) != len(b):
        short, long_ = sorted((a, b), key=len)
        return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                              and a[diff[1]] == b[diff[0]])
