"""Voice notes, photos, pins, stickers and contact cards through the signed webhook (SQLite and
PostgreSQL): the bot says it cannot listen, keeps a photo or pin sent alone for 30 minutes and
attaches it to the proposal then started (shown in its summary), a pin at the desa question picks
the desa, and a sticker or contact card mid-question is a friendly word, never a misunderstanding."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from storage.models import Conversation, Opd, OutboxMessage, Proposal, Staff, StaffRole
from tests.handlers.test_antrean import Clock
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)
from tests.whatsapp import RINA

MEDIA = "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM0/Media/ME0"
VOICE = {"NumMedia": "1", "MediaUrl0": MEDIA + "1", "MediaContentType0": "audio/ogg"}
PHOTO = {"NumMedia": "1", "MediaUrl0": MEDIA + "2", "MediaContentType0": "image/jpeg"}
STICKER = {"NumMedia": "1", "MediaUrl0": MEDIA + "3", "MediaContentType0": "image/webp"}
CONTACT = {"NumMedia": "1", "MediaUrl0": MEDIA + "4", "MediaContentType0": "text/vcard"}
MARTOPURO = {"Latitude": "-7.767304", "Longitude": "112.760608"}
WIB = ZoneInfo("Asia/Jakarta")


def misses(rt) -> int:
    with rt.sessions() as s:
        return s.scalars(select(Conversation)).one().misunderstood


def proposals(rt) -> list[Proposal]:
    with rt.sessions() as s:
        return list(s.scalars(select(Proposal).order_by(Proposal.id)))


def test_a_voice_note_is_told_the_bot_cannot_listen(phone, schedule, rt):
    answer = phone.say("", **VOICE)
    assert "belum bisa mendengar pesan suara" in answer and "mohon ketik" in answer.lower() and "PETUGAS" in answer
    assert "lampiran Anda sudah kami terima" not in answer
    assert misses(rt) == 0


def test_a_voice_note_mid_question_keeps_the_place(phone, schedule, rt):
    play(phone, [("daftar ktp", "kecamatan mana")])
    assert "pesan suara" in phone.say("", **VOICE)
    play(phone, [("gempol", "1. Daftar untuk tanggal ini")])


@pytest.mark.parametrize("attachment, what", [(STICKER, "Stikernya"), (CONTACT, "Kartu kontaknya")])
def test_stickers_and_contact_cards_mid_question_are_no_misunderstanding(phone, schedule, rt, attachment, what):
    play(phone, [("daftar ktp", "kecamatan mana")])
    for _ in range(3):
        answer = phone.say("", **attachment)
        assert what in answer and "hubungkan dengan petugas" not in answer
    assert misses(rt) == 0
    play(phone, [("gempol", "1. Daftar untuk tanggal ini")])


def test_a_photo_sent_first_is_attached_to_the_proposal_then_started(phone, schedule, rt):
    answer = phone.say("", **PHOTO)  # what WhatsApp sends: the photo alone, then the words
    assert "simpan 30 menit" in answer and "usul" in answer
    play(phone, [("jalan depan SD berlubang parah sepanjang 300 m", "saya lampirkan ke usulan ini",
                  "desa/kelurahan mana"),
                 ("martopuro", "Lampiran: foto")])
    assert proposals(rt)[-1].media_url == PHOTO["MediaUrl0"]


def test_a_photo_older_than_30_minutes_is_not_attached(wa_app, phone, schedule, rt):
    clock = Clock(datetime(2026, 12, 8, 9, 0, tzinfo=WIB))
    wa_app.extensions["kenduren"].clock = clock
    phone.send("", **PHOTO)
    clock.at += timedelta(minutes=31)
    play(phone, [("jalan depan SD berlubang parah sepanjang 300 m", "!saya lampirkan", "desa/kelurahan mana"),
                 ("martopuro", "foto atau titik lokasi")])


def test_a_pin_at_the_desa_question_picks_the_desa_it_falls_in(phone, schedule, rt):
    play(phone, [("jalan depan SD berlubang parah sepanjang 300 m", "desa/kelurahan mana")])
    answer = phone.say("", **MARTOPURO)
    assert "Desa Martopuro" in answer and "Lampiran: titik lokasi" in answer
    with rt.sessions() as s:
        made = s.scalars(select(Proposal)).one()
        assert (made.desa.nama, round(made.lat, 3)) == ("Martopuro", -7.767)


def test_a_voice_note_to_a_petugas_is_relayed(phone, schedule, rt):
    with rt.sessions.begin() as s:
        kominfo = s.scalars(select(Opd).where(Opd.key == "diskominfo")).one()
        s.add(Staff(phone=RINA, name="Bu Rina", role=StaffRole.PETUGAS, opd_id=kominfo.id))
    play(phone, [("aku njaluk ngomong karo petugas", "saya sambungkan ke petugas")])
    phone.send("", **VOICE)
    with rt.sessions() as s:
        last = s.scalars(select(OutboxMessage).where(OutboxMessage.to_phone == RINA)
                         .order_by(OutboxMessage.id.desc())).first()
        assert VOICE["MediaUrl0"] in last.body
