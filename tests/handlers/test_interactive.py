"""Questions with choices as WhatsApp buttons and lists (Content API), and taps back, on SQLite and
PostgreSQL: the shapes the catalogue's questions take, the templates created once per shape across
two processes against the fake Twilio on loopback, and taps by id (current, typed, stale) through
the signed webhook."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from core.settings import Settings
from flows import build_registry
from flows.berhenti import WHICH
from flows.engine import say
from flows.hapus_data import ERASE
from handlers import interactive
from handlers.interactive import LIST_PICKER, QUICK_REPLY, content_sid_for, interactive_of
from handlers.replies import render_replies
from handlers.transport.interface import OutgoingMessage
from handlers.transport.twilio_rest import TwilioSender
from storage.models import ContentTemplate, Conversation
from tests.fake_twilio import FakeTwilio
from tests.whatsapp import Phone


@pytest.fixture
def fake():
    twilio = FakeTwilio()
    yield twilio
    twilio.close()


def _on_fake(settings, fake: FakeTwilio):
    return settings.with_overrides(twilio_account_sid=fake.account_sid, twilio_auth_token=fake.auth_token,
                                   twilio_whatsapp_from="whatsapp:+6281100000000", twilio_api_base_url=fake.base_url)


# -- shapes ---------------------------------------------------------------------------------------------
def test_two_or_three_choices_are_buttons_within_twenty_characters():
    yes_no = interactive_of(say("hapus.confirm", options=ERASE.labels()))
    assert yes_no.kind == QUICK_REPLY and [c.title for c in yes_no.choices] == ["Ya, hapus data saya", "Tidak jadi"]
    # "Berhenti menerima pengingat" (27) does not fit a button: the catalogue's short label does.
    three = interactive_of(say("berhenti.which", options=WHICH.labels()))
    assert three.kind == QUICK_REPLY and three.size == 3
    assert [c.title for c in three.choices] == ["Berhenti pengingat", "Hapus data saya", "Kembali ke menu"]
    assert all(len(c.title) <= interactive.TITLE_MAX for c in three.choices)


def test_four_to_ten_choices_are_a_list_with_short_titles_and_the_long_label_as_description():
    menu = interactive_of(say("menu.main", options=build_registry().menu_lines()))
    assert menu.kind == LIST_PICKER and menu.size == 6 and menu.button == "Lihat pilihan"
    layanan = menu.choices[1]
    assert layanan.title == "Daftar layanan" and layanan.description.startswith("Daftar layanan (KTP-el")
    assert all(len(c.title) <= 24 and len(c.description) <= 72 for c in menu.choices)
    # The body says "choose", not "reply with a number"; the numbered text is kept for a fallback.
    assert "angka" not in menu.body and len(menu.body) <= 1024
    assert "1. Jadwal Kenduren Mas" in menu.text


def test_more_than_ten_choices_or_a_label_that_cannot_be_cut_stay_numbered_text():
    assert interactive_of(say("layanan.choose", options=[f"Layanan {n}" for n in range(1, 20)])) is None
    assert interactive_of(say("layanan.choose", options=["x" * 30, "Satu", "Dua", "Tiga"])) is None


def test_sms_keeps_numbered_text():
    replies = [say("hapus.confirm", options=ERASE.labels())]
    assert interactive.render_for(replies, "sms").question is None
    text = render_replies(replies, "sms")[0]
    assert "1. Ya, hapus data saya" in text and "2. Tidak jadi" in text


def test_the_terminal_chat_shows_the_list_as_numbered_text(cli):
    result = cli("chat", "--phone", "+6281234567890", input="menu\n")
    assert result.exit_code == 0, result.output
    assert "1. Jadwal Kenduren Mas" in result.output and "6. Bicara dengan petugas" in result.output


def test_a_tap_id_names_the_question_and_the_number():
    menu = interactive_of(say("menu.main", options=build_registry().menu_lines()))
    tap = interactive.tap_of(menu.choices[2].id)
    assert tap == interactive.Tap(interactive.question_token(say("menu.main", options=build_registry().menu_lines())), 3)
    for other in ("3", "ya", "abc.1", "c6e19ab5.", "c6e19ab5.123", "", None):
        assert interactive.tap_of(other) is None


# -- the fake's Content API, the sender, and the cache ---------------------------------------------------
def test_the_sender_creates_content_on_the_fake_and_the_resident_sees_buttons(settings, fake, rt):
    sender = TwilioSender(_on_fake(settings, fake))
    question = interactive_of(say("berhenti.which", options=WHICH.labels()))
    sid = content_sid_for(rt.sessions, sender.client, question.kind, question.size)
    assert sid.startswith("HX") and fake.contents[sid]["types"]["twilio/quick-reply"]["body"] == "{{1}}"
    # Fetch through twilio-python's content domain, redirected by TWILIO_API_BASE_URL.
    assert sender.client.content.v1.contents(sid).fetch().sid == sid
    result = sender.send(OutgoingMessage("whatsapp", "+6281234567890", content_sid=sid,
                                         content_variables=question.variables()))
    sent = fake.find(result.sid)
    assert sent.body.startswith("Maaf, saya ingin memastikan dulu")
    assert "[Berhenti pengingat] [Hapus data saya] [Kembali ke menu]" in sent.body
    assert [i for _, i in sent.buttons] == [c.id for c in question.choices]

    menu = interactive_of(say("menu.main", options=build_registry().menu_lines()))
    list_sid = content_sid_for(rt.sessions, sender.client, menu.kind, menu.size)
    shown = fake.find(sender.send(OutgoingMessage("whatsapp", "+6281234567890", content_sid=list_sid,
                                                  content_variables=menu.variables())).sid).body
    assert "[Lihat pilihan]" in shown and "• Daftar layanan — Daftar layanan (KTP-el" in shown
    # Same shape again: the cached template, no second create.
    assert content_sid_for(rt.sessions, sender.client, QUICK_REPLY, 3) == sid
    assert fake.content_creates() == 2


def test_buttons_outside_the_window_are_refused_like_free_text(settings, fake, rt):
    from handlers.transport.interface import SendError

    sender = TwilioSender(_on_fake(settings, fake))
    question = interactive_of(say("hapus.confirm", options=ERASE.labels()))
    sid = content_sid_for(rt.sessions, sender.client, question.kind, question.size)
    fake.refuse_freeform()
    with pytest.raises(SendError) as refused:
        sender.send(OutgoingMessage("whatsapp", "+6281234567890", content_sid=sid,
                                    content_variables=question.variables()))
    assert refused.value.code == 63016


RACE = """
import sys
from core.runtime import Runtime
from core.settings import Settings
from handlers.interactive import content_sid_for
from handlers.transport.twilio_rest import TwilioSender
url, base, account, token = sys.argv[1:5]
settings = Settings.from_env(environ={}).with_overrides(database_url=url, twilio_api_base_url=base,
                                                         twilio_account_sid=account, twilio_auth_token=token)
