"""The one builder of a test's world: `with building(rt) as b:` opens a transaction in which the reference
rows are looked up by name (kecamatan, desa, dinas, layanan) and visits, subscribers, staff, residents and
tickets are added with the fields each test needs. Each module's `world` says what its world holds; the
builder says how a row is made."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

from sqlalchemy import select

from storage.models import Desa, Kecamatan, Layanan, Opd, Resident, Staff, Ticket
from tests.sending import add_kades, add_residents, add_visit


class Builder:
    def __init__(self, session):
        self.s = session

    # -- the reference data, by name -------------------------------------------------------------------
    def kecamatan(self, nama: str) -> Kecamatan:
        return self.s.scalars(select(Kecamatan).where(Kecamatan.nama == nama)).one()

    def desa(self, nama: str, kecamatan: str = "Gempol") -> Desa:
        return self.s.scalars(select(Desa).join(Kecamatan).where(Desa.nama == nama, Kecamatan.nama == kecamatan)).one()

    def opd(self, key: str | None = None) -> Opd:
        """The dinas of that key; without one, the first dinas."""
        if key is None:
            return self.s.scalars(select(Opd).order_by(Opd.id)).first()
        return self.s.scalars(select(Opd).where(Opd.key == key)).one()

    def layanan(self, key: str) -> Layanan:
        return self.s.scalars(select(Layanan).where(Layanan.key == key)).one()

    # -- what a test adds --------------------------------------------------------------------------------
    def visit(self, kecamatan: str, day: date, **times) -> int:
        """A planned visit with every dinas at the kecamatan's office (tests.sending.add_visit)."""
        return add_visit(self.s, kecamatan, day, **times)

    def subscribers(self, kecamatan: str, count: int, **fields) -> list[int]:
        """Residents subscribed to the kecamatan's reminders (tests.sending.add_residents)."""
        return add_residents(self.s, kecamatan, count, **fields)

    def kades(self, desa: str, kecamatan: str, n: int, **fields) -> int:
        return add_kades(self.s, desa, kecamatan, n, **fields)

    def staff(self, phone: str, role, name: str | None = None, **fields) -> Staff:
        """Without a name: the role and the number's last two digits ("camat 01")."""
        person = Staff(phone=phone, name=name or f"{role} {phone[-2:]}", role=role, **fields)
        self.s.add(person)
        return person

    def resident(self, phone: str, **fields) -> Resident:
        person = Resident(phone=phone, **fields)
        self.s.add(person)
        self.s.flush()
        return person

    def ticket(self, kode: str, resident: Resident, opd: Opd, visit_id: int, **fields) -> Ticket:
        ticket = Ticket(kode=kode, resident_id=resident.id, opd_id=opd.id, visit_id=visit_id, **fields)
        self.s.add(ticket)
        self.s.flush()
        return ticket


@contextmanager
def building(rt):
    with rt.sessions.begin() as s:
        yield Builder(s)
