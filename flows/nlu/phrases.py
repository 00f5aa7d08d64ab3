"""Keyword entities (layanan, opd, kategori, waktu) and ticket codes.

Phrases come from data/entitas.tsv and are normalised with the same pass as the message, so
"kreteg", "jembatane" and "jembatan" all hit the `jembatan` category.
"""

from __future__ import annotations

from collections.abc import Callable

from flows import codes
from flows.nlu.resources import read_tsv

ENTITY_TYPES = ("layanan", "opd", "kategori", "waktu")
# Phrases that name a category only loosely ("air" in "air mati" vs "banjir air"): a more specific
# phrase anywhere in the message wins over them.
_WEAK = frozenset({"jalan", "air", "lampu", "gelap", "saluran", "kering", "gedung", "lubang", "sungai", "donor", "perekaman"})



def find_kode(text: str) -> tuple[str | None, str]:
    """First ticket code as typed, normalised ("km 4821" -> "KM-4821"), and the text without it."""
    match = codes.find(text)
    if not match:
        return None, text
    kode = codes.code(match.group("prefix"), match.group("digits"))
    return kode, text[: match.start()] + " __kode__ " + text[match.end() :]


class PhraseMatcher:
    def __init__(self, to_words: Callable[[str], list[str]], allowed: dict[str, set[str]] | None = None) -> None:
        self._index: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        for etype, key, phrase in read_tsv("entitas.tsv", 3):
            if allowed and etype in allowed and key not in allowed[etype]:
                continue
            words = tuple(to_words(phrase))
            if words:
                self._index.setdefault(words, []).append((etype, key))
        self._longest = max(len(p) for p in self._index)

    def find(self, words: list[str]) -> dict[str, str]:
        """Best key per entity type: longest phrase, then the earliest."""
        best: dict[str, tuple[float, int, str]] = {}
        for i in range(len(words)):
            for n in range(min(self._longest, len(words) - i), 0, -1):
                phrase = tuple(words[i : i + n])
                for etype, key in self._index.get(phrase, ()):
                    weight = 0.5 if n == 1 and phrase[0] in _WEAK else float(n)
                    current = best.get(etype)
                    if current is None or weight > current[0]:
                        best[etype] = (weight, i, key)
        return {etype: key for etype, (_, _, key) in best.items()}
