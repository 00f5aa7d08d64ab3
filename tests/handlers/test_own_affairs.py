"""A resident's own affairs through the signed webhook, on SQLite and PostgreSQL, in residents' words:
home apart from the visit, registering for a relative, the name taken out of its sentence."""

import pytest
from sqlalchemy import select

from storage.models import Resident, Ticket
from tests.handlers.test_flows import petugas, play  # noqa: F401  (fixtures)
from tests.whatsapp import Phone, add_visit


@pytest.fixture
def far_home(rt):
    """Purwodadi comes in 3 days and Tutur in 5; Pandaan, Gempol and Tosari only in weeks."""
    return {
        "purwodadi": add_visit(rt, "Purwodadi", 3),
        "tutur": add_visit(rt, "Tutur", 5),
        "pandaan": add_visit(rt, "Pandaan", 40),
        "gempol": add_visit(rt, "Gempol", 47),
        "tosari": add_visit(rt, "Tosari", 60),
    }


def ticket_of(rt) -> Ticket:
    with rt.sessions() as s:
        ticket = s.scalars(select(Ticket)).one()
        s.expunge_all()
        return ticket


def test_pandaan_resident_takes_the_sooner_visit_in_purwodadi_and_lives_in_gempol(phone, far_home, rt):
    play(phone, [
        ("mau bikin ktp", "KTP-el", "kecamatan mana"),
        ("pandaan", "Kenduren Mas di Pandaan baru", "minggu lagi", "Kec. Purwodadi (±19 km)",
         "Kec. Pandaan (kecamatan Anda)", "Pilih tanggal lain"),
        ("purwodadi", "Nama sesuai KK?"),
        ("1", "Desa/kelurahan Anda di Kecamatan Pandaan?"),
        # The visit's kecamatan is not the home: said so, it is dropped; Gempol alone asks its desa.
        ("sy org gempol kak bkn purwodadi", "Kecamatan Gempol, desa/kelurahan apa?", "Winong"),
        ("winong", "catatan"),
        ("-", "Nama: Sumarti — Desa Winong, Kec. Gempol",
         "Datang ke: Kenduren Mas di Purwodadi", "Kantor Kecamatan Purwodadi"),
        ("1", "Terdaftar"),
    ])
    ticket = ticket_of(rt)
    assert ticket.visit_id == far_home["purwodadi"]
    with rt.sessions() as s:
        assert s.get(Ticket, ticket.id).desa.nama == "Winong"


@pytest.mark.parametrize("answer,desa", [
    ("kula tiyang tosari, desa wonokitri", "Wonokitri"),       # krama
    ("desa kutorejo kecamatan pandaan", "Kutorejo"),           # Indonesian, both named
    ("wong kutorejo", "Kutorejo"),                             # ngoko
    ("aku tinggal di ngadiwono", "Ngadiwono"),
    ("kaule oreng podokoyo", "Podokoyo"),                      # Madurese
])
def test_a_desa_of_another_kecamatan_than_the_visit(phone, far_home, rt, answer, desa):
    play(phone, [
        ("kula badhe ndamel kk", "Kartu Keluarga", "kecamatan mana"),
        ("tutur", "Kenduren Mas berikutnya di Tutur"),
        ("1", "Nama sesuai KK?"),
        ("1", "Desa/kelurahan Anda di Kecamatan Tutur?"),
        (answer, "catatan", "!tidak saya temukan"),
        ("mboten wonten", f"Desa {desa}", "Kenduren Mas di Tutur"),
    ])


def test_a_kecamatan_alone_asks_its_desa_never_stores_the_visits(phone, far_home):
    play(phone, [
        ("daftar kk", "kecamatan mana"), ("tutur", "1. Daftar"), ("1", "Nama"), ("1", "Kecamatan Tutur?"),
        ("aku tinggal di tosari", "Kecamatan Tosari, desa/kelurahan apa?", "Wonokitri", "!catatan"),
        ("wonokitri", "catatan"), ("-", "Desa Wonokitri, Kec. Tosari"),
    ])


def test_registering_for_a_child_stores_the_childs_name_not_the_sentence(phone, far_home, petugas, rt):
    play(phone, [
        ("mau daftar akta lahir", "kecamatan mana"),
        ("tutur", "1. Daftar"),
        ("1", "Nama sesuai KK?", "1. Sumarti"),
        ("eh bukan aku, nama anakku Raka Pratama", "Desa/kelurahan anak Anda di Kecamatan Tutur?"),
        ("blarang", "catatan"),
        ("-", "Nama: Raka Pratama (anak Anda) — Desa Blarang, Kec. Tutur"),
        ("1", "Terdaftar"),
    ])
    ticket = ticket_of(rt)
    assert (ticket.nama, ticket.relasi) == ("Raka Pratama", "anak")
    with rt.sessions() as s:
        resident = s.scalars(select(Resident)).one()
        assert resident.name == "Sumarti"  # the holder stays who they are
        assert resident.id == ticket.resident_id


