"""A WhatsApp resident's replies go over REST through the outbox, on SQLite and PostgreSQL: the signed
webhook answers with an empty TwiML and writes one reply row per message, in the transaction that
stores the inbound message; the sender hands them to the fake Twilio on loopback — a question with
2-3 choices as buttons, 4-10 as a list (ContentSid + ContentVariables), numbered text where content
cannot go (63016, any content refusal, a refusal reported later by a status callback). SMS replies
go over REST too, as numbered text; the terminal chat prints numbered text and writes nothing to the outbox.
Order per resident holds with several senders, and each row is sent exactly once across a killed
sender process."""

from __future__ import annotations

import json
import signal
import threading
from collections import defaultdict
from dataclasses import asdict
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot import create_app
from scheduler.sender import OutboxDrain
from storage.models import ContentTemplate, InboundMessage, OutboxMessage, OutboxStatus
from tests.fake_twilio import FakeTwilio
from tests.whatsapp import AUTH_TOKEN, Phone, replies_of, sign, signed_settings


@pytest.fixture
def fake():
    # The account the webhook's signatures and the REST calls share (tests.whatsapp).
    twilio = FakeTwilio("AC" + "0" * 32, AUTH_TOKEN)
    yield twilio
    twilio.close()


@pytest.fixture
def rest_app(rt, settings, fake):
    app = create_app(asdict(signed_settings(settings).with_overrides(
        twilio_api_base_url=fake.base_url, send_rate_per_second=200.0, twilio_sms_from="+14155550100")))
    yield app
    app.extensions["kenduren"].dispose()


@pytest.fixture
def app_rt(rest_app):
    return rest_app.extensions["kenduren"]


@pytest.fixture
def sumarti(rest_app):
    return Phone(rest_app.test_client(), "+6281234567890", "Sumarti")


def drain(runtime) -> dict[str, int]:
    return dict(OutboxDrain(runtime).run(datetime.now(UTC)))


def rows_of(runtime, phone: str) -> list[OutboxMessage]:
    with runtime.sessions() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.to_phone == phone).order_by(OutboxMessage.id)))


# -- the webhook writes, the sender sends ------------------------------------------------------------------
def test_two_choices_go_as_buttons_and_a_tap_answers(sumarti, app_rt, fake):
    response = sumarti.post(sumarti.form("tolong hapus data pribadi saya"))
    assert response.status_code == 200 and replies_of(response) == []
    assert "<Response" in response.get_data(as_text=True)
    [row] = sumarti.reply_rows()
    assert (row.kind, row.lane, row.content_kind, row.content_size) == ("reply", 0, "quick-reply", 2)
    assert "1. Ya, hapus data saya" in row.body  # the numbered text stays as the fallback
    assert fake.messages == []  # nothing leaves before a sender takes it

    assert drain(app_rt) == {"sent": 1}
    [sent] = fake.sent_to(sumarti.number)
    assert sent.form["ContentSid"].startswith("HX") and "Body" not in sent.form
    assert json.loads(sent.form["ContentVariables"]) == row.content_variables
    assert [title for title, _ in sent.buttons] == ["Ya, hapus data saya", "Tidak jadi"]
    assert sent.body.startswith("Hapus data pribadi Anda")
    [row] = rows_of(app_rt, sumarti.number)
    assert (row.status, row.twilio_sid, row.content_sid) == (OutboxStatus.QUEUED, sent.sid, sent.form["ContentSid"])

    # The resident taps "Tidak jadi": the button's id answers the question.
    title, ident = sent.buttons[1]
    kept = sumarti.say(title, ButtonPayload=ident, ButtonText=title)
    assert "Tombol itu" not in kept and "tidak dihapus" in kept


def test_four_to_ten_choices_go_as_a_list(sumarti, app_rt, fake):
    sumarti.send("menu")
    assert drain(app_rt)["sent"] >= 1
    menu = fake.sent_to(sumarti.number)[-1]
    assert "twilio/list-picker" in menu.content["types"]
    titles = [title for title, _ in menu.buttons]
    assert len(titles) == 6 and titles[1] == "Daftar layanan"
    assert "[Lihat pilihan]" in menu.body and "• Pengingat jadwal" in menu.body
    # A list item tapped: ListId carries the item's id.
    title, ident = menu.buttons[4]
    assert "Pengingat untuk kecamatan mana" in sumarti.say(title, ListId=ident, ListTitle=title)


def test_texts_before_a_question_go_first_then_the_question_one_message_each(sumarti, app_rt, fake):
    replies = sumarti.send("halo")
    rows = sumarti.reply_rows()
    assert [r.content_kind for r in rows] == [None, "list-picker"] and len(replies) == 2
    assert rows[0].body.startswith("Halo") and "Kenduren Mas" in rows[0].body
    drain(app_rt)
    sent = fake.sent_to(sumarti.number)
    assert [("ContentSid" in m.form) for m in sent] == [False, True]
    assert sent[0].form["Body"] == rows[0].body


