"""A kepala desa's / camat's follow-ups after the forwarding help (#23 cat. 6), through the signed webhook on
SQLite and PostgreSQL: when their announcements come, their desa's link, the text now — answered for their role
(the next visit to their kecamatan and when the messages to forward reach them), never the queue card, the
document question, "belum bisa saya jawab" or the how-to again."""

import pytest
from sqlalchemy import select

from storage.models import Desa, Kecamatan, Staff, StaffRole
from tests.handlers.test_flows import schedule  # noqa: F401  (fixtures)
from tests.whatsapp import add_visit


def add_staff(rt, number: str, role: StaffRole, place: str = "Gempol") -> None:
    with rt.sessions.begin() as s:
        if role == StaffRole.KADES:
            desa = s.scalars(select(Desa).join(Desa.kecamatan).where(Desa.nama == place, Kecamatan.nama == place)).first()
            s.add(Staff(phone=number, name="Pak Kades", role=role, desa_id=desa.id))
        else:
            kec = s.scalars(select(Kecamatan).where(Kecamatan.nama == place)).one()
            s.add(Staff(phone=number, name="Bu Camat", role=role, kecamatan_id=kec.id))


NOT_THESE = ("HADIR", "belum bisa saya jawab", "kapan jadi", "Cara meneruskan", "📅")


@pytest.mark.parametrize("follow_up", [
    "kapan dikirim?",                               # Indonesian
    "kapan kami terima pesannya",
    "bisa minta teksnya sekarang",
    "teks e isok dikirim saiki?",                   # ngoko
    "kok durung onok pesen e?",
    "mbenjang kapan kintunanipun pak?",             # krama
])
def test_a_kepala_desa_asking_when_or_for_the_text_is_told_their_announcements(phone, schedule, rt, follow_up):
    add_staff(rt, phone.number, StaffRole.KADES)
    assert "Teruskan" in phone.say("carane nerusno pengingat nang grup?")
    answer = phone.say(follow_up)
    assert "*Kecamatan Gempol*" in answer and "pukul 07.00 WIB" in answer, answer
    assert "Tautan Desa Gempol" in answer, answer
    assert not any(word in answer for word in NOT_THESE), answer


@pytest.mark.parametrize("follow_up", ["kapan dikirim pak?", "pesen kanggo kades kapan dikirim?",
                                       "nyuwun teksipun sakniki saged?"])
def test_a_camat_asking_when_is_told_the_briefs_days(phone, schedule, rt, follow_up):
    add_staff(rt, phone.number, StaffRole.CAMAT)
    answer = phone.say(follow_up)
    assert "para kepala desa" in answer and "*Kecamatan Gempol*" in answer and "pukul 07.00 WIB" in answer, answer
    assert not any(word in answer for word in NOT_THESE), answer


def test_a_kepala_desa_of_a_kecamatan_without_a_visit_is_told_it_comes_when_planned(phone, schedule, rt):
    add_staff(rt, phone.number, StaffRole.KADES, "Tutur")
    answer = phone.say("kapan pengumumane dikirim?")
    assert "Belum ada jadwal Kenduren Mas ke *Kecamatan Tutur*" in answer, answer


def test_a_resident_asking_when_something_is_sent_is_not_told_of_announcements(phone, schedule, rt):
    answer = phone.say("kapan dikirim pesannya?")
    assert "Pengumuman Kenduren Mas" not in answer and "kepala desa" not in answer, answer
