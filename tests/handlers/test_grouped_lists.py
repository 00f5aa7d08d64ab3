"""More than ten choices on WhatsApp, on SQLite and PostgreSQL, through the signed webhook: the 19
services as a list of dinas first, then the dinas' own services (a dinas with one service picks it at
once); the kecamatan question as a list of areas, then the area's kecamatan. Typed names and the
numbers of the full numbered list keep working as before; a tap on an earlier list is stale."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from flows.engine import say
from flows.layanan import dinas_groups
from flows.places import AREAS, with_areas
from handlers import interactive
from handlers.facts import DbFacts
from handlers.interactive import LIST_PICKER, interactive_of
from storage.models import Conversation, Ticket
from tests.whatsapp import Phone, add_visit


def _asked(rt) -> str | None:
    with rt.sessions() as s:
        return s.scalars(select(Conversation.asked)).one()


def _service_question(rt):
    from flows.layanan import _by_dinas, _service_option

    with rt.sessions() as s:
        services = DbFacts(s, None, datetime.now(timezone.utc), "Asia/Jakarta").layanan_list()
        return say("layanan.choose", options=[_service_option(x) for x in services], groups=_by_dinas(services)), \
            dinas_groups(services)


def _registered(rt) -> list[tuple[str, str]]:
    with rt.sessions() as s:
        return [(t.layanan.key, t.nama) for t in s.scalars(select(Ticket).order_by(Ticket.id))]


def _finish(phone: Phone) -> str:
    """From the visit offered to the ticket: the date, the name offered, the desa, no note, yes."""
    phone.say("1")  # Daftar tanggal ini
    phone.say("1")  # the WhatsApp name, Sumarti
    phone.say("Kolursari")
    phone.say("-")
    return phone.say("1")


# -- the shapes ---------------------------------------------------------------------------------------------
def test_the_services_are_a_list_of_dinas_within_twilios_limits(rt):
    question, groups = _service_question(rt)
    content = interactive_of(question)
    assert content.kind == LIST_PICKER and content.size == len(groups) <= interactive.LIST_MAX
    titles = [c.title for c in content.choices]
    assert titles[0] == "Dispendukcapil" and "Dinas Sosial" in titles and titles[-1] == "Layanan lain"
    assert len(set(titles)) == len(titles)
    assert all(0 < len(c.title) <= 24 and len(c.description) <= 72 for c in content.choices)
    assert content.choices[0].description.startswith("KTP-el, KTP-el hilang/rusak, Kartu Keluarga (KK)")
    assert "ketik nama layanannya" in content.body and len(content.body) <= 1024
    # The fallback (and SMS, and the chat) is the full numbered list, as before.
    assert "19. " in content.text and "1. KTP-el — Dispendukcapil" in content.text
    assert interactive.render_for([question], "sms").question is None
    # Every group tapped back by its id.
    for n, choice in enumerate(content.choices, start=1):
        assert interactive.tap_of(choice.id) == interactive.Tap(interactive.question_token(question), n, True)


def test_the_kecamatan_question_is_a_list_of_areas():
    question = with_areas(say("layanan.ask_kecamatan"))
    content = interactive_of(question)
    assert content.kind == LIST_PICKER and content.size == len(AREAS) <= 10
    assert [c.description for c in content.choices][0] == "Gempol, Beji, Bangil"
    assert all(0 < len(c.title) <= 24 and len(c.description) <= 72 for c in content.choices)
    # SMS: the question as typed today, no list.
    assert interactive.render_for([question], "sms").texts == ["Bapak/Ibu tinggal di kecamatan mana?"]


# -- through the webhook -------------------------------------------------------------------------------------
def test_a_tap_through_dinas_then_service_registers_that_service(phone, rt):
    add_visit(rt, "Bangil", 5)
    reply = phone.say("mau daftar layanan")
    assert "Layanan apa yang ingin diurus" in reply
    dinas_list = _asked(rt)
    # Dispendukcapil (the first dinas), then its third service, KK.
    reply = phone.say("Dispendukcapil", ListId=f"{dinas_list}.g1", ListTitle="Dispendukcapil")
    assert "Layanan Dispendukcapil yang mana?" in reply and "9. Pilih dinas lain" in reply
    within = _asked(rt)
    assert within != dinas_list
    reply = phone.say("Kartu Keluarga (KK)", ListId=f"{within}.3", ListTitle="Kartu Keluarga (KK)")
    assert "Kartu Keluarga (KK)" in reply and "kecamatan mana" in reply
    # The kecamatan: the area (Barat laut), then Bangil in it.
    areas = _asked(rt)
    reply = phone.say("Barat laut", ListId=f"{areas}.g1", ListTitle="Barat laut")
    assert "Wilayah Barat laut: kecamatan yang mana?" in reply and "3. Bangil" in reply
    reply = phone.say("Bangil", ListId=f"{_asked(rt)}.3", ListTitle="Bangil")
    assert "berikutnya di Bangil" in reply
    assert "Terdaftar" in _finish(phone)
    assert _registered(rt) == [("kk", "Sumarti")]


def test_a_dinas_with_one_service_picks_it_directly(phone, rt):
    phone.say("daftar layanan")
    _, groups = _service_question(rt)
    n = next(i for i, g in enumerate(groups, start=1) if [s.key for s in g] == ["bansos"])
    reply = phone.say("Dinas Sosial", ListId=f"{_asked(rt)}.g{n}", ListTitle="Dinas Sosial")
    assert "Bansos (PKH/BPNT)" in reply and "kecamatan mana" in reply


def test_other_dinas_goes_back_to_the_list_of_dinas(phone, rt):
    phone.say("daftar layanan")
    phone.say("Dispendukcapil", ListId=f"{_asked(rt)}.g1", ListTitle="Dispendukcapil")
    reply = phone.say("Pilih dinas lain", ListId=f"{_asked(rt)}.9", ListTitle="Pilih dinas lain")
    assert "Layanan apa yang ingin diurus" in reply and "19. " in reply


def test_typed_service_names_and_numbers_of_the_full_list_still_work(phone, rt):
    add_visit(rt, "Bangil", 5)
    phone.say("daftar layanan")
    assert "Akta kelahiran" in phone.say("akta lahir")  # a name, at the first level
    phone.say("batal")
    phone.say("daftar layanan")
    # "3" is the third of the 19 shown in the numbered text (KK), not the third dinas.
    reply = phone.say("3")
    assert "Kartu Keluarga (KK)" in reply and "kecamatan mana" in reply
    assert "berikutnya di Bangil" in phone.say("bangil")  # the kecamatan typed, as before
    assert "Terdaftar" in _finish(phone)
    assert _registered(rt) == [("kk", "Sumarti")]


def test_a_name_typed_at_the_dinas_services_list_is_read_too(phone, rt):
    phone.say("daftar layanan")
    phone.say("Dispendukcapil", ListId=f"{_asked(rt)}.g1", ListTitle="Dispendukcapil")
    assert "Kartu tani / pertanian" in phone.say("kartu tani")  # another dinas' service, by name


def test_a_stale_tap_on_the_list_of_dinas_changes_nothing(phone, rt):
    phone.say("daftar layanan")
    dinas_list = _asked(rt)
    phone.say("Dispendukcapil", ListId=f"{dinas_list}.g1", ListTitle="Dispendukcapil")
    with rt.sessions() as s:
        before = s.scalars(select(Conversation)).one()
        state = (before.flow, before.state, dict(before.slots), before.asked)
    reply = phone.say("Dinas Sosial", ListId=f"{dinas_list}.g4", ListTitle="Dinas Sosial")
    assert "Tombol itu dari pertanyaan sebelumnya" in reply
    with rt.sessions() as s:
        after = s.scalars(select(Conversation)).one()
        assert (after.flow, after.state, dict(after.slots), after.asked) == state
    assert "Akta kelahiran" in phone.say("5")  # the list shown last still answers: its 5th, Akta kelahiran


def test_the_kecamatan_by_area_for_reminders_and_the_schedule(phone, rt):
    add_visit(rt, "Lekok", 4)
    assert "Pengingat untuk kecamatan mana" in phone.say("ingatkan saya")
    reply = phone.say("Pesisir timur", ListId=f"{_asked(rt)}.g7", ListTitle="Pesisir timur")
    assert "Wilayah Pesisir timur" in reply and "2. Lekok" in reply
    reply = phone.say("Lekok", ListId=f"{_asked(rt)}.2", ListTitle="Lekok")
    assert "Kecamatan Lekok" in reply and "Setuju?" in reply
    phone.say("batal")
    # Typing the kecamatan in the area's list works as anywhere: a name outside the area too.
    phone.say("ingatkan saya")
    phone.say("Pesisir timur", ListId=f"{_asked(rt)}.g7", ListTitle="Pesisir timur")
    assert "Kecamatan Pandaan" in phone.say("pandaan")


def test_the_area_list_is_not_a_number_for_sms(rt, wa_client):
    """SMS keeps the typed question: no list, no hidden numbers."""
    sms = Phone(wa_client, number="+6281355550000")
    reply = sms.say("ingatkan saya", From="+6281355550000")  # over REST, as typed text
    assert "Pengingat untuk kecamatan mana? Ketik nama kecamatannya." in reply and "Barat laut" not in reply


def test_the_schedule_question_takes_an_area_then_its_kecamatan(phone, rt):
    add_visit(rt, "Gempol", 3)
    add_visit(rt, "Tosari", 9)
    assert "Ketik nama kecamatan Anda" in phone.say("jadwal kenduren mas")
    reply = phone.say("Barat laut", ListId=f"{_asked(rt)}.g1", ListTitle="Barat laut")
    assert "Wilayah Barat laut" in reply and "1. Gempol" in reply
    assert "Kecamatan Gempol" in phone.say("Gempol", ListId=f"{_asked(rt)}.1", ListTitle="Gempol")


def test_a_service_not_recognised_is_asked_again_with_the_list_of_dinas(phone, rt):
    phone.say("daftar layanan")
    first = _asked(rt)
    assert "Layanannya belum saya kenali" in phone.say("anu lho mas")
    again = _asked(rt)
    assert again is not None and again != first  # the re-ask carries the dinas list: its taps answer it
    reply = phone.say("Dispendukcapil", ListId=f"{again}.g1", ListTitle="Dispendukcapil")
    assert "Layanan Dispendukcapil yang mana?" in reply