@pytest.mark.parametrize("first,answer,name,relation", [
    ("kula badhe ndamel ktp kangge ibu kula", "asmanipun Siti Aminah", "Siti Aminah", "ibu"),
    ("daftar kk ana' kaule", "nyamana Hasan", "Hasan", "anak"),
    ("daftar ktp untuk bapak saya", "atas nama Slamet Riyadi", "Slamet Riyadi", "bapak"),
    ("gawe akta putuku", "jenenge Bagus", "Bagus", "cucu"),
])
def test_for_whom_from_the_first_message(phone, far_home, rt, first, answer, name, relation):
    who = {"ibu": "ibu Anda", "anak": "anak Anda", "bapak": "bapak Anda", "cucu": "cucu Anda"}[relation]
    play(phone, [
        (first, "kecamatan mana"),
        ("tutur", "1. Daftar"),
        ("1", f"Nama {who} sesuai KK?", "!1. Sumarti"),
        (answer, f"Desa/kelurahan {who} di Kecamatan Tutur?"),
        ("tutur", "catatan"),
        ("-", f"Nama: {name} ({who})"),
        ("1", "Terdaftar"),
    ])
    ticket = ticket_of(rt)
    assert (ticket.nama, ticket.relasi) == (name, relation)


def test_what_is_not_a_name_is_asked_again_with_an_example(phone, far_home, rt):
    play(phone, [
        ("daftar ktp", "kecamatan mana"), ("tutur", "1. Daftar"), ("1", "Nama sesuai KK?"),
        ("3514", "misalnya *Siti Aminah*", "!Desa/kelurahan"),
        ("bapak saya umur 72 tahun", "Nama bapak Anda sesuai KK?"),
        ("Slamet", "Desa/kelurahan bapak Anda"),
        ("tutur", "catatan"),
        ("-", "Nama: Slamet (bapak Anda)"),
        ("ubah nama, jenenge Slamet Riyadi tok", "Cek lagi ya", "Nama: Slamet Riyadi (bapak Anda)"),
        ("1", "Terdaftar"),
    ])
    assert ticket_of(rt).nama == "Slamet Riyadi"


@pytest.mark.parametrize("typed", ["saya mau daftar ktp untuk besok", "umure wis 30", "08123456789",
                                   "kapan jadwale"])
def test_a_sentence_or_digits_is_never_stored_as_the_name(phone, far_home, rt, typed):
    play(phone, [("daftar ktp", "kecamatan mana"), ("tutur", "1. Daftar"), ("1", "Nama sesuai KK?"),
                 (typed, "!Desa/kelurahan")])
    with rt.sessions() as s:
        assert s.scalars(select(Ticket)).all() == []


def test_kia_is_for_a_child(phone, far_home, rt):
    play(phone, [
        ("mau buat KIA", "Kartu Identitas Anak", "kecamatan mana"),
        ("tutur", "1. Daftar"),
        ("1", "Nama anak Anda sesuai KK?"),
        ("untuk ibu saya, namanya Sumini", "untuk anak di bawah 17 tahun", "KTP-el"),
        ("tutur", "catatan"),
        ("-", "Layanan: KTP-el", "Nama: Sumini (ibu Anda)"),
    ])


@pytest.mark.parametrize("answer,place", [
    ("purworejo kota pasuruan", "Kota Pasuruan"),
    ("aku wong bugul kidul", "Kota Pasuruan"),
    ("kula saking panggungrejo", "Kota Pasuruan"),
    ("sy org sidoarjo kak", "Kabupaten Sidoarjo"),
])
def test_outside_the_regency_is_said_kindly_with_the_nearest_visit(phone, rt, answer, place):
    add_visit(rt, "Kraton", 4)
    add_visit(rt, "Gempol", 9)
    nearest = "Kec. Kraton" if place == "Kota Pasuruan" else "Kec. Gempol"
    play(phone, [
        ("mau bikin kk", "kecamatan mana"),
        (answer, f"{place} tidak termasuk", "Kabupaten Pasuruan", "Jadwal terdekat", nearest,
         "!Maksudnya Kecamatan"),
        (nearest.removeprefix("Kec. ").lower(), "1. Daftar untuk tanggal ini"),
    ])


