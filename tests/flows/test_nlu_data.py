"""The recogniser's data: the normaliser agrees with IndoCollex and stems are up to date (the labelled
examples are checked in test_nlu_corpus.py)."""

from __future__ import annotations

from collections import Counter

import pytest

from core.nlu import build_recogniser
from flows.nlu.normalise import Normaliser, tokenise
from flows.nlu.recogniser import training_vocabulary
from flows.nlu.resources import DATA_DIR, read_indocollex, read_mapping
from flows.nlu.stems import STEMS_FILE, needs_stem


@pytest.fixture(scope="module")
def normaliser() -> Normaliser:
    return build_recogniser().normaliser


# Abbreviations the bot relies on; each must read as IndoCollex says.
ABBREVIATIONS = [
    "dmn", "kpn", "gmn", "gimana", "brp", "tgl", "yg", "gk", "ga", "gak", "tdk", "sy", "mw", "mo", "tlg", "bs",
    "udh", "sdh", "blm", "dr", "jg", "utk", "dgn", "dg", "skrg", "bsk", "kmrn", "knp", "org", "jd", "klo", "sm",
    "lg", "bkn", "jln", "jl", "kec", "kab", "kel", "ds", "pgn", "tq", "thx", "makasih", "trims", "kulo", "opo",
    "piye", "iki", "ojo", "pesen", "wes", "suwun", "ae", "aj", "sj", "kl", "bener", "ngga", "nggak", "gue", "pengen",
]


@pytest.mark.parametrize("abbreviation", ABBREVIATIONS)
def test_abbreviation_normalises_as_indocollex(normaliser, abbreviation):
    indocollex = read_indocollex()
    assert normaliser.formal([abbreviation]) == indocollex[abbreviation].split()


# Readings where the project deliberately differs from IndoCollex (domain or East-Javanese sense).
DELIBERATE_OVERRIDES = {"kk": "kk", "km": "km", "cs": "petugas", "arep": "mau", "ngarep": "depan",
                        "sesok": "besok", "isuk": "pagi", "mimin": "min", "bc": "pesan"}


@pytest.mark.parametrize(("word", "reading"), sorted(DELIBERATE_OVERRIDES.items()))
def test_deliberate_overrides(normaliser, word, reading):
    assert read_indocollex()[word] != reading
    assert normaliser.formal([word]) == reading.split()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("mobil e stop nang endi minggu ngarep", ["mobil", "stop", "di", "mana", "minggu", "depan"]),
        ("syarate opo ae", ["syarat", "apa", "saja"]),
        ("ojok kirim pesen maneh", ["jangan", "kirim", "pesan", "lagi"]),
        ("HALOOOO", ["halo"]),
        ("bolong2", ["lubang"]),
        ("jembtan rsak", ["jembatan", "rusak"]),
        ("ojok dielingno maneh", ["jangan", "ingatkan", "lagi"]),
        ("bileh kenduren mas e dimma", ["kapan", "kenduren", "mas", "di", "mana"]),
    ],
)
def test_formal_pass(normaliser, text, words):
    assert normaliser.formal(tokenise(text)) == words


def test_own_lexicon_has_no_duplicate_keys():
    keys = [line.split("\t")[0] for line in (DATA_DIR / "normalisasi.tsv").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    assert [k for k, n in Counter(keys).items() if n > 1] == []


def test_stem_table_is_up_to_date():
    """data/stems.tsv spares Sastrawi calls at start-up; regenerate: python -m flows.nlu.build_stems"""
    table = read_mapping(STEMS_FILE)
    missing = sorted(w for w in training_vocabulary() if needs_stem(w) and w not in table)
    assert missing == []