def test_sms_replies_go_over_rest_as_numbered_text(rest_app, app_rt, fake):
    sms = Phone(rest_app.test_client(), "+6281234567891", None)
    form = sms.form("menu", From="+6281234567891", To="+14155550100")
    form.pop("WaId")
    assert replies_of(sms.post(form)) == []  # acknowledged with an empty TwiML, like WhatsApp
    rows = rows_of(app_rt, "+6281234567891")
    assert rows and all(r.channel == "sms" and r.content_kind is None for r in rows)
    assert "1. Jadwal Kenduren Mas" in "\n".join(r.body for r in rows)
    drain(app_rt)
    sent = fake.sent_to("+6281234567891")
    assert [m.form["Body"] for m in sent] == [r.body for r in rows]
    assert not any("ContentSid" in m.form for m in sent)


def test_the_terminal_chat_prints_numbered_text_and_sends_nothing(cli, rt):
    result = cli("chat", "--phone", "+6281234567892", input="halo\nhapus data pribadi saya\n")
    assert result.exit_code == 0, result.output
    assert "1. Jadwal Kenduren Mas" in result.output and "2. Tidak jadi" in result.output
    with rt.sessions() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_repeated_message_sid_writes_its_replies_once(sumarti, app_rt, fake):
    form = sumarti.form("menu")
    for _ in range(3):
        assert replies_of(sumarti.post(form)) == []
    assert len(sumarti.reply_rows()) == 1
    drain(app_rt)
    assert len(fake.sent_to(sumarti.number)) == 1


# -- falling back to numbered text -------------------------------------------------------------------------
def test_buttons_refused_outside_the_window_go_as_numbered_text_recorded(sumarti, app_rt, fake):
    sumarti.send("hapus data pribadi saya")
    fake.refuse(code=63016, content_only=True)  # WhatsApp judged the window closed for the buttons
    assert drain(app_rt) == {"sent": 1}
    [attempt] = fake.sent_to(sumarti.number)
    [row] = rows_of(app_rt, sumarti.number)
    assert attempt.form["Body"] == row.body and "1. Ya, hapus data saya" in attempt.body
    assert (row.status, row.twilio_sid, row.content_sid, row.error_code) == (
        OutboxStatus.QUEUED, attempt.sid, None, "63016")
    assert "sent as numbered text" in row.error_message
    # Typed, the number still answers.
    assert "tidak dihapus" in sumarti.say("2")


def test_a_template_deleted_at_twilio_is_created_again_once(rest_app, sumarti, app_rt, fake):
    sumarti.send("tolong hapus data pribadi saya")
    assert drain(app_rt) == {"sent": 1}
    [first] = fake.sent_to(sumarti.number)
    gone = first.form["ContentSid"]
    del fake.contents[gone]  # deleted in Twilio's console: a send with it now gets 20404

    warsini = Phone(rest_app.test_client(), "+6281234567892", "Warsini")
    warsini.send("hapus data pribadi saya")
    assert drain(app_rt) == {"sent": 1}
    [sent] = fake.sent_to(warsini.number)  # the refused attempt is not a message
    again = sent.form["ContentSid"]
    assert again != gone and again in fake.contents and fake.content_creates() == 2
    assert [title for title, _ in sent.buttons] == ["Ya, hapus data saya", "Tidak jadi"]
    [row] = rows_of(app_rt, warsini.number)
    assert (row.status, row.content_sid, row.error_code) == (OutboxStatus.QUEUED, again, None)
    with app_rt.sessions() as s:
        assert s.scalars(select(ContentTemplate.content_sid)).all() == [again]

    # Created again only once per send: gone once more, and refused again, the question goes as text.
    fake.refuse(code=20404, status=404, content_only=True)
    suyati = Phone(rest_app.test_client(), "+6281234567893", "Suyati")
    suyati.send("tolong hapus data pribadi saya")
    assert drain(app_rt) == {"sent": 1}
    [text] = fake.sent_to(suyati.number)
    [row] = rows_of(app_rt, suyati.number)
    assert text.form["Body"] == row.body and row.error_code == "20404" and fake.content_creates() == 3


def test_any_refusal_of_the_content_sends_numbered_text(sumarti, app_rt, fake):
    sumarti.send("menu")
    fake.refuse(code=21656, content_only=True)  # "ContentVariables is not valid"
    drain(app_rt)
    [row] = rows_of(app_rt, sumarti.number)
    [sent] = fake.sent_to(sumarti.number)
    assert sent.form["Body"] == row.body and row.error_code == "21656" and row.status == OutboxStatus.QUEUED


def test_a_content_api_that_cannot_create_the_template_sends_numbered_text(sumarti, app_rt, fake):
    sumarti.send("menu")
    app_rt.settings = app_rt.settings.with_overrides(twilio_api_base_url=fake.base_url + "/nowhere")
    # Messages go to the fake, the Content API to a path it does not serve (404).
    drain_ = OutboxDrain(app_rt)
    for_messages = drain_.sender_factory

    def sender():
        made = for_messages()
        made.client.api.base_url = fake.base_url
        return made

    drain_.sender_factory = sender
    drain_.run(datetime.now(UTC))
    [row] = rows_of(app_rt, sumarti.number)
    [sent] = fake.sent_to(sumarti.number)
    assert sent.form["Body"] == row.body and row.status == OutboxStatus.QUEUED
    assert "interactive content not sent" in row.error_message
    with app_rt.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ContentTemplate)) == 0