def test_outside_at_the_desa_question_and_for_reminders(phone, far_home):
    play(phone, [
        ("ingatkan saya", "kecamatan mana"),
        ("sidoarjo", "Kabupaten Sidoarjo tidak termasuk", "Kec. Gempol"),
        ("gempol", "*Kecamatan Gempol*", "Setuju?"),
        ("2", "tidak ada pengingat"),
        ("daftar kk", "kecamatan mana"), ("tutur", "1. Daftar"), ("1", "Nama"),
        ("1", "Desa/kelurahan"),
        ("sy wong gadingrejo kota pasuruan", "Kota Pasuruan tidak termasuk", "!catatan"),
    ])


@pytest.mark.parametrize("answer,then,desa", [
    ("nggih", "catatan", "Desa Blarang"),                                   # the offer taken
    ("2", "Desa/kelurahan Anda di Kecamatan Tutur?", None),                 # "Lain": asked as usual
    ("wong ngembal", "catatan", "Desa Ngembal"),                            # another typed at once
])
def test_a_known_desa_is_offered_not_asked_again(phone, far_home, rt, answer, then, desa):
    play(phone, [("daftar kk", "kecamatan mana"), ("tutur", "1. Daftar"), ("1", "Nama"), ("1", "Desa/kelurahan"),
                 ("blarang", "catatan"), ("-", "Cek lagi"), ("1", "Terdaftar")])
    play(phone, [("daftar kk", "1. Daftar"), ("1", "Nama"), ("1", "Desa Blarang, Kec. Tutur?", "1. Ya", "2. Lain"),
                 (answer, then)])
    if desa:
        play(phone, [("-", f"{desa}, Kec. Tutur")])


def test_the_kepala_desa_link_gives_the_desa(phone, far_home):
    from flows.referral import referral_text

    play(phone, [(referral_text("Gerbo", "35.14.01.2001"), "Gerbo"),
                 ("daftar kk", "Kenduren Mas berikutnya di Purwodadi"), ("1", "Nama"),
                 ("1", "Desa Gerbo, Kec. Purwodadi?", "1. Ya"), ("1", "catatan")])


@pytest.mark.parametrize("first", ["kula badhe ndamel ktp, kenduren mas dhateng bangil kapan nggih"])
def test_two_requests_in_one_message_the_schedule_answered_then_the_service(phone, rt, first):
    add_visit(rt, "Bangil", 6)
    play(phone, [(first, "Kecamatan Bangil", "1. Daftar layanan untuk jadwal ini"),
                 ("1", "*KTP-el*", "Nama sesuai KK?", "!Layanan apa yang ingin diurus")])


def test_a_registration_with_its_when_question_starts_with_the_date_inline(phone, rt):
    # Since 5669e34 a register verb, a service, a kecamatan and "kapan" in one message start the registration
    # at once, its first reply naming the visit's date, hours and place (the when answered inline).
    add_visit(rt, "Bangil", 6)
    play(phone, [("mau daftar ktp, kenduren mas ke bangil kapan ya", "*KTP-el*", "Kenduren Mas berikutnya di Bangil",
                  "1. Daftar untuk tanggal ini", "!Layanan apa yang ingin diurus"),
                 ("1", "Nama sesuai KK?")])


def test_a_pin_answers_the_kecamatan_and_the_desa(phone, far_home):
    play(phone, [("daftar kk", "kecamatan mana")])
    # Desa Gerbo's centre (Kec. Purwodadi), sent as a WhatsApp location.
    assert "Kenduren Mas berikutnya di Purwodadi" in phone.say("", Latitude="-7.853644", Longitude="112.772217")
    play(phone, [("1", "Nama"), ("1", "Desa/kelurahan")])
    assert "catatan" in phone.say("", Latitude="-7.853644", Longitude="112.772217")
    play(phone, [("-", "Desa Gerbo, Kec. Purwodadi")])


@pytest.mark.parametrize("answer", [
    "adoh kabeh, sing purwodadi wae",            # ngoko, with a complaint first
    "purwodadi gpp biar cepet",                  # Indonesian slang
    "ingkang wonten purwodadi mawon, kula kesesa",  # krama, a reason after
])
def test_a_nearby_visit_named_amid_other_words_is_picked(phone, far_home, rt, answer):
    """An offered visit named with more words than its label was read as a new schedule question and the
    registration dropped ('pendaftaran layanan tadi saya tinggalkan')."""
    play(phone, [("mau bikin ktp", "kecamatan mana"), ("pandaan", "Kec. Purwodadi"),
                 (answer, "Nama sesuai KK?", "!tidak saya lanjutkan")])
