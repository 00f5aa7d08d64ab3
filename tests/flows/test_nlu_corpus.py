"""The labelled examples (flows/nlu/data/corpus, policy in flows/nlu/data/README.md) are sound: known
intents, registers and entity names, families that keep one intent, no message on both sides of the
split, and the untuned set kept apart."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest

from flows.nlu import INTENTS
from flows.nlu.corpus import REGISTERS, UNTUNED_FILES, corpus_files, read_corpus, read_jsonl, read_untuned, split, text_key
from storage import reference

FAMILY = re.compile(r"^[a-z]-\d{4,5}$")  # a letter per writer (o: the project's older examples), a number
FIELDS = {"text", "intent", "family", "register", "kecamatan", "desa", "layanan"}


@pytest.fixture(scope="module")
def corpus():
    return read_corpus()


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_each_line_is_well_formed(path):
    kecamatan = {k.nama for k in reference.kecamatan()}
    desa = defaultdict(set)
    for d in reference.desa():
        desa[d.nama].add(d.kecamatan)
    layanan = {s.key for s in reference.layanan()}
    problems = []
    for n, row in enumerate(read_jsonl(path), 1):
        where = f"{path.name}:{n}"
        if set(row) - FIELDS or not isinstance(row.get("text"), str) or not row["text"].strip():
            problems.append(f"{where} fields {sorted(row)}")
            continue
        if row.get("intent") not in INTENTS:
            problems.append(f"{where} intent {row.get('intent')!r}")
        if not FAMILY.match(str(row.get("family"))):
            problems.append(f"{where} family {row.get('family')!r}")
        if row.get("register") not in REGISTERS:
            problems.append(f"{where} register {row.get('register')!r}")
        if "kecamatan" in row and row["kecamatan"] not in kecamatan:
            problems.append(f"{where} kecamatan {row['kecamatan']!r}")
        if "desa" in row and row["desa"] not in desa:
            problems.append(f"{where} desa {row['desa']!r}")
        elif "desa" in row and "kecamatan" in row and row["kecamatan"] not in desa[row["desa"]]:
            problems.append(f"{where} desa {row['desa']!r} is not in {row['kecamatan']}")
        if "layanan" in row and row["layanan"] not in layanan:
            problems.append(f"{where} layanan {row['layanan']!r}")
    assert problems == []


def test_a_family_keeps_one_intent(corpus):
    intents = defaultdict(set)
    for row in corpus:
        intents[row["family"]].add(row["intent"])
    assert {f: i for f, i in intents.items() if len(i) > 1} == {}


def test_no_message_on_both_sides_of_the_split(corpus):
    train, test = split(corpus)
    assert not {text_key(e["text"]) for e in train} & {text_key(e["text"]) for e in test}


def test_one_text_one_intent(corpus):
    intents = defaultdict(set)
    for row in corpus:
        intents[text_key(row["text"])].add(row["intent"])
    assert {t: i for t, i in intents.items() if len(i) > 1} == {}


@pytest.mark.parametrize("path", UNTUNED_FILES, ids=lambda p: p.name)
def test_untuned_set_is_apart(corpus, path):
    """The bench scores only untuned messages the corpus does not hold (short ones like "STOP" recur):
    enough of them, every intent, and off-topic messages among them."""
    seen = {text_key(e["text"]) for e in corpus}
    apart = [e for e in read_untuned(path) if text_key(e["text"]) not in seen]
    assert len(apart) >= 150
    assert {e["intent"] for e in apart} == set(INTENTS)
    assert sum(e["intent"] == "diluar_topik" for e in apart) >= 25
    assert {e["register"] for e in read_untuned(path)} <= set(REGISTERS)


def test_untuned_sets_are_never_trained_on(corpus):
    """No untuned family id is in the corpus (the recogniser reads corpus/ only)."""
    families = {e["family"] for e in corpus}
    for path in UNTUNED_FILES:
        assert not {e["family"] for e in read_untuned(path)} & families


def test_size_and_mix(corpus):
    intents = Counter(e["intent"] for e in corpus)
    assert len(corpus) >= 3000
    assert intents["diluar_topik"] >= 400
    assert set(intents) == set(INTENTS)
    written = [e for e in corpus if e["register"] != "legacy"]
    long = sum(len(e["text"].split()) >= 13 for e in written)
    assert long / len(written) >= 0.15
    registers = Counter(e["register"] for e in written)
    assert registers["jv_krama"] / len(written) >= 0.05 and registers["mad"] / len(written) >= 0.05
