"""A camat writing to the bot gets their own help, and is otherwise answered like a resident."""

from sqlalchemy import select

from storage.models import Kecamatan, Staff, StaffRole
from tests.whatsapp import Phone, add_visit

CAMAT = "+6281355500001"


def test_camat_gets_their_own_help_and_asks_the_schedule_like_a_resident(wa_client, rt):
    with rt.sessions.begin() as s:
        s.add(Staff(phone=CAMAT, name="Pak Camat", role=StaffRole.CAMAT,
                    kecamatan_id=s.scalar(select(Kecamatan.id).where(Kecamatan.nama == "Gempol"))))
    add_visit(rt, "Gempol", 10)
    them = Phone(wa_client, CAMAT, "Pak Camat")
    help_text = them.say("bantuan")
    assert "*Camat Gempol*" in help_text and "diteruskan ke para kepala desa" in help_text and "#KODE" not in help_text
    assert "Kenduren Mas ke *Kecamatan Gempol*" in them.say("kapan kenduren mas ke gempol?")
