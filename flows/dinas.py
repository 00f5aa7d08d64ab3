"""Which dinas a petugas means when they name one: "dinsos", "Dinas Sosial", "capil", "kesehatan".

Pure: the caller gives the dinas of the reference data (storage/reference/opd.csv, as loaded into
the database) and what the recogniser read in the same words (its `opd` entity, or the dinas of
its `layanan` entity), so the phrases of flows/nlu/data/entitas.tsv ("dispenduk", "rsud", "bansos")
are the one list of common names; only the official names are matched loosely here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from flows.facts import OpdRef

# Words every official name shares or that only address the agency: naming none of them helps.
GENERIC_WORDS = frozenset({"dinas", "badan", "kantor", "bagian", "dan", "kabupaten", "kab", "pasuruan", "ke", "di",
                           "petugas", "pak", "bu", "opd"})
# How close each typed word must be to one of an official name's words ("kesehatan" in "Dinas
# Kesehatan dan RSUD Bangil" is 100, "dinsoss" against the key "dinsos" 92); below, not that dinas.
LOOSE_MIN = 85
_NON_WORD = re.compile(r"[^\w]+")




def _norm(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def _meaningful(text: str) -> str:
    return " ".join(w for w in _norm(text).split() if w not in GENERIC_WORDS)


def candidates(text: str, dinas: Sequence[OpdRef], recognised: str | None = None) -> list[str]:
    """The keys the words may mean, best first: one is an answer, several are a question back,
    none is unknown. The exact key, abbreviation or name wins; then the recogniser's reading; then
    the official names loosely (every dinas scoring within a point of the best, so a word two
    names share is a question, not a guess)."""
    typed = _norm(text)
    if not typed:
        return []
    known = {d.key for d in dinas}
    by_key = {d.key: d for d in dinas}
    for d in dinas:
        if typed in (_norm(d.key), _norm(d.singkatan), _norm(d.nama)):
            return [d.key]
    if recognised in known:
        return [recognised]
    words = _meaningful(text).split()
    if not words:
        return []
    scored = []
    for d in dinas:
        vocabulary = {w for n in (d.key, d.singkatan, d.nama) for w in _meaningful(n).split()}
        # Every word typed must be one of the name's ("kesehatan hewan" is not Dinas Kesehatan).
        score = min(max((fuzz.ratio(w, v) for v in vocabulary), default=0) for w in words)
        if score >= LOOSE_MIN:
            scored.append((score, d.key))
    if not scored:
        return []
    best = max(s for s, _ in scored)
    top = [key for s, key in sorted(scored, key=lambda sk: -sk[0]) if s >= best - 1]
    # A word several names share names the one it heads: "kesehatan" is Dinas Kesehatan, not Dinas
    # Peternakan dan Kesehatan Hewan.
    heads = [key for key in top if _heads(words, by_key[key])]
    return heads if len(heads) == 1 else top


def _heads(words: list[str], opd: OpdRef) -> bool:
    name = _meaningful(opd.nama).split()
    return [w for w in name[:len(words)]] == words