rt = Runtime(settings)
print(content_sid_for(rt.sessions, TwilioSender(settings).client, "list-picker", 6), flush=True)
rt.dispose()
"""


def test_content_is_created_once_per_shape_across_two_processes(settings, fake, rt):
    fake.hold()  # both processes reach the Content API before either has stored a template
    args = [sys.executable, "-c", RACE, settings.database_url, fake.base_url, fake.account_sid, fake.auth_token]
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        deadline = time.monotonic() + 60
        while fake.waiting < 2:  # a condition, not a sleep: both creates are held at the fake
            assert time.monotonic() < deadline, [p.stderr.read() for p in procs if p.poll() is not None]
            time.sleep(0.05)
        fake.release()
        outs = [p.communicate(timeout=60) for p in procs]
    finally:
        fake.release()
        for p in procs:
            if p.poll() is None:
                p.kill()
    sids = {out.strip() for out, _ in outs}
    assert all(p.returncode == 0 for p in procs), [err for _, err in outs]
    assert len(sids) == 1, outs
    with rt.sessions() as s:
        rows = s.scalars(select(ContentTemplate)).all()
    assert [(r.kind, r.size, r.content_sid) for r in rows] == [("list-picker", 6, sids.pop())]
    # Both created one at Twilio; the loser deleted its own, so one template is left.
    assert fake.content_creates() == 2 and len(fake.contents) == 1


# -- taps through the webhook ------------------------------------------------------------------------------
def _asked(rt, phone: Phone) -> str | None:
    with rt.sessions() as s:
        return s.scalars(select(Conversation.asked)).one()


def test_a_tap_by_id_answers_the_question_it_belongs_to(phone, rt):
    assert "Balas dengan angka" in phone.say("menu")
    token = _asked(rt, phone)
    assert token == interactive.question_token(say("menu.main", options=build_registry().menu_lines()))
    # The resident taps "Pengingat jadwal" (5th item): the list item's id, with its title.
    assert "Pengingat untuk kecamatan mana" in phone.say("Pengingat jadwal", ListId=f"{token}.5",
                                                         ListTitle="Pengingat jadwal")


def test_a_typed_answer_to_the_same_question_keeps_working(phone, rt):
    phone.say("menu")
    assert "Pengingat untuk kecamatan mana" in phone.say("pengingat")
    phone.say("menu")
    assert "Pengingat untuk kecamatan mana" in phone.say("nomer 5")


def test_a_button_tap_carries_its_payload(phone, rt):
    phone.say("hapus data pribadi saya")
    token = _asked(rt, phone)
    assert token is not None
    reply = phone.say("Tidak jadi", ButtonPayload=f"{token}.2", ButtonText="Tidak jadi")
    assert "Tombol itu" not in reply


def test_a_stale_tap_is_answered_kindly_and_changes_nothing(phone, rt):
    phone.say("menu")
    old = _asked(rt, phone)
    phone.say("hapus data pribadi saya")
    with rt.sessions() as s:
        before = s.scalars(select(Conversation)).one()
        state, asked = (before.flow, before.state), before.asked
    assert asked != old
    # A tap on the menu list sent earlier ("Bicara dengan petugas") must not answer the erase question.
    reply = phone.say("Bicara dengan petugas", ListId=f"{old}.6", ListTitle="Bicara dengan petugas")
    assert "Tombol itu dari pertanyaan sebelumnya" in reply
    with rt.sessions() as s:
        after = s.scalars(select(Conversation)).one()
        assert (after.flow, after.state, after.asked) == (*state, asked)
    # The current question still takes its answer.
    assert "Tombol itu" not in phone.say("tidak jadi")


def test_a_tap_field_is_bounded_at_the_edge(phone, rt):
    phone.say("menu")
    reply = phone.say("", ListId="x" * 10_000)
    assert reply  # a friendly answer, never a 500


def test_render_for_whatsapp_sends_texts_then_the_question_as_content_and_other_channels_text():
    replies = [say("menu.greeting", name="Sumarti"), say("hapus.confirm", options=ERASE.labels())]
    whatsapp = interactive.render_for(replies, "whatsapp")
    assert whatsapp.texts == ["Halo Sumarti 👋 Saya asisten *Kenduren Mas* Pemkab Pasuruan."]
    assert whatsapp.question.kind == QUICK_REPLY and "1. Ya, hapus data saya" in whatsapp.question.text
    sms = interactive.render_for(replies, "sms")
    assert sms.question is None and sms.texts == render_replies(replies, "sms")
    assert "1. Ya, hapus data saya" in sms.texts[0]
    # No question at the end, or one that cannot be content: the numbered text as today.
    long = [say("layanan.choose", options=[f"Layanan {n}" for n in range(1, 20)])]
    assert interactive.render_for(long, "whatsapp") == interactive.Rendered(render_replies(long, "whatsapp"))


def test_every_declared_question_fits_buttons_or_a_list():
    """By category, not by sentence: every question a flow declares with fixed choices is buttons
    (≤ 3, each title ≤ 20 with the catalogue's short labels) or a list (4–10) — never numbered text."""
    registry = build_registry()
    for name, flow in registry.flows.items():
        for state, ask in flow.asks.items():
            if ask.choices is None:
                continue
            content = interactive_of(say("common.choose_again", options=ask.choices.labels()))
            expected = QUICK_REPLY if len(ask.choices.options) <= 3 else LIST_PICKER
            assert content is not None and content.kind == expected, (name, state)


def test_no_question_above_buttons_asks_for_a_number():
    """A question whose text says "reply with a number" has a `.tap` wording for buttons and lists."""
    from catalogue import MESSAGES

    for key, text in MESSAGES.items():
        if "{options}" in text and "angka" in text:
            content = interactive_of(say(key, **{name: "x" for name in _fields(text)}, options=["Satu", "Dua", "Tiga", "Empat"]))
            assert content is None or "angka" not in content.body, key


def _fields(text: str) -> set[str]:
    import string

    return {name for _, name, _, _ in string.Formatter().parse(text) if name and name != "options"}


def test_a_tap_on_an_old_list_when_no_question_waits_reads_as_its_title(phone, rt):
    phone.say("menu")
    menu = _asked(rt, phone)
    assert "Belum ada tiket" in phone.say("Cek status tiket/usulan", ListId=f"{menu}.4",
                                          ListTitle="Cek status tiket/usulan")
    assert _asked(rt, phone) is None  # that answer asked nothing
    # Scrolling up and tapping the menu again: taken as the item's words, not refused.
    reply = phone.say("Pengingat jadwal", ListId=f"{menu}.5", ListTitle="Pengingat jadwal")
    assert "Tombol itu" not in reply and "Pengingat untuk kecamatan mana" in reply


from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

_LABEL = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=120)


seen: set[str] = set()


@hsettings(max_examples=200, deadline=None)
@given(labels=st.lists(_LABEL, min_size=1, max_size=14))
def test_any_question_is_content_within_twilio_limits_or_numbered_text(labels):
    question = say("common.choose_again", options=labels)
    content = interactive_of(question)
    if content is None:
        return
    seen.add(content.kind)
    assert content.size == len(labels) <= interactive.LIST_MAX and len(content.body) <= interactive.BODY_MAX
    limit = interactive.TITLE_MAX if content.kind == QUICK_REPLY else interactive.ITEM_MAX
    for n, choice in enumerate(content.choices, start=1):
        assert 0 < len(choice.title.strip()) and len(choice.title) <= limit
        assert len(choice.description) <= interactive.DESCRIPTION_MAX
        assert len(choice.id) <= 200 and interactive.tap_of(choice.id) == interactive.Tap(
            interactive.question_token(question), n)
    assert set(content.variables()) == set(interactive.template_of(content.kind, content.size)["variables"])


def test_the_property_above_saw_both_shapes():
    test_any_question_is_content_within_twilio_limits_or_numbered_text()
    assert seen == {QUICK_REPLY, LIST_PICKER}
