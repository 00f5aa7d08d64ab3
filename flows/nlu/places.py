"""Kecamatan and desa names: exact, alias and typo-tolerant matching (rapidfuzz).

Names are compared after lower-casing and removing spaces and hyphens, as the wilayah README
advises ("Gondang Wetan" = "Gondangwetan", "Oro Oro Pule" = "Oro-Oro Pule").
A kecamatan is never inferred from a desa: desa Wonorejo (in Lumbang) is not Kecamatan Wonorejo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from flows.nlu.resources import read_tsv
from flows.nlu.results import DesaMatch, KecamatanMatch

KECAMATAN_MARKERS = frozenset({"kec", "kecamatan", "kcmtn", "kecamtan", "kecmatan", "kc", "kcm", "kecamatane"})
DESA_MARKERS = frozenset({"desa", "ds", "dsa", "deso", "desane", "desone", "kel", "kelurahan", "kelurahane", "kelurahn"})
# Words around a place name in a short answer ("di desa martopuro pak").
_FILLERS = frozenset(
    {"di", "nang", "neng", "ning", "ndek", "dek", "ke", "k", "teng", "ka", "e", "dari", "saking", "teko",
     "pak", "bu", "mas", "mbak", "min", "kak", "saya", "aku", "kulo", "sy", "warga", "wrg", "tinggal",
     "rumah", "omah", "omahku", "domisili", "alamat", "yang", "yg", "sing", "ya", "yo", "nggih", "kab",
     "kabupaten", "pasuruan", "dusun", "dsn", "rt", "rw", "daerah", "wilayah", "niku", "iku", "itu", "ini"}
)

FUZZY_CUTOFF = 85  # free text: one typo in a 5-8 letter name
ANSWER_CUTOFF = 70  # a short answer to "kecamatan mana?" may be further off; flows confirm it
COMMON_WORD_SCORE = 90  # a known word counts as a kecamatan's typo only this close ("gratis" ~ Grati)
CERTAIN_SCORE = 88
CERTAIN_MARGIN = 8
SHORT_WORD = 4  # common words this short are never read as a misspelt name


def name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass
class PlaceFinding:
    kecamatan: KecamatanMatch | None = None
    desa: str | None = None
    desa_kecamatan: list[str] = field(default_factory=list)
    kecamatan_span: tuple[int, int] | None = None  # token range of the name
    desa_span: tuple[int, int] | None = None


class PlaceIndex:
    def __init__(self, kecamatan: list[str], desa: list[tuple[str, str]], common_words: set[str]) -> None:
        self.kecamatan_names = list(kecamatan)
        self._kec_by_key: dict[str, str] = {name_key(k): k for k in kecamatan}
        self._kec_alias: dict[str, str] = {}
        for alias, target in read_tsv("alias_kecamatan.tsv", 2):
            if target in kecamatan:
                self._kec_alias[name_key(alias)] = target
        self._desa_by_key: dict[str, list[tuple[str, str]]] = {}
        self._desa_of: dict[str, list[str]] = {}
        for name, kec in desa:
            self._desa_of.setdefault(kec, []).append(name)
            self._desa_by_key.setdefault(name_key(name), []).append((name, kec))
        known = {(n, k) for n, k in desa}
        for alias, name, kec in read_tsv("alias_desa.tsv", 3):
            if (name, kec) in known:
                self._desa_by_key.setdefault(name_key(alias), []).append((name, kec))
        self._kec_keys = list(self._kec_by_key) + list(self._kec_alias)
        self._desa_keys = list(self._desa_by_key)
        self._common = {w for w in common_words if w not in self._kec_by_key}

    # --- lookups
    def desa_in(self, kecamatan: str) -> list[str]:
        """The desa/kelurahan of a kecamatan, alphabetically (what to offer a resident who cannot name theirs)."""
        return sorted(self._desa_of.get(kecamatan, []))

    def kecamatan_of_key(self, key: str) -> str | None:
        return self._kec_by_key.get(key) or self._kec_alias.get(key)

    def canonical_kecamatan(self, text: str | None) -> str | None:
        if not text:
            return None
        exact = self.kecamatan_of_key(name_key(text))
        if exact:
            return exact
        match = self.match_kecamatan(re.findall(r"[a-z0-9]+", text.lower()))
        return match.name if match else None

    # --- free text
    def find(self, tokens: list[str]) -> PlaceFinding:
        """Kecamatan and desa named in a message (first of each wins)."""
        found = PlaceFinding()
        desa_records: list[tuple[str, str]] = []
        i = 0
        while i < len(tokens):
            mode = _marker_mode(tokens[i - 1]) if i else None
            hit = self._exact_at(tokens, i, mode) or self._fuzzy_at(tokens, i, mode)
            if hit is None:
                i += 1
                continue
            kind, n, value, score = hit
            if kind == "kecamatan" and not desa_records:
                # "pasar sukorejo pohjentrek": a kecamatan's name right before the kecamatan it is a desa
                # of names that desa (desa Sukorejo is in Pohjentrek, desa Wonorejo in Lumbang).
                following = self._exact_at(tokens, i + n, None)
                if following and following[0] == "kecamatan":
                    as_desa = [d for d in self._desa_by_key.get(name_key(value), []) if d[1] == following[2]]
                    if as_desa:
                        kind, value = "desa", as_desa
            if kind == "kecamatan" and found.kecamatan is None:
                found.kecamatan = KecamatanMatch(value, score, certain=score == 100)
                found.kecamatan_span = (i, i + n)
            elif kind == "desa" and not desa_records:
                desa_records = value
                found.desa_span = (i, i + n)
            i += n
        if desa_records:
            found.desa = desa_records[0][0]
            kecs = sorted({k for _, k in desa_records})
            if found.kecamatan and found.kecamatan.name in kecs:
                kecs = [found.kecamatan.name]
            found.desa_kecamatan = kecs
        return found

    def _exact_at(self, tokens: list[str], i: int, mode: str | None):
        for n in (3, 2, 1):
            span = tokens[i : i + n]
            if len(span) < n or any(_is_marker(t) or t.startswith("__") for t in span):
                continue
            key = "".join(span)
            if mode != "desa":
                kec = self.kecamatan_of_key(key)
                if kec:
                    return "kecamatan", n, kec, 100.0
            if mode != "kecamatan" and key in self._desa_by_key:
                if mode == "desa" or (n > 1 or key not in self._common) and len(key) >= 4:
                    return "desa", n, self._desa_by_key[key], 100.0
        return None

    def _fuzzy_at(self, tokens: list[str], i: int, mode: str | None):
        for n in (2, 1):
            span = tokens[i : i + n]
            # After "kec." an ordinary word may be the name misspelt ("kec pandan" is Pandaan, not pandan leaves).
            common = self._common if mode != "kecamatan" else frozenset()
            if len(span) < n or any(not t.isalpha() or t in common or _is_marker(t) for t in span):
                continue
            key = "".join(span)
            if len(key) < 4:
                continue
            if mode != "desa":
                cutoff = ANSWER_CUTOFF + 10 if mode == "kecamatan" else FUZZY_CUTOFF
                best = process.extractOne(key, self._kec_keys, scorer=fuzz.ratio, score_cutoff=cutoff)
                if best:
                    return "kecamatan", n, self.kecamatan_of_key(best[0]), round(best[1], 1)
            if mode == "desa":  # without "desa ..." a near-miss is more often an ordinary word
                cutoff = 80
                best = process.extractOne(key, self._desa_keys, scorer=fuzz.ratio, score_cutoff=cutoff)
                if best:
                    return "desa", n, self._desa_by_key[best[0]], round(best[1], 1)
        return None

    # --- short answers
    def match_kecamatan(self, tokens: list[str]) -> KecamatanMatch | None:
        found = self.find(tokens)
        if found.kecamatan and found.kecamatan.score == 100:
            return found.kecamatan
        # Short everyday words ("lek" = if, "onok", "bang") are never a name's typo: "lek" is not Lekok.
        words = [t for t in tokens if t not in _FILLERS and not _is_marker(t)
                 and not (len(t) <= SHORT_WORD and t in self._common)]
        if not words:
            return None
        key = "".join(words)
        if key in self._desa_by_key and not self.kecamatan_of_key(key):
            return None  # a desa name: the flow asks for the kecamatan instead of guessing
        candidates = {key} | set(words)
        scored: dict[str, float] = {}
        for cand in candidates:
            if len(cand) < 3:
                continue
            for choice, score, _ in process.extract(cand, self._kec_keys, scorer=fuzz.ratio, limit=3):
                if cand in self._common and score < COMMON_WORD_SCORE:
                    continue  # a known word a few letters from a name: Madurese "engkok" (I) is not Lekok
                name = self.kecamatan_of_key(choice)
                scored[name] = max(scored.get(name, 0.0), score)
        ranked = sorted(scored.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < ANSWER_CUTOFF:
            return found.kecamatan
        name, score = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        certain = score >= 100 or (score >= CERTAIN_SCORE and score - runner_up >= CERTAIN_MARGIN)
        # An ordinary word close to a name ("gratis" ~ Grati) may be either: confirm it.
        certain = certain and not any(w in self._common for w in words)
        return KecamatanMatch(name, round(score, 1), certain)

    def match_desa(self, tokens: list[str], kecamatan: str | None = None) -> list[DesaMatch]:
        words = [t for t in tokens if t not in _FILLERS and not _is_marker(t)]
        if not words:
            return []
        variants = [words]
        if kecamatan:
            # "desa kalirejo kec bangil": the kecamatan's own name is not part of the desa's, except when
            # it is ("Winongan Kidul", "Tambak Lekok"), so both readings are tried.
            kec_key = name_key(kecamatan)
            variants.append([w for w in words if name_key(w) != kec_key])
        spans = set()
        for variant in variants:
            spans.add("".join(variant))
            for n in (1, 2, 3):
                spans.update("".join(variant[i : i + n]) for i in range(len(variant) - n + 1))
        scores: dict[str, float] = {}
        for span in spans:
            if len(span) < 3:
                continue
            for choice, score, _ in process.extract(span, self._desa_keys, scorer=fuzz.ratio, limit=5, score_cutoff=ANSWER_CUTOFF):
                scores[choice] = max(scores.get(choice, 0.0), score)
        matches = []
        for key, score in scores.items():
            for name, kec in self._desa_by_key[key]:
                if kecamatan is None or kec == kecamatan:
                    matches.append(DesaMatch(name, kec, round(score, 1)))
        if not matches:
            return []
        best = max(m.score for m in matches)
        floor = 100.0 if best == 100 else best - 10
        matches = {m for m in matches if m.score >= floor}
        return sorted(matches, key=lambda m: (-m.score, m.name, m.kecamatan))


def _marker_mode(token: str) -> str | None:
    if token in KECAMATAN_MARKERS:
        return "kecamatan"
    if token in DESA_MARKERS:
        return "desa"
    return None


def _is_marker(token: str) -> bool:
    return token in KECAMATAN_MARKERS or token in DESA_MARKERS
