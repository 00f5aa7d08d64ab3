"""One ticket-code pattern (flows/codes.py): every code the generator can make is read back by the
resident's phrases, the petugas' #KODE commands and the console — a 7-digit code too, which the
resident's STATUS once did not know ("belum paham")."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot import create_app
from flows import codes
from flows.nlu.phrases import find_kode
from handlers.petugas_commands import CODE
from storage.models import Desa, Kecamatan, Layanan, Opd, Resident, Staff, StaffRole, Ticket, TicketStatus
from tests.console.conftest import HASH, Console
from tests.whatsapp import RINA, Phone, add_visit

PETUGAS_CODE = re.compile(rf"^{CODE}$", re.IGNORECASE)
ADMIN = "+6281300000002"


@pytest.mark.parametrize("digits", sorted(set(codes.DIGIT_STEPS)))
def test_every_length_the_generator_makes_is_read_by_residents_petugas_and_the_console(digits):
    for number in (0, 9 * 10 ** (digits - 1) - 1):
        kode = codes.new_code(codes.TICKET_PREFIX, digits, number)
        assert re.fullmatch(rf"KM-[1-9]\d{{{digits - 1}}}", kode)
        for typed in (kode, kode.lower(), kode.replace("-", " "), kode.replace("-", ""), f"#{kode}", f"# km {kode[3:]}"):
            assert codes.normalise(typed) == kode, typed  # the console's address
            assert find_kode(f"status {typed} pripun")[0] == kode, typed  # the resident's phrase
            match = PETUGAS_CODE.match(typed)  # the petugas' command
            assert match and codes.code(match.group("prefix"), match.group("digits")) == kode, typed


def test_a_code_longer_than_any_generated_or_glued_to_a_number_is_no_code():
    assert codes.normalise("KM-123456789") is None and codes.find("KM-123456789") is None
    assert codes.normalise("KM-123") is None
    assert codes.find("kode (KM-4821)") is not None and codes.find("x12KM-4821") is None


SEVEN = codes.new_code(codes.TICKET_PREFIX, 7, 234567)  # "KM-1234567", as the generator writes one


@pytest.fixture
def seven_digit_ticket(rt, staff) -> str:
    """Sumarti's KTP ticket under a 7-digit code, for Bu Rina's dinas; an admin for the console."""
    visit_id = add_visit(rt, "Gempol", 3)
    with rt.sessions.begin() as s:
        capil = s.scalars(select(Opd).where(Opd.key == "dispendukcapil")).one()
        gempol = s.scalars(select(Kecamatan).where(Kecamatan.nama == "Gempol")).one()
        desa = s.scalars(select(Desa).where(Desa.kecamatan_id == gempol.id).order_by(Desa.id)).first()
        layanan = s.scalars(select(Layanan).where(Layanan.opd_id == capil.id).order_by(Layanan.id)).first()
        resident = Resident(phone="+6281234567890", name="Sumarti", desa_id=desa.id, kecamatan_id=gempol.id,
                            last_inbound_at=datetime.now(UTC))
        s.add_all([resident, Staff(phone=ADMIN, name="Mbak Admin", role=StaffRole.ADMIN, password_hash=HASH)])
        s.flush()
        s.add(Ticket(kode=SEVEN, resident_id=resident.id, layanan_id=layanan.id, opd_id=capil.id, visit_id=visit_id,
                     desa_id=desa.id, nama="Sumarti", created_at=datetime.now(UTC)))
    return SEVEN


def test_a_seven_digit_code_is_found_by_status_by_kode_and_in_the_console(seven_digit_ticket, wa_client, rt, settings):
    assert SEVEN == "KM-1234567"
    resident = Phone(wa_client)
    answer = resident.say("STATUS km 1234567")
    assert "*KM-1234567*" in answer and "Terdaftar" in answer, answer

    petugas = Phone(wa_client, RINA, "Bu Rina")
    petugas.say("#km1234567 status diteruskan")
    with rt.sessions() as s:
        assert s.scalar(select(Ticket.status).where(Ticket.kode == SEVEN)) == TicketStatus.DITERUSKAN
    assert "Diteruskan" in resident.say("status KM-1234567")

    console_app = create_app({**asdict(settings), "console_secret_key": "test-console-key"})
    try:
        admin = Console(console_app.test_client())
        assert admin.login(ADMIN).status_code == 302
        for address in ("KM-1234567", "km1234567"):
            page = admin.get(f"/console/tiket/{address}")
            assert page.status_code == 200 and "KM-1234567" in page.get_data(as_text=True), address
    finally:
        console_app.extensions["kenduren"].dispose()
