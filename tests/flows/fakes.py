"""A facts object in memory (flows.facts.Facts) and a Turn builder: flow and policy tests run
without HTTP or a database. The recogniser is the real one (pure, built from the reference files)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import cache
from typing import Any, Mapping, Sequence

from catalogue import render_say
from flows import dates
from flows.engine import ResidentView, Turn
from flows.facts import (
    AntreanDay, Attachment, DesaRef, LayananView, NearbyVisit, OpdRef, OutsidePlace, OwnTicket, PetugasContact, ScheduleAnswer,
    SimilarProposal, SourcedAnswer, StaffAnnouncements, StatusItem, VisitState, VisitView,
)
from storage import reference

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)


@cache
def _opds() -> dict[str, OpdRef]:
    return {o.key: o for o in reference.opd()}


def _visit(id_: int, kecamatan: str, tanggal: date, status: VisitState = "planned") -> VisitView:
    return VisitView(id=id_, kecamatan=kecamatan, tanggal=tanggal, tanggal_text=dates.tanggal(tanggal),
                     jam_text="08.00–13.00 WIB", lokasi=f"Kantor Kecamatan {kecamatan}", status=status,
                     opd=(_opds()["dispendukcapil"],), is_today=False, moved_to_text=None)


def own_ticket(kode: str = "KM-0001", visit: VisitView | None = None, nama: str = "Siti Aminah") -> OwnTicket:
    """An open ticket of the resident's (Dispendukcapil, KTP-el) for `visit` (Gempol's by default)."""
    return OwnTicket(kode=kode, layanan="KTP-el", opd=_opds()["dispendukcapil"], nama=nama, relasi=None,
                     status="baru", visit=visit or _visit(1, "Gempol", date(2026, 12, 10)))


@dataclass
class FakeFacts:
    visits: list[VisitView] = field(default_factory=lambda: [
        _visit(1, "Gempol", date(2026, 12, 10)), _visit(2, "Purwosari", date(2026, 12, 24)),
        _visit(3, "Bangil", date(2026, 12, 17))])
    similar: list[SimilarProposal] = field(default_factory=list)
    items: list[StatusItem] = field(default_factory=list)
    attachment: Attachment | None = None
    tickets: list[OwnTicket] = field(default_factory=list)
    subscribed: list[str] = field(default_factory=list)  # the kecamatan of the resident's reminders

    def next_visits(self, kecamatan: str | None = None, limit: int = 3) -> Sequence[VisitView]:
        return [v for v in self.visits if kecamatan in (None, v.kecamatan)][:limit]

    def next_visit_to(self, kecamatan: str) -> ScheduleAnswer:
        found = self.next_visits(kecamatan, 1)
        return ScheduleAnswer(found[0] if found else None)

    def visit(self, visit_id: int) -> VisitView | None:
        return next((v for v in self.visits if v.id == visit_id), None)

    def visits_near(self, kecamatan: str, limit: int = 10, within_km: float | None = None) -> Sequence[NearbyVisit]:
        where = {k.nama: (k.lat, k.lng) for k in reference.kecamatan()}
        if kecamatan not in where:
            return []
        return self.visits_from(*where[kecamatan], limit, within_km)

    def visits_from(self, lat: float, lng: float, limit: int = 10,
                    within_km: float | None = None) -> Sequence[NearbyVisit]:
        from flows.places import km_between

        where = {k.nama: (k.lat, k.lng) for k in reference.kecamatan()}
        near = [NearbyVisit(v, km_between(lat, lng, *where[v.kecamatan]))
                for v in sorted(self.visits, key=lambda v: v.tanggal) if v.status == "planned"]
        return [n for n in near if within_km is None or n.km <= within_km][:limit]

    def outside_places(self) -> Sequence[OutsidePlace]:
        return reference.luar_kabupaten()

    def layanan(self, key: str) -> LayananView | None:
        return next((s for s in self.layanan_list() if s.key == key), None)

    def layanan_list(self) -> Sequence[LayananView]:
        return [LayananView(key=s.key, nama_pendek=s.nama_pendek, opd=_opds()[s.opd_key],
                            persyaratan=s.persyaratan,
                            selesai_di_tempat=s.selesai_di_tempat)
                for s in reference.layanan()]

    def opd_list(self) -> Sequence[OpdRef]:
        return list(_opds().values())

    def recent_attachment(self) -> Attachment | None:
        return self.attachment

    def nearest_desa(self, lat: float, lng: float) -> DesaRef | None:
        return min(reference.desa(), key=lambda d: (d.lat - lat) ** 2 + (d.lng - lng) ** 2)

    def sourced_answers(self) -> Sequence[SourcedAnswer]:
        return [SourcedAnswer(kunci=r.kunci, layanan=r.layanan, jawaban=r.jawaban, sumber=r.sumber,
                              confirmed=r.confirmed) for r in reference.tanya_jawab()]

    def question_examples(self) -> Sequence[tuple[str, str]]:
        return reference.tanya_jawab_contoh()

    def petugas_contact(self, opd_key: str) -> PetugasContact | None:
        return None

    def ticket_for_resident(self, kode: str) -> StatusItem | None:
        return next((i for i in self.items if i.kode == kode.upper()), None)

    def open_items_of_resident(self) -> Sequence[StatusItem]:
        return self.items

    def own_tickets(self) -> Sequence[OwnTicket]:
        return list(self.tickets)

    def subscriptions(self) -> Sequence[str]:
        return tuple(self.subscribed)

    def similar_proposals(self, desa: str, kecamatan: str, text: str) -> Sequence[SimilarProposal]:
        return self.similar

    def nearest_kecamatan(self, lat: float, lng: float) -> str | None:
        return "Gempol"

    def desa_by_kode(self, kode: str) -> DesaRef | None:
        return next((d for d in reference.desa() if d.kode == kode), None) if kode == "35.14.12.2001" else None

    def own_desa_link(self) -> tuple[str, str | None] | None:
        return None

    def own_announcements(self) -> StaffAnnouncements | None:
        return None

    def antrean_today(self) -> AntreanDay:
        return AntreanDay()


@cache
def recogniser():
    from core.nlu import build_recogniser

    return build_recogniser()


RESIDENT = ResidentView(name=None, profile_name="Sumarti", kecamatan=None, desa=None,
                        opted_out=False, channel="whatsapp")


def turn(text: str, slots: Mapping[str, Any] | None = None, facts: FakeFacts | None = None, *,
         intent: str | None = None, confidence: float | None = None, **extra) -> Turn:
    """A Turn as the handler builds it; intent/confidence from the real recogniser unless given."""
    nlu = recogniser()
    understood = nlu.understand(text) if text else None
    return Turn(text=text, intent=intent or (understood.intent if understood else "diluar_topik"),
                entities=dict(understood.entities) if understood else {},
                confidence=confidence if confidence is not None else (understood.confidence if understood else 0.0),
                slots=dict(slots or {}), resident=RESIDENT, facts=facts or FakeFacts(), nlu=nlu, now=NOW,
                **{"render": render_say, **extra})