def test_content_refused_by_a_later_status_callback_goes_again_as_numbered_text(sumarti, app_rt, fake):
    sumarti.send("hapus data pribadi saya")
    drain(app_rt)
    [buttons] = fake.sent_to(sumarti.number)
    callback = fake.callback_params(buttons.sid, "undelivered", 63016)
    assert sumarti.post(callback, path="/twilio/status").status_code == 204
    [row] = rows_of(app_rt, sumarti.number)
    assert (row.status, row.content_kind, row.error_code) == (OutboxStatus.PENDING, None, "63016")
    assert drain(app_rt) == {"sent": 1}
    [_, text] = fake.sent_to(sumarti.number)
    [row] = rows_of(app_rt, sumarti.number)
    assert text.form["Body"] == row.body and row.twilio_sid == text.sid and row.content_sid is None
    assert "sent as numbered text" in row.error_message and row.content_variables  # it was a question


# -- order and once ------------------------------------------------------------------------------------------
def test_several_replies_reach_each_resident_in_order_with_two_senders(rest_app, app_rt, fake):
    fake.delay = 0.01
    phones = [Phone(rest_app.test_client(), f"+62857000000{n:02d}", None) for n in range(4)]
    for line in ("halo", "hapus data pribadi saya", "2", "menu", "1"):
        for p in phones:
            p.send(line)
    senders = [threading.Thread(target=drain, args=(app_rt,)) for _ in range(2)]
    for t in senders:
        t.start()
    for t in senders:
        t.join(120)
    for p in phones:
        rows = rows_of(app_rt, p.number)
        assert len(rows) >= 6 and all(r.status == OutboxStatus.QUEUED for r in rows)
        assert [m.sid for m in fake.sent_to(p.number)] == [r.twilio_sid for r in rows]


@pytest.mark.slow
def test_each_reply_is_sent_exactly_once_across_a_killed_sender(rest_app, app_rt, fake, database_url, tmp_path):
    from tests.scheduler.test_exactly_once import start_worker, stop, unfinished, wait_for

    phones = [Phone(rest_app.test_client(), f"+62858{n:07d}", None) for n in range(24)]
    for line in ("halo", "hapus data pribadi saya", "2"):
        for p in phones:
            p.send(line)
    with app_rt.sessions() as s:
        total = s.scalar(select(func.count()).select_from(OutboxMessage))
    fake.delay = 0.05  # Twilio holds each message a moment before answering: the kill lands mid-send
    worker = start_worker(database_url, fake, tmp_path, "first")
    try:
        wait_for(lambda: len(fake.messages) >= 20, 60, "the first 20 replies")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        stop(worker)
    at_kill = len(fake.messages)
    assert at_kill < total
    restarted = start_worker(database_url, fake, tmp_path, "second")
    try:
        wait_for(lambda: unfinished(app_rt) == 0, 90, "the restarted sender to finish")
    finally:
        stop(restarted)
    with app_rt.sessions() as s:
        rows = list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert len(fake.messages) == total == len(rows)
    assert {r.twilio_sid for r in rows} == {m.sid for m in fake.messages}
    with app_rt.sessions() as s:
        cached = {(t.kind, t.size): t.content_sid for t in s.scalars(select(ContentTemplate))}
    per_phone = defaultdict(list)
    for r in rows:
        sent = fake.find(r.twilio_sid)
        assert sent.phone == r.to_phone
        if r.content_kind:
            assert sent.form["ContentSid"] == cached[(r.content_kind, r.content_size)]
            assert json.loads(sent.form["ContentVariables"]) == r.content_variables
            # A send found at Twilio after the kill is recorded by its SID alone (the listing shows
            # no ContentSid): content_sid stays empty on that row.
            assert r.content_sid in (sent.form["ContentSid"], None)
        else:
            assert sent.form["Body"] == r.body
        per_phone[r.to_phone].append(r.twilio_sid)
    for number, sids in per_phone.items():  # in order per resident, across the kill
        assert [m.sid for m in fake.sent_to(number)] == sids
    # Two sender processes used the templates: one per shape is left at Twilio and in the cache.
    assert set(cached) == {("list-picker", 6), ("quick-reply", 2)}
    assert set(fake.contents) == set(cached.values())
    assert {m.form["ContentSid"] for m in fake.messages if "ContentSid" in m.form} == set(cached.values())


def test_stored_replies_are_recorded_for_the_record_as_numbered_text(sumarti, app_rt):
    sumarti.send("menu")
    with app_rt.sessions() as s:
        [stored] = s.scalars(select(InboundMessage.reply)).all()
    assert "1. Jadwal Kenduren Mas" in stored[0]
