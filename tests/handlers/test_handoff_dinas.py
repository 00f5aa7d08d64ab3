"""A chat asked for goes to the dinas of the service or ticket in context, not to the helpdesk, when
that dinas has an active petugas (signed webhook, SQLite and PostgreSQL; residents' words)."""

import pytest
from sqlalchemy import select

from storage.models import Opd, Staff, StaffRole, Ticket
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)
from tests.whatsapp import BUDI, RINA, outbox

HELPDESK = "+6281255500001"


@pytest.fixture
def helpdesk(rt, staff):
    """Bu Rina (Dispendukcapil), Pak Budi (Dinas Sosial) and Mas Dodi at the Diskominfo helpdesk."""
    with rt.sessions.begin() as s:
        kominfo = s.scalars(select(Opd).where(Opd.key == "diskominfo")).one()
        s.add(Staff(phone=HELPDESK, name="Mas Dodi", role=StaffRole.PETUGAS, opd_id=kominfo.id))


def chat_dinas(rt) -> list[str]:
    with rt.sessions() as s:
        return [t.opd.key for t in s.scalars(select(Ticket).where(Ticket.catatan == "Minta bicara dengan petugas"))]


@pytest.mark.parametrize("question, asked", [
    ("ngurus kk mbayar ta?", "PETUGAS"),
    ("nyuwun sewu, KK menika saged dipun wakilaken?", "kula badhe matur kaliyan petugas"),  # krama
    ("ktp ku ilang, kudu surat polisi ta?", "aku pengen ngomong karo wong"),
])
def test_after_an_answer_about_a_service_a_person_is_that_services_dinas(phone, schedule, helpdesk, rt,
                                                                          question, asked):
    play(phone, [(question, "📚 Sumber:"), (asked, "petugas *Dispendukcapil*")])
    assert chat_dinas(rt) == ["dispendukcapil"]
    assert outbox(rt, RINA) and not outbox(rt, HELPDESK)


def test_two_misses_mid_registration_then_yes_goes_to_the_services_dinas(phone, schedule, helpdesk, rt):
    play(phone, [("mau daftar bansos pkh", "kecamatan mana"), ("xq zzv bbrr", ""), ("qqq www eee", "petugas"),
                 ("iyo", "petugas *Dinas Sosial*")])
    assert outbox(rt, BUDI) and not outbox(rt, HELPDESK)


def test_a_ticket_holder_asking_about_another_dinas_gets_that_dinas(phone, schedule, helpdesk, rt):
    play(phone, [("mau urus kk", "Kartu Keluarga"), ("gempol", "1. Daftar"), ("1", "Nama sesuai KK?"),
                 ("1", "Desa/kelurahan"), ("gempol", "catatan"), ("gak ada", "Cek lagi"), ("ya daftarkan", "Terdaftar")])
    play(phone, [("sambungno karo petugas dinsos, takon bansos", "petugas *Dinas Sosial*")])
    assert outbox(rt, BUDI) and not outbox(rt, HELPDESK)
    assert not outbox(rt, RINA)  # the KK registration is not the chat about bansos


def test_a_ticket_holder_asking_for_a_person_gets_their_tickets_dinas(phone, schedule, helpdesk, rt):
    play(phone, [("mau urus kk", "Kartu Keluarga"), ("gempol", "1. Daftar"), ("1", "Nama sesuai KK?"),
                 ("1", "Desa/kelurahan"), ("gempol", "catatan"), ("gak ada", "Cek lagi"), ("ya daftarkan", "Terdaftar")])
    play(phone, [("kula nyuwun dipun sambungaken kaliyan petugas", "petugas *Dispendukcapil*")])  # krama
    assert outbox(rt, RINA) and not outbox(rt, HELPDESK)


def test_a_dinas_without_petugas_falls_back_to_the_helpdesk(phone, schedule, helpdesk, rt):
    play(phone, [("kartu kuning gratis ta?", "📚 Sumber:"), ("PETUGAS", "")])
    assert outbox(rt, HELPDESK)  # Disnaker has nobody on WhatsApp
