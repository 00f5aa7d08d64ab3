"""Personal data: phone numbers of any country and NIKs masked in logs (driver error dumps
included), NIKs masked in stored bodies, proposals and what staff read, and nothing personal of
one resident in what another is shown."""

from __future__ import annotations

import io
import logging

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from core.logging_setup import MaskPhonesFilter
from flows.phones import mask_personal, redact_for_others
from storage.models import InboundMessage, Opd, OutboxMessage, Proposal, Staff, StaffRole, TicketEvent
from tests.handlers.test_flows import play
from tests.whatsapp import Phone, add_visit

NIK = "3514010101010001"
NUMBERS = ["+6281234567890", "081234567890", "0812-3456-7890", "+62 343 123456", "(0343) 123456", "+14155550100",
           "+1 415 555 0100", "+442071838750", "+61 2 9374 4000", "+60 12-345 6789", "6281234567890"]


@pytest.mark.parametrize("number", NUMBERS)
def test_every_phone_number_of_any_country_is_masked(number):
    masked = mask_personal(f"kontak {number} ya")
    digits = "".join(c for c in number if c.isdigit())
    assert digits not in "".join(c for c in masked if c.isdigit()), masked
    assert "****" in masked


def test_dates_times_and_codes_stay_readable():
    line = "retry at 2026-12-01 10:00:00+00:00 for KM-4821 on 01/12/2026"
    assert mask_personal(line) == line


def test_a_nik_is_masked_and_masking_twice_changes_nothing():
    once = mask_personal(f"NIK: {NIK}")
    assert once == "NIK: 3514********0001" and mask_personal(once) == once


def test_others_see_no_number_not_even_a_cut_one():
    assert redact_for_others("jalan rusak, hub 0812-3456-78") == "jalan rusak, hub ***"
    assert "0001" not in redact_for_others(f"nik {NIK} jalan")


@pytest.fixture
def masked_log():
    """The root logger's own masking filter on a real handler, as configure_logging sets it up."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPhonesFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    old = root.level
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old)


def test_logs_mask_numbers_of_any_country_and_niks(masked_log):
    logging.getLogger("bot.test").info("from %s and %s, landline %s, NIK %s", "+6281234567890", "+14155550100",
                                       "0343 123456", NIK)
    logged = masked_log.getvalue()
    for raw in ("81234567890", "4155550100", "123456", NIK):
        assert raw not in logged, logged


def test_a_database_error_logs_no_bound_values(rt, masked_log):
    """hide_parameters: the driver's error dump carries no phone number or message body."""
    insert = text("INSERT INTO inbound_message (message_sid, channel, from_phone, body, num_media, received_at) "
                  "VALUES (:sid, 'whatsapp', :phone, :body, 0, CURRENT_TIMESTAMP)")
    values = {"sid": "SMdup", "phone": "+6281234567890", "body": f"rahasia saya NIK {NIK}"}
    with rt.engine.begin() as conn:
        conn.execute(insert, values)
    with pytest.raises(IntegrityError) as caught:
        with rt.engine.begin() as conn:
            conn.execute(insert, values)
    assert "hidden" in str(caught.value) and "rahasia" not in str(caught.value)
    try:
        raise caught.value
    except IntegrityError:
        logging.getLogger("bot.test").exception("store failed for %s", "+6281234567890")
    logged = masked_log.getvalue()
    assert "rahasia" not in logged and "81234567890" not in logged and NIK not in logged


def test_a_nik_in_a_message_is_stored_masked(phone, rt):
    phone.send(f"mau tanya, NIK saya {NIK}")
    with rt.sessions() as s:
        body = s.scalars(select(InboundMessage.body)).one()
    assert NIK not in body and "3514********0001" in body


def test_the_petugas_holding_the_chat_reads_a_nik_as_written_and_nothing_else_keeps_it(wa_client, phone, rt):
    """A NIK said before the chat (in the handoff notice) is masked; said to the petugas holding the chat
    (who asked for it) it reaches them as written, while the stored message and the ticket's history keep
    it masked."""
    add_visit(rt, "Gempol", 10)
    with rt.sessions.begin() as s:
        opd = s.scalars(select(Opd).where(Opd.key == "diskominfo")).one()
        s.add(Staff(phone="+6281200000009", name="Mas Helpdesk", role=StaffRole.PETUGAS, opd_id=opd.id))
    phone.send(f"NIK {NIK} kok belum jadi")
    phone.send("aku njaluk ngomong karo petugas")
    phone.send(f"iki NIK-ku {NIK}")
    with rt.sessions() as s:
        to_staff = list(s.scalars(select(OutboxMessage.body).where(OutboxMessage.to_phone == "+6281200000009")
                                  .order_by(OutboxMessage.id)))
        stored = list(s.scalars(select(InboundMessage.body)))
        # Kept unmasked only while the message waited for the processor: erased when it was processed.
        assert list(s.scalars(select(InboundMessage.as_written).where(InboundMessage.as_written.is_not(None)))) == []
        history = list(s.scalars(select(TicketEvent.note)))
    notice, relayed = to_staff[0], to_staff[-1]
    assert NIK not in notice and "3514********0001" in notice, notice
    assert f"iki NIK-ku {NIK}" in relayed, relayed
    assert all(NIK not in body for body in stored) and all(NIK not in (note or "") for note in history)


def test_the_similar_proposals_list_shows_nothing_personal(wa_client, rt):
    add_visit(rt, "Purwosari", 24)
    first = Phone(wa_client, "+6281111111111", "Pak Darto")
    play(first, [
        (f"jalan di martopuro rusak parah banyak lubang hub 0812-3456-7890 NIK {NIK}", "*jalan rusak*"),
        ("1", "berapa *meter*"),
        ("lewati", "foto atau titik lokasi"),
        ("1", "Kode: *US-"),
    ])
    with rt.sessions() as s:
        stored = s.scalars(select(Proposal.deskripsi)).one()
    assert NIK not in stored
    second = Phone(wa_client, "+6282222222222", "Bu Ani")
    second.send("jalan di martopuro rusak parah banyak lubang")
    shown = second.say("1")
    assert "Sudah ada usulan serupa" in shown
    assert "3456" not in shown and "0812" not in shown and "3514" not in shown, shown


def test_similar_proposals_show_what_where_when_and_support_not_the_residents_words(wa_client, rt):
    """Category, desa, date and support count: another resident's free text (a name, an address) never."""
    from flows.dates import tanggal_pendek
    from tests.whatsapp import jakarta_today

    add_visit(rt, "Purwosari", 24)
    first = Phone(wa_client, "+6281111111111", "Pak Darto")
    play(first, [
        ("jalan di martopuro rusak parah banyak lubang depan rumah Pak Darto RT 03 RW 01 gang Kenanga",
         "*jalan rusak*"),
        ("1", "berapa *meter*"),
        ("kurang luwih 50 meter", "foto atau titik lokasi"),
        ("1", "Kode: *US-"),
    ])
    with rt.sessions() as s:
        kode = s.scalars(select(Proposal.kode)).one()
    second = Phone(wa_client, "+6282222222222", "Bu Ani")
    second.send("jalan di martopuro rusak parah banyak lubang")
    shown = second.say("1")
    assert "Sudah ada usulan serupa" in shown
    assert f"*{kode}* — jalan rusak, Desa Martopuro, {tanggal_pendek(jakarta_today())} (1 pendukung)" in shown, shown
    for theirs in ("Darto", "Kenanga", "RT 03", "depan rumah", "banyak lubang"):
        assert theirs not in shown, shown
