"""A registration whose first message already names the desa (issue #14, item 3): the desa is not
asked again, shows in the summary and can still be changed there; a name is offered only where the
resident says it is theirs. Through the signed webhook on SQLite and PostgreSQL."""

from sqlalchemy import select

from storage.models import Ticket
from tests.whatsapp import add_visit

HARTONO = "Saya Bapak Hartono dari Desa Ngerong, Kecamatan Gempol, KTP saya hilang, mau urus di Kenduren Mas"


def ticket_desa(rt) -> tuple[str, str, str]:
    with rt.sessions() as s:
        t = s.scalars(select(Ticket)).one()
        return t.nama, t.desa.nama, t.desa.kecamatan.nama


def test_desa_of_the_first_message_is_not_asked_again_and_can_be_changed(phone, rt):
    add_visit(rt, "Gempol", 10)
    assert "Kenduren Mas berikutnya di Gempol" in phone.say(HARTONO)
    asked = phone.say("1")
    assert "Sumarti" in asked  # "Saya Bapak Hartono" is not taken as a name: the profile name is offered
    answer = phone.say("Hartono")
    assert "Desa Ngerong, Kec. Gempol (dari pesan Anda" in answer and "Desa/kelurahan Anda" not in answer
    summary = phone.say("lewati")
    assert "• Nama: Hartono — Desa Ngerong, Kec. Gempol" in summary
    assert "Apa yang ingin diubah?" in phone.say("2")
    assert "Desa/kelurahan Anda di Kecamatan Gempol?" in phone.say("2")
    summary = phone.say("Wonosunyo")
    assert "• Nama: Hartono — Desa Wonosunyo, Kec. Gempol" in summary
    assert "Kode tiket" in phone.say("1")
    assert ticket_desa(rt) == ("Hartono", "Wonosunyo", "Gempol")


def test_a_stated_name_is_offered_and_an_ambiguous_desa_is_asked(phone, rt):
    add_visit(rt, "Gempol", 10)
    # Sumbersuko is a desa of three kecamatan, none named: the kecamatan is asked, then the desa.
    assert "tinggal di kecamatan mana?" in phone.say("nami kula Siti Aminah, badhe ndamel KK, desa Sumbersuko")
    assert "Kenduren Mas berikutnya di Gempol" in phone.say("gempol")
    assert "1. Siti Aminah" in phone.say("1")
    assert "Desa/kelurahan Anda di Kecamatan Gempol?" in phone.say("1")
    phone.send("sumbersuko")
    assert "• Nama: Siti Aminah — Desa Sumbersuko, Kec. Gempol" in phone.say("lewati")
    assert "Kode tiket" in phone.say("ya")
    assert ticket_desa(rt) == ("Siti Aminah", "Sumbersuko", "Gempol")
