"""Walk every numbered question of every flow through the signed webhook (real app, real database
from the project's own init and reference data, a few visits, Twilio's own signatures).

For each question the bot asks with numbered options, two fresh residents walk to it side by side;
one answers with the option's number, the other with its words as shown ("Ingatkan saya", "Pilih
tanggal lain", "Gempol" for "Kamis, … — Kec. Gempol"). Both must get the same answer, stand at the
same question and have the same rows stored. Every optional step is answered with skip words and
nothing of them is stored.

SQLite walks everything; PostgreSQL walks one question per flow and one skip word per optional step
(the same code; the full walk there would double the suite's time for no new path).
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from flows import build_registry
from handlers.residents import locked_conversation, resident_by_phone
from storage import reference
from storage.db import utcnow
from storage.models import Conversation, Proposal, ProposalSupport, Resident, SurveyResponse, Ticket
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixture)
from tests.whatsapp import RINA, Phone

REGISTRY = build_registry()
# Where residents start (a few messages each): every flow, an unsure kecamatan ("gempul": "Maksudnya
# Kecamatan Gempol?"), a desa in two kecamatan, an unsure intent ("cek"), a change of mind after a
# typed name (asked first), and two misses (the petugas offer).
ENTRIES = [["menu"], ["jadwal kenduren mas"], ["kapan ke gempol"], ["kapan ke tosari"], ["daftar ktp"],
           ["mau urus kk"], ["jalan nang martopuro rusak parah"], ["usul lampu jalan"],
           ["jembatan putus di karangasem"], ["ingatkan saya"], ["hapus data saya"], ["hapus"], ["p"], ["cek"],
           ["daftar ktp", "gempul"], ["ingatkan saya", "gempul"],
           ["daftar ktp", "gempol", "1", "Siti Aminah", "kapan kenduren mas ke bangil"],
           ["xq zzv bbrr", "qqq www eee"],
           # a ticket held: what to do when one cannot come, and cancelling it
           ["daftar ktp", "gempol", "1", "Siti Aminah", "gempol", "-", "1", "gak iso teko"],
           ["daftar ktp", "gempol", "1", "Siti Aminah", "gempol", "-", "1", "batalno"]]
# What a resident types at the questions that take content, so the walk goes on past them.
TYPED = {"ask_kecamatan": "gempol", "ask_name": "Siti Aminah", "ask_note": "KTP hilang",
         "ask_deskripsi": "jalan depan SD berlubang parah sepanjang 300 m", "ask_foto": "lewati",
         "comment": "pelayanannya cepat", "rating": "4"}
SKIPS = ["lewati", "skip", "gak ada", "ndak onok", "tidak ada", "kosong", "-", "mboten wonten"]
# Words in labels too common to tell options apart (the longest *own* word is typed for long labels).
COMMON = {"kec", "kecamatan", "desa", "saya", "untuk", "ini", "dan", "ke", "di"}
_OPTION = re.compile(r"^\s*(\d{1,2})\. (.+)$")
_CODE = re.compile(r"\b(KM|US)-\d+\b")
_SUPPORTERS = re.compile(r"\(\d+ pendukung\)")  # others support the same proposal as the walk goes on
_numbers = itertools.count(1)


def fresh_phone(client) -> Phone:
    return Phone(client, f"+62813{next(_numbers):08d}", "Sumarti")


def options_in(replies: list[str]) -> list[str]:
    """The last numbered list of the answer (1., 2., … in a row), as shown, without *bold* marks."""
    lines = "\n".join(replies).splitlines()
    found: list[str] = []
    for line in lines:
        m = _OPTION.match(line)
        if m and int(m.group(1)) == 1:
            found = [m.group(2)]
        elif m and int(m.group(1)) == len(found) + 1:
            found.append(m.group(2))
    return [o.replace("*", "").strip() for o in found]


def words_of(label: str, labels: list[str]) -> str:
    """The option as a resident types it: the whole label when short, else its longest own word."""
    tokens = re.findall(r"\w+", label.casefold())
    if len(tokens) <= 5:
        return label
    others = {w for other in labels if other != label for w in re.findall(r"\w+", other.casefold())}
    own = [w for w in tokens if w not in others and w not in COMMON and not w.isdigit()]
    return max(own, key=len) if own else label


@dataclass
class Seen:
    """Where a resident stands and what is stored for them, for comparing two residents."""

    replies: list[str]
    flow: str | None
    state: str | None
    slots: dict
    rows: dict
    misses: int = 0

    def same_as(self, other: "Seen") -> list[str]:
        diffs = []
        for name in ("replies", "flow", "state", "slots", "rows", "misses"):
            mine, theirs = _masked(getattr(self, name)), _masked(getattr(other, name))
            if mine != theirs:
                diffs.append(f"{name}: {mine} ≠ {theirs}")
        return diffs


def _masked(value) -> str:
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return _SUPPORTERS.sub("(n pendukung)", _CODE.sub(r"\1-####", text))


def seen(rt, phone: Phone, replies: list[str]) -> Seen:
    with rt.sessions() as s:
        resident = s.scalars(select(Resident).where(Resident.phone == phone.number)).one_or_none()
        if resident is None:  # erased: the row stays, without the phone
            return Seen(replies, None, None, {}, {"erased": True})
        conv = s.scalars(select(Conversation).where(Conversation.resident_id == resident.id)).one()
        tickets = [(t.layanan.key if t.layanan else None, t.visit_id, t.nama, t.desa_id, t.catatan, t.status)
                   for t in s.scalars(select(Ticket).where(Ticket.resident_id == resident.id).order_by(Ticket.id))]
        proposals = [(p.kategori, p.desa_id, p.deskripsi, p.media_url)
                     for p in s.scalars(select(Proposal).where(Proposal.resident_id == resident.id).order_by(Proposal.id))]
        supports = [x.proposal_id for x in s.scalars(select(ProposalSupport).where(ProposalSupport.resident_id == resident.id))]
        rows = {"tickets": tickets, "proposals": proposals, "supports": supports,
                "subscribed": [x.kecamatan_id for x in resident.subscriptions], "opted_out": resident.opted_out_at is not None,
                "erased": resident.erased_at is not None, "name": resident.name,
                "handoff": conv.handoff_ticket_id is not None}
        return Seen(replies, conv.flow, conv.state, dict(conv.slots or {}), rows, conv.misunderstood)


def typed_answer(here: "Seen") -> str | None:
    if here.state != "ask_desa":
        return TYPED.get(here.state or "")
    kecamatan = here.slots.get("kecamatan")
    if not kecamatan:  # a proposal: a desa in two kecamatan, so "which one?" is walked too
        return "karangasem"
    names = Counter(d.nama for d in reference.desa())
    return next(d.nama for d in reference.desa() if d.kecamatan == kecamatan and names[d.nama] == 1)


def clone(rt, client, source: Phone) -> Phone:
    """A new resident standing exactly where `source` stands: the conversation the bot stored for
    `source` (reached through the webhook) copied to the new resident's row, so each option is
    tried from the same place without walking the whole way again (each webhook call costs ~20 ms)."""
    phone = fresh_phone(client)
    now = utcnow()
    with rt.sessions.begin() as s:
        src = s.scalars(select(Conversation).join(Resident).where(Resident.phone == source.number)).one()
        resident = resident_by_phone(s, phone.number, "whatsapp", now, phone.profile_name)
        conv = locked_conversation(s, resident, "whatsapp", now)
        conv.flow, conv.state, conv.slots, conv.misunderstood = src.flow, src.state, dict(src.slots), src.misunderstood
    return phone


def walk_every_question(client, rt, *, one_per_flow: bool = False, max_depth: int = 10):
    """Breadth first from the entries: at each numbered question (first reached), every option by
    number and by words, each by a resident of its own; past a question that takes content, its
    typed answer."""
    failures: list[str] = []
    covered: dict[tuple[str, str], list[str]] = {}
    done_flows: set[str] = set()
    visited: set[tuple[str | None, str | None]] = set()
    todo: list[tuple[list[str], Seen, Phone]] = []
    calls = 0
    for entry in ENTRIES:
        p = fresh_phone(client)
        for line in entry:
            replies = p.send(line)
        todo.append((entry, seen(rt, p, replies), p))
        calls += len(entry)
    while todo:
        path, here, phone = todo.pop(0)
        where = (here.flow, here.state) if here.misses < 2 else ("policy", "offer_petugas")
        if here.flow is None or len(path) > max_depth or where in visited:
            continue
        visited.add(where)
        labels = options_in(here.replies)
        if not labels:
            typed = typed_answer(here)
            if typed is not None:
                todo.append((path + [typed], seen(rt, phone, phone.send(typed)), phone))
                calls += 1
            continue
        covered[where] = path
        if one_per_flow and here.flow in done_flows:
            continue
        done_flows.add(here.flow)
        for n, label in enumerate(labels, start=1):
            by_number, by_words = clone(rt, client, phone), clone(rt, client, phone)
            words = words_of(label, labels)
            got_n = seen(rt, by_number, by_number.send(str(n)))
            got_w = seen(rt, by_words, by_words.send(words))
            calls += 2
            for diff in got_n.same_as(got_w):
                failures.append(f"{here.flow}.{here.state} option {n} {words!r} (after {path}): {diff}")
            todo.append((path + [str(n)], got_n, by_number))
    return covered, failures, calls


def test_every_option_answered_with_its_words_does_what_its_number_does(wa_client, rt, schedule, staff, backend):
    # One proposal already there, so the walk also meets "Sudah ada usulan serupa" (support or not).
    first = fresh_phone(wa_client)
    play(first, [("jalan di martopuro rusak parah banyak lubang", "Martopuro"), ("1", "berapa"), ("lewati", "foto"),
                 ("lewati", "tercatat")])
    covered, failures, calls = walk_every_question(wa_client, rt, one_per_flow=backend == "postgresql")
    print(f"{len(covered)} questions, {calls} webhook calls", *covered.items(), sep="\n")
    assert not failures, "\n".join(failures)
    if backend == "postgresql":
        assert {flow for flow, _ in covered} >= {"menu", "jadwal", "layanan", "usulan", "langganan", "hapus_data"}
        return
    for flow_name, flow in REGISTRY.flows.items():
        for state, ask in flow.asks.items():
            if ask.choices is not None:
                assert (flow_name, state) in covered, f"the walk never reached {flow_name}.{state}"
    assert {("usulan", "offer_support"), ("layanan", "choose_layanan"), ("layanan", "pick_other_visit"),
            ("menu", "choose")} <= covered.keys()


def _ticket_then(client, *, note: str) -> tuple[Phone, list[str]]:
    phone = fresh_phone(client)
    play(phone, [("daftar ktp", "KTP-el"), ("gempol", "1. Daftar untuk tanggal ini"), ("1", "Nama"),
                 ("1", "Desa"), ("gempol", "catatan")])
    return phone, phone.send(note)


@pytest.fixture
def skips(backend):
    return SKIPS if backend == "sqlite" else SKIPS[-1:]


def test_the_optional_steps_are_the_note_the_measure_the_photo_and_the_comment():
    optional = {(name, state) for name, flow in REGISTRY.flows.items() for state, ask in flow.asks.items()
                if ask.optional}
    assert optional == {("layanan", "ask_note"), ("usulan", "ask_volume"), ("usulan", "ask_foto"),
                        ("survei", "comment")}


def test_every_optional_step_answered_with_a_skip_word_stores_nothing(wa_client, rt, schedule, staff, skips):
    rina = Phone(wa_client, RINA, "Rina")
    for skip in skips:
        # layanan.ask_note: the summary shows no note, the ticket has none
        phone, replies = _ticket_then(wa_client, note=skip)
        assert "Catatan: -" in "\n".join(replies), (skip, replies)
        play(phone, [("1", "Terdaftar")])
        # survei.comment: after the petugas closes the ticket
        with rt.sessions() as s:
            ticket = s.scalars(select(Ticket).join(Resident).where(Resident.phone == phone.number)).one()
            assert ticket.catatan is None, skip
        assert "ditutup" in rina.say(f"#{ticket.kode} selesai ya")
        play(phone, [("4", "saran"), (skip, "Terima kasih atas penilaian")])
        # usulan.ask_foto
        proposer = fresh_phone(wa_client)
        play(proposer, [("lampu jalan mati total di martopuro", "Martopuro")])
        if "serupa" in proposer.say("1"):  # the last round's proposal: this one is another
            play(proposer, [("usulan saya berbeda", "berapa")])
        # usulan.ask_volume (how many lamps) and usulan.ask_foto, both skipped
        play(proposer, [(skip, "foto"), (skip, "tercatat")])
    with rt.sessions() as s:
        surveys = list(s.scalars(select(SurveyResponse)))
        proposals = list(s.scalars(select(Proposal)))
        tickets = list(s.scalars(select(Ticket)))
    assert [(x.rating, x.comment) for x in surveys] == [(4, None)] * len(skips)
    assert len(proposals) == len(skips) and all(p.media_url is None and p.lat is None for p in proposals)
    assert all(p.volume is None and p.satuan is None for p in proposals)
    assert all(not any(skip == p.deskripsi or p.deskripsi.endswith(f". {skip}") for skip in SKIPS) for p in proposals)
    assert all(t.catatan is None for t in tickets)
