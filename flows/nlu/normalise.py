"""Text normalisation: informal Indonesian, Javanese and Madurese to plain Indonesian words.

Two passes, kept apart so each can be checked against its source:
1. `formal()` maps each word the way a reader of WhatsApp Indonesian would: the project's own
   list (data/normalisasi.tsv: domain abbreviations, Javanese, Madurese) first, then the IndoCollex
   informal->formal dictionary. Javanese suffixes (-e, -ne, -ku, -mu) are peeled off when the
   bare word is known, and stretched letters are squeezed ("halooo", "stopp").
2. `canonical()` folds synonyms (data/sinonim.tsv) and stems with Sastrawi, so "aku"/"kulo"/
   "saya" or "pengingat"/"ingatkan" each give the classifier one feature.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from rapidfuzz import fuzz, process

from flows.nlu.resources import read_indocollex, read_mapping, read_nusax_words
from flows.nlu.stems import Stemmer

# Words kept as written; "_" in a lexicon means "drop this word".
DROP = "_"
KODE_TOKEN = "__kode__"
TYPO_CUTOFF = 85  # "rsak" -> "rusak" (88.9), "jembtan" -> "jembatan" (93.3)

_TOKEN = re.compile(r"[a-z0-9_]+(?:'[a-z]*)?")
_STRETCH = re.compile(r"([a-z])\1{2,}")
_DOUBLE = re.compile(r"([a-z])\1")
_REDUPLICATED = re.compile(r"^([a-z]{3,})2$")
_JAVANESE_SUFFIXES = ("nipun", "ipun", "ne", "e", "ku", "mu", "nya")


def tokenise(text: str) -> list[str]:
    """Lower-case word tokens; punctuation and emoji are dropped, apostrophes kept (Madurese). A final
    apostrophe stays only on the Madurese words the lexicon spells with one ("ta'" is "no", "ta" the
    Javanese question particle; "ja'" is "don't"); elsewhere it is a closing quote."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("`", "'")
    return [t if not t.endswith("'") or t in _glottal_words() else t.rstrip("'") for t in _TOKEN.findall(text)]


@functools.cache
def _glottal_words() -> frozenset[str]:
    return frozenset(k for k in read_mapping("normalisasi.tsv") if k.endswith("'"))


def _sastrawi_roots() -> set[str]:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return {w.strip() for w in StemmerFactory().get_words() if w.strip()}


class Normaliser:
    def __init__(self, extra_known: set[str] = frozenset(), protected: set[str] = frozenset()) -> None:
        self.own = read_mapping("normalisasi.tsv")
        self.indocollex = read_indocollex()
        self.synonyms = read_mapping("sinonim.tsv")
        self.roots = _sastrawi_roots()
        own_values = {w for v in self.own.values() for w in v.split()}
        self.known = (
            self.roots | set(self.own) | own_values | set(self.indocollex) | read_nusax_words() | set(extra_known)
        )
        self.stemmer = Stemmer(protected=set(protected) | set(self.own) | own_values)
        # Words worth correcting a typo towards: the domain's own vocabulary, not all of Indonesian.
        self.typo_targets = sorted(w for w in set(extra_known) | set(protected) if len(w) >= 4 and w.isalpha())

    # --- pass 1
    def formal(self, tokens: list[str]) -> list[str]:
        """Pass 1 over tokens (see module doc). Tokens starting with '__' pass through."""
        out: list[str] = []
        i = 0
        while i < len(tokens):
            if i + 1 < len(tokens):
                pair = f"{tokens[i]} {tokens[i + 1]}"
                mapped = self.own.get(pair) or self.indocollex.get(pair)
                if mapped:
                    out.extend(w for w in mapped.split() if w != DROP)
                    i += 2
                    continue
            out.extend(w for w in self.formal_word(tokens[i]).split() if w != DROP)
            i += 1
        return out

    def formal_word(self, token: str) -> str:
        if token.startswith("__"):
            return token
        mapped = self._lookup(token)
        if mapped is not None:
            return mapped
        if token in self.known:
            return token
        for repaired in self._repairs(token):
            mapped = self._lookup(repaired)
            if mapped is not None:
                return mapped
            if repaired in self.known:
                return repaired
        fixed = self.repair_typo(token, self.typo_targets)
        if fixed:
            return self._lookup(fixed) or fixed
        return token

    def _lookup(self, token: str) -> str | None:
        return self.own.get(token) or self.indocollex.get(token)

    def _repairs(self, token: str):
        """Candidate spellings of an unknown token, most likely first."""
        m = _REDUPLICATED.match(token)
        if m:
            yield m.group(1)
        squeezed = _STRETCH.sub(r"\1", token)
        if squeezed != token:
            yield squeezed
        if _DOUBLE.search(squeezed):
            yield _DOUBLE.sub(r"\1", squeezed)
        for suffix in _JAVANESE_SUFFIXES:
            base = token[: -len(suffix)]
            if token.endswith(suffix) and len(base) >= 3 and (base in self.known):
                yield base
        # Javanese passive di- and causative -no/-ke ("dielingno" ~ "elingno", "benakke" ~ "benakno")
        if token.startswith("di") and len(token) > 5:
            yield token[2:]
        if token.endswith(("ke", "ne")) and len(token) > 5:
            yield token[:-2] + "no"
        if token.startswith("di") and token.endswith(("no", "ke", "ne")) and len(token) > 6:
            yield token[2:-2] + "no"

    def repair_typo(self, token: str, vocabulary: list[str]) -> str | None:
        """A domain word one typo away ("jembtan" -> "jembatan"), for tokens nobody knows."""
        if len(token) < 4 or not token.isalpha() or token in self.known:
            return None
        best = process.extractOne(token, vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        return best[0] if best else None

    # --- pass 2
    def canonical(self, words: list[str]) -> list[str]:
        out = []
        for word in words:
            if word.startswith("__"):
                out.append(word)
                continue
            word = self.synonyms.get(word, word)
            out.append(self.synonyms.get(self.stemmer.stem(word), self.stemmer.stem(word)))
        return out

    def normalise(self, text: str) -> list[str]:
        """Both passes on a raw message (for inspection and tests)."""
        return self.canonical(self.formal(tokenise(text)))
