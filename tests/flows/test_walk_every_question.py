"""Walk every numbered question of every flow (pure, on fake facts): answering with the option's
words must do what its number does; every optional step answered with a skip word stores nothing."""

from __future__ import annotations

import json
from datetime import date
from collections import deque

import pytest

from catalogue import for_channel, render_say
from flows import answers, build_registry, policy
from flows.engine import Say

from flows.facts import SimilarProposal
from tests.flows.fakes import FakeFacts, own_ticket, turn

REGISTRY = build_registry()
RULES = policy.Rules()
ENTRIES = [["menu"], ["jadwal kenduren mas"], ["kapan ke gempol"], ["kapan ke tosari"], ["daftar ktp"], ["mau urus kk"],
           ["jalan nang martopuro rusak parah"], ["usul lampu jalan"], ["ingatkan saya"], ["hapus data saya"], ["p"], ["hapus"],
           # an unsure kecamatan: "Maksudnya Kecamatan Gempol? 1. Ya 2. Bukan"
           ["daftar ktp", "gempul"], ["ingatkan saya", "gempul"],
           # a resident's own ticket: what to do with it, cancel it, move it
           ["tiketku"], ["gak iso teko"], ["batalno"], ["ganti tanggal"]]
# Answers to the questions that take typed content, so the walk can go on past them.
TYPED = {"ask_kecamatan": "gempol", "ask_name": "Siti Aminah", "ask_desa": "martopuro", "ask_note": "KTP hilang",
         "ask_deskripsi": "jalan depan SD berlubang parah sepanjang 300 m", "ask_foto": "lewati", "ask_volume": "300",
         "comment": "pelayanannya cepat", "rating": "4", "ask_kode": "KM-0001"}
SIMILAR = [SimilarProposal(kode="US-0193", kategori="jalan", desa="Martopuro", created=date(2026, 11, 20),
                           support_count=12)]


def options_of(outcome) -> list[Say]:
    for reply in reversed(list(outcome.replies)):
        found = reply.params.get("options")
        if isinstance(found, list) and found:
            return found
    return []


def typed_words(label: Say, labels: list[Say]) -> str:
    """The option as a resident types it: the whole label when short, else its most telling word
    (the longest one no other option has: "gempol" for "Kamis, 10 Desember 2026 — Kec. Gempol")."""
    text = for_channel(render_say(label), "sms")
    if len(answers.words(text)) <= 5:
        return text
    others = {w for other in labels if other is not label for w in answers.words(render_say(other))}
    own = [w for w in answers.words(text) if w not in others and not w.isdigit() and w not in answers.LABEL_STOPWORDS]
    return max(own, key=len) if own else text


def shape(outcome) -> tuple:
    return outcome.flow, outcome.state, sorted(type(e).__name__ for e in outcome.effects)


def stored(slots):
    """The slots as the conversation row gives them back (a JSON column): plain values only — a fact
    object kept there fails here — and tuples come back as lists."""
    return json.loads(json.dumps(slots))


def step(outcome, text, facts):
    slots = stored(outcome.slots)
    situation = policy.Situation(outcome.flow, outcome.state, slots)
    return policy.decide(REGISTRY, RULES, situation, turn(text, slots, facts))


def walk(facts, limit=700):
    """Every (question, option) reached from the entries by answering with numbers or typed content."""
    todo = deque()
    for entry in ENTRIES:
        outcome = policy.decide(REGISTRY, RULES, policy.Situation(None, None, {}), turn(entry[0], {}, facts))
        for line in entry[1:]:
            outcome = step(outcome, line, facts)
        todo.append((outcome, 0))
    seen, questions = set(), []
    while todo and len(seen) < limit:
        outcome, depth = todo.popleft()
        key = (outcome.flow, outcome.state, json.dumps(outcome.slots, sort_keys=True))
        if key in seen or outcome.flow is None or depth > 12:
            continue
        seen.add(key)
        labels = options_of(outcome)
        if labels:
            questions.append(outcome)
            todo.extend((step(outcome, str(n), facts), depth + 1) for n in range(1, len(labels) + 1))
        elif outcome.state in TYPED:
            todo.append((step(outcome, TYPED[outcome.state], facts), depth + 1))
    return questions


@pytest.mark.parametrize("facts", [FakeFacts(tickets=[own_ticket()]), FakeFacts(similar=SIMILAR, tickets=[own_ticket()])],
                         ids=["plain", "similar"])
def test_every_option_answered_with_its_words_does_what_its_number_does(facts):
    questions = walk(facts)
    covered = {(q.flow, q.state) for q in questions}
    # every flow's numbered questions are reached by the walk
    for flow_name, flow in REGISTRY.flows.items():
        for state, ask in flow.asks.items():
            if ask.choices is not None and flow_name not in ("survei",):
                assert (flow_name, state) in covered, f"walk never reached {flow_name}.{state}"
    failures = []
    for q in questions:
        labels = options_of(q)
        for n, label in enumerate(labels, start=1):
            words = typed_words(label, labels)
            by_number, by_words = step(q, str(n), facts), step(q, words, facts)
            if shape(by_number) != shape(by_words):
                failures.append(f"{q.flow}.{q.state} option {n} {words!r}: {shape(by_number)} ≠ {shape(by_words)}")
    assert not failures, "\n".join(sorted(set(failures)))
    assert len(questions) >= 20


SKIPS = ["lewati", "skip", "gak ada", "ndak onok", "tidak ada", "kosong", "-", "mboten wonten"]


def _optional_states():
    return [(name, state) for name, flow in REGISTRY.flows.items() for state, ask in flow.asks.items() if ask.optional]


def test_the_optional_steps_are_the_note_the_photo_and_the_comment():
    assert set(_optional_states()) >= {("layanan", "ask_note"), ("usulan", "ask_foto"), ("survei", "comment")}


@pytest.mark.parametrize("skip", SKIPS)
def test_every_optional_step_answered_with_a_skip_word_stores_nothing(skip):
    slots = {
        ("layanan", "ask_note"): {"layanan": "ktp", "kecamatan": "Gempol", "visit_id": 1, "nama": "Siti",
                                  "desa": "Gempol", "desa_kecamatan": "Gempol"},
        ("usulan", "ask_foto"): {"kategori": "jalan", "desa": "Martopuro", "desa_kecamatan": "Purwosari",
                                 "deskripsi": "jalan depan SD berlubang parah"},
        ("usulan", "ask_volume"): {"kategori": "jalan", "desa": "Martopuro", "desa_kecamatan": "Purwosari",
                                   "deskripsi": "jalan depan SD berlubang parah"},
        ("survei", "comment"): {"ticket_kode": "KM-0001", "rating": 4},
    }
    for flow, state in _optional_states():
        outcome = policy.decide(REGISTRY, RULES, policy.Situation(flow, state, slots[(flow, state)]),
                                turn(skip, slots[(flow, state)]))
        assert outcome.understood, (flow, state, skip)
        stored = [json.dumps(vars(e), default=str) for e in outcome.effects] + [json.dumps(outcome.slots)]
        assert not any(f'"{skip}' in s for s in stored), (flow, state, skip, stored)
        if flow == "layanan":
            assert outcome.slots["catatan"] is None and outcome.state == "confirm"
        if (flow, state) == ("usulan", "ask_volume"):  # no measure kept; the photo is asked next
            assert outcome.state == "ask_foto" and "volume" not in outcome.slots
            continue
        if flow == "usulan":
            (created,) = outcome.effects
            assert created.deskripsi == "jalan depan SD berlubang parah" and created.media_url is None
        if flow == "survei":
            (saved,) = outcome.effects
            assert saved.comment is None
