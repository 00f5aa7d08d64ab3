"""The console's people and rows: two dinas' petugas, a coordinator, an admin, two kepala desa, and
tickets/proposals made as the bot makes them (the same models, on SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from storage.models import Layanan, Proposal, ProposalSupport, StaffRole, TicketEvent
from tests.sending import signed_twilio  # noqa: F401 (a fixture)
from tests.whatsapp import jakarta_today
from tests.world import building

PASSWORD = "rahasia-konsol-2026"
# The staff's stored hash: scrypt as hash_password makes it, at a work factor of 2^10 instead of
# 2^15. A login checks it with the parameters the hash carries, so each of the suite's hundreds of
# logins verifies in ~2 ms of CPU instead of ~100 (the way passwords are hashed is held by
# test_people_password, through `people set-password`).
HASH = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")

ADMIN = "+6281300000002"
RINA = "+6281298765432"      # petugas Dispendukcapil
KOOR = "+6281298765400"      # coordinator Dispendukcapil
BUDI = "+6281277777777"      # petugas Dinsos
KADES_W = "+6281300000001"   # kepala desa Wonosunyo (Gempol)
KADES_K = "+6281300000003"   # kepala desa Kejapanan (Gempol)
RESIDENT = "+6281234567890"
CAMAT_G = "+6281300000009"   # camat of Gempol


@dataclass
class World:
    visit_id: int
    capil_ticket: str
    dinsos_ticket: str
    wonosunyo_proposal: str
    kejapanan_proposal: str
    wonosunyo_id: int = 0
    gempol_id: int = 0


def session_cookie(response) -> str:
    """The Set-Cookie of the console session (a login also leaves the known-device cookie)."""
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("km_console="))


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class Console:
    """A browser-less console user: keeps the cookie, reads the csrf_token off each page."""

    def __init__(self, client):
        self.client = client
        self.token = ""

    def get(self, path: str, **kw):
        response = self.client.get(path, **kw)
        html = response.get_data(as_text=True)
        response.close()
        if 'name="csrf_token"' in html:
            self.token = csrf_of(html)
        return response

    def post(self, path: str, data: dict | None = None, *, csrf: bool = True, **kw):
        data = dict(data or {})
        if csrf:
            if not self.token:
                self.get("/console/login")
            data.setdefault("csrf_token", self.token)
        return self.client.post(path, data=data, **kw)

    def login(self, phone: str, password: str = PASSWORD):
        self.get("/console/login")
        response = self.post("/console/login", {"phone": phone, "password": password})
        if response.status_code == 302:
            self.get("/console/")  # the login gave the session a new csrf_token
        return response


@pytest.fixture
def world(rt) -> World:
    now = datetime.now(UTC)
    with building(rt) as b:
        visit_id = b.visit("Gempol", jakarta_today() + timedelta(days=3))
        capil, dinsos = b.opd("dispendukcapil"), b.opd("dinsos")
        gempol = b.kecamatan("Gempol")
        wonosunyo, kejapanan = b.desa("Wonosunyo"), b.desa("Kejapanan")
        for phone, name, role, place in [
                (ADMIN, "Mbak Admin", StaffRole.ADMIN, {}),
                (RINA, "Bu Rina", StaffRole.PETUGAS, {"opd_id": capil.id}),
                (KOOR, "Pak Koor", StaffRole.PETUGAS, {"opd_id": capil.id, "is_coordinator": True}),
                (BUDI, "Pak Budi", StaffRole.PETUGAS, {"opd_id": dinsos.id}),
                (KADES_W, "Pak Kades Wonosunyo", StaffRole.KADES, {"desa_id": wonosunyo.id, "kecamatan_id": gempol.id}),
                (KADES_K, "Bu Kades Kejapanan", StaffRole.KADES, {"desa_id": kejapanan.id, "kecamatan_id": gempol.id}),
                (CAMAT_G, "Pak Camat Gempol", StaffRole.CAMAT, {"kecamatan_id": gempol.id})]:
            b.staff(phone, role, name, password_hash=HASH, **place)
        resident = b.resident(RESIDENT, name="Sumarti", desa_id=wonosunyo.id, kecamatan_id=gempol.id,
                              last_inbound_at=now)
        ktp = b.s.scalars(select(Layanan).where(Layanan.opd_id == capil.id).order_by(Layanan.id)).first()
        bansos = b.s.scalars(select(Layanan).where(Layanan.opd_id == dinsos.id).order_by(Layanan.id)).first()
        for kode, opd, layanan in (("KM-1001", capil, ktp), ("KM-2002", dinsos, bansos)):
            t = b.ticket(kode, resident, opd, visit_id, layanan_id=layanan.id, desa_id=wonosunyo.id, nama="Sumarti",
                         created_at=now - timedelta(hours=1))
            b.s.add(TicketEvent(ticket_id=t.id, at=t.created_at, actor="warga", action="dibuat", status="baru"))
        for kode, desa, text in (("US-0101", wonosunyo, "Jalan desa berlubang di RT 3"),
                                 ("US-0202", kejapanan, "Lampu penerangan jalan mati")):
            p = Proposal(kode=kode, resident_id=resident.id, kategori="jalan", desa_id=desa.id, deskripsi=text,
                         lat=-7.56, lng=112.7, support_count=1, created_at=now)
            b.s.add(p)
            b.s.flush()
            b.s.add(ProposalSupport(proposal_id=p.id, resident_id=resident.id, created_at=now))
    return World(visit_id, "KM-1001", "KM-2002", "US-0101", "US-0202", wonosunyo.id, gempol.id)


@pytest.fixture
def app(rt, settings):
    """The app with a console key of its own (nothing written under the project's instance/)."""
    from dataclasses import asdict

    from bot import create_app

    application = create_app({**asdict(settings), "console_secret_key": "test-console-key"})
    application.config["TESTING"] = True
    yield application
    application.extensions["kenduren"].dispose()


@pytest.fixture
def console(client) -> Console:
    return Console(client)


@pytest.fixture
def as_role(app, world):
    """as_role(phone) → a logged-in Console of its own (its own cookie jar)."""
    def make(phone: str) -> Console:
        c = Console(app.test_client())
        response = c.login(phone)
        assert response.status_code == 302, response.get_data(as_text=True)
        return c

    return make
