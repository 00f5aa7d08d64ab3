"""Read-only answers to the questions flows ask (flows.facts.Facts), from the database, as the
frozen views of flows/facts.py (a flow never holds a row or a dict of one)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from functools import cache
from typing import Sequence
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from flows.dates import tanggal
from flows.facts import (
    Attachment, DesaRef, LayananView, NearbyVisit, OpdRef, OutsidePlace, OwnTicket, PetugasContact, ProposalView, Requirement, ScheduleAnswer,
    SimilarProposal, SourcedAnswer, StaffAnnouncements, StatusItem, TicketView, VisitView, mismatches,
)
from flows.phones import readable
from flows.referral import wa_me_link
from flows.reminder_plan import CAMAT_BRIEF_DAYS, STAFF_AT, parse_plan
from flows.policy import ATTACHMENT_KEPT, media_kind
from flows.places import km_between
from handlers.antrean.facts import QueueFacts
from handlers.views import change_view, desa_ref, opd_ref, visit_view
from storage.subscriptions import kecamatan_of
from storage.models import (  # noqa: F401  (CLOSED_TICKET: handlers import it from here too)
    CLOSED_TICKET, Desa, InboundMessage, Kecamatan, Layanan, Opd, Proposal, ProposalStatus, Resident, Staff,
    StaffRole, Ticket, TicketAction, TicketStatus, Visit,
)
from storage.schedule import next_visit, upcoming_planned

SIMILAR_SCORE = 60
CHAT_ACTIONS = (TicketAction.BALAS, TicketAction.PERCAKAPAN_DITUTUP)


def next_petugas(session: Session, opd_id: int) -> Staff | None:
    """The OPD's active petugas who was assigned longest ago (round-robin)."""
    return session.scalar(
        select(Staff)
        .where(Staff.opd_id == opd_id, Staff.role == StaffRole.PETUGAS, Staff.active.is_(True))
        .order_by(Staff.last_assigned_at.is_not(None), Staff.last_assigned_at, Staff.id)
        .limit(1)
    )


# How far ahead nearby visits are looked for (a rotation through 24 kecamatan comes round in ~6 months).
NEARBY_HORIZON_DAYS = 200


class DbFacts(QueueFacts):
    def __init__(self, session: Session, resident: Resident, now: datetime, timezone: str,
                 show_petugas_phone: bool = True, bot_number: str = "", reminder_plan: str = ""):
        self.s = session
        self.reminder_plan = reminder_plan  # Settings.reminder_plan: when a kepala desa's announcements go
        self.bot_number = bot_number  # Settings.bot_whatsapp_number: the kepala desa's wa.me link is built on it
        self.show_petugas_phone = show_petugas_phone  # Settings.show_petugas_phone
        self.resident = resident
        self.now, self.timezone = now, timezone
        self.zone = ZoneInfo(timezone)
        self.today = now.astimezone(self.zone).date()

    def next_visits(self, kecamatan: str | None = None, limit: int = 3) -> Sequence[VisitView]:
        """Visits that will happen (planned), earliest first; storage.schedule holds the rule."""
        kecamatan_id = self._kecamatan_id(kecamatan) if kecamatan else None
        if kecamatan and kecamatan_id is None:
            return []
        return [visit_view(v, self.today) for v in upcoming_planned(self.s, self.today, kecamatan_id, limit)]

    def next_visit_to(self, kecamatan: str) -> ScheduleAnswer:
        """The next visit to a kecamatan and the changes to tell first (storage.schedule.next_visit)."""
        kecamatan_id = self._kecamatan_id(kecamatan)
        if kecamatan_id is None:
            return ScheduleAnswer(None)
        answer = next_visit(self.s, kecamatan_id, self.today)
        return ScheduleAnswer(visit_view(answer.visit, self.today) if answer.visit else None,
                              tuple(change_view(c) for c in answer.changes))

    def visits_near(self, kecamatan: str, limit: int = 10, within_km: float | None = None) -> Sequence[NearbyVisit]:
        """The soonest `limit` planned visits whose kecamatan office is within `within_km` of this one's (the
        wilayah coordinates), soonest first. The distance filters before the limit: a neighbour's visit behind
        a dozen far ones is still found (a full rotation has dozens of visits ahead)."""
        home = self.s.scalar(select(Kecamatan).where(Kecamatan.nama == kecamatan))
        if home is None:
            return []
        return self.visits_from(home.lat, home.lng, limit, within_km)

    def visits_from(self, lat: float, lng: float, limit: int = 10,
                    within_km: float | None = None) -> Sequence[NearbyVisit]:
        """visits_near from a point (an outsider's own kecamatan, storage/reference/luar_kabupaten.csv)."""
        ahead = upcoming_planned(self.s, self.today, None, None if within_km is not None else limit,
                                 until=self.today + timedelta(days=NEARBY_HORIZON_DAYS) if within_km is not None else None)
        near = [NearbyVisit(visit_view(v, self.today), km_between(lat, lng, v.kecamatan.lat, v.kecamatan.lng))
                for v in ahead]
        return [n for n in near if within_km is None or n.km <= within_km][:limit]

    def _kecamatan_id(self, nama: str) -> int | None:
        return self.s.scalar(select(Kecamatan.id).where(Kecamatan.nama == nama))

    def visit(self, visit_id: int) -> VisitView | None:
        v = self.s.get(Visit, visit_id)
        return visit_view(v, self.today) if v else None

    def _layanan_view(self, lay: Layanan) -> LayananView:
        return LayananView(key=lay.key, nama_pendek=lay.nama_pendek, opd=opd_ref(lay.opd),
                           persyaratan=tuple(Requirement(r["text"], bool(r["confirmed"]), r.get("kind", "dokumen"))
                                             for r in lay.persyaratan),
                           selesai_di_tempat=lay.selesai_di_tempat)

    def layanan(self, key: str) -> LayananView | None:
        lay = self.s.scalar(select(Layanan).where(Layanan.key == key).options(joinedload(Layanan.opd)))
        return self._layanan_view(lay) if lay else None

    def layanan_list(self) -> Sequence[LayananView]:
        rows = self.s.scalars(select(Layanan).join(Layanan.opd).order_by(Opd.id, Layanan.id)
                              .options(selectinload(Layanan.opd)))
        return [self._layanan_view(lay) for lay in rows]

    def opd_list(self) -> Sequence[OpdRef]:
        return [opd_ref(o) for o in self.s.scalars(select(Opd).order_by(Opd.id))]

    def recent_attachment(self) -> Attachment | None:
        """The last photo or pin this resident sent with no words, within ATTACHMENT_KEPT, that no
        proposal of theirs carries yet (stickers, voice notes and contact cards are no photos)."""
        if not self.resident.phone:
            return None
        row = self.s.execute(
            select(InboundMessage.media_url, InboundMessage.latitude, InboundMessage.longitude,
                   InboundMessage.media_type)
            .where(InboundMessage.from_phone == self.resident.phone, InboundMessage.body == "",
                   InboundMessage.received_at >= self.now - ATTACHMENT_KEPT,
                   or_(InboundMessage.media_url.is_not(None), InboundMessage.latitude.is_not(None)))
            .order_by(InboundMessage.id.desc()).limit(1)).first()
        if row is None:
            return None
        url, lat, lng, media_type = row
        if url is not None and media_kind(media_type) != "photo":
            url = None
        if url is None and lat is None:
            return None
        used = select(Proposal.id).where(Proposal.resident_id == self.resident.id,
                                         or_(Proposal.media_url == url, (Proposal.lat == lat) & (Proposal.lng == lng)))
        if self.s.scalar(used.limit(1)) is not None:
            return None
        return Attachment(media_url=url, lat=lat, lng=lng)

    def nearest_desa(self, lat: float, lng: float) -> DesaRef | None:
        """The desa whose centre is nearest (the reference holds centroids, not boundaries); none
        farther than ~0.1° (≈ 11 km): not in Kabupaten Pasuruan."""
        best, best_d = None, math.inf
        for d, kec in self.s.execute(select(Desa, Kecamatan.nama).join(Desa.kecamatan)):
            dist = (lat - d.lat) ** 2 + ((lng - d.lng) * math.cos(math.radians(lat))) ** 2
            if dist < best_d:
                best, best_d = desa_ref(d, kec), dist
        return best if best_d <= 0.1 ** 2 else None

    def sourced_answers(self) -> Sequence[SourcedAnswer]:
        return sourced_answer_views()

    def outside_places(self) -> Sequence[OutsidePlace]:
        from storage import reference

        return reference.luar_kabupaten()

    def question_examples(self) -> Sequence[tuple[str, str]]:
        from storage import reference

        return reference.tanya_jawab_contoh()

    def petugas_contact(self, opd_key: str) -> PetugasContact | None:
        opd = self.s.scalar(select(Opd).where(Opd.key == opd_key))
        staff = next_petugas(self.s, opd.id) if opd else None
        if staff is None:
            return None
        return PetugasContact(staff_id=staff.id, name=staff.name,
                              phone_text=readable(staff.phone) if self.show_petugas_phone else "")

    def _ticket_view(self, t: Ticket) -> TicketView:
        # A petugas' notes on the ticket's status, not their chat replies (those reached the resident as messages).
        notes = [e.note for e in t.events if e.note and e.actor == "petugas" and e.action not in CHAT_ACTIONS]
        staff = t.assigned_staff
        return TicketView(
            kode=t.kode, layanan=t.layanan.nama_pendek if t.layanan else t.opd.singkatan, status=t.status,
            updated_text=tanggal(t.updated_at.astimezone(self.zone).date()),
            note=f'"{notes[-1]}"' if notes else "-",
            contact=(f"{staff.name} ({t.opd.singkatan})" + (f", WA {readable(staff.phone)}" if self.show_petugas_phone else "")
                     if staff else t.opd.singkatan),
            visit=visit_view(t.visit, self.today) if t.visit else None, nama=t.nama, relasi=t.relasi)

    def _proposal_view(self, p: Proposal) -> ProposalView:
        return ProposalView(kode=p.kode, kategori=p.kategori, desa=p.desa.nama, status=p.status,
                            updated_text=tanggal(p.updated_at.astimezone(self.zone).date()),
                            support_count=p.support_count)

    def ticket_for_resident(self, kode: str) -> StatusItem | None:
        kode = kode.strip().upper()
        t = self.s.scalar(select(Ticket).where(Ticket.kode == kode, Ticket.resident_id == self.resident.id))
        if t:
            return self._ticket_view(t)
        p = self.s.scalar(select(Proposal).where(Proposal.kode == kode, Proposal.resident_id == self.resident.id))
        return self._proposal_view(p) if p else None

    def open_items_of_resident(self) -> Sequence[StatusItem]:
        tickets = self.s.scalars(select(Ticket).where(Ticket.resident_id == self.resident.id,
                                                      Ticket.status.not_in(CLOSED_TICKET))
                                 .order_by(Ticket.id.desc()).limit(5))
        proposals = self.s.scalars(select(Proposal).where(Proposal.resident_id == self.resident.id,
                                                          Proposal.status != ProposalStatus.DITOLAK)
                                   .order_by(Proposal.id.desc()).limit(5))
        return [*(self._ticket_view(t) for t in tickets), *(self._proposal_view(p) for p in proposals)]

    def subscriptions(self) -> Sequence[str]:
        return tuple(kecamatan_of(self.s, self.resident))

    def own_tickets(self) -> Sequence[OwnTicket]:
        rows = self.s.scalars(
            select(Ticket).outerjoin(Ticket.visit)
            .where(Ticket.resident_id == self.resident.id, Ticket.status.not_in(CLOSED_TICKET),
                   or_(Ticket.visit_id.is_(None), Visit.tanggal >= self.today))
            .options(joinedload(Ticket.opd), joinedload(Ticket.layanan))
            .order_by(Visit.tanggal, Ticket.id).limit(10))
        return [OwnTicket(kode=t.kode, layanan=t.layanan.nama_pendek if t.layanan else t.opd.singkatan,
                          opd=opd_ref(t.opd), nama=t.nama, relasi=t.relasi, status=t.status,
                          visit=visit_view(t.visit, self.today) if t.visit else None)
                for t in rows]

    def similar_proposals(self, desa: str, kecamatan: str, text: str) -> Sequence[SimilarProposal]:
        rows = self.s.scalars(
            select(Proposal).join(Proposal.desa).join(Desa.kecamatan)
            .where(Desa.nama == desa, Kecamatan.nama == kecamatan,
                   or_(Proposal.status == ProposalStatus.BARU, Proposal.status == ProposalStatus.DIVERIFIKASI,
                       Proposal.status == ProposalStatus.MUSRENBANG))
        )
        scored = sorted(((fuzz.token_set_ratio(text.lower(), p.deskripsi.lower()), p) for p in rows),
                        key=lambda sp: -sp[0])
        return [SimilarProposal(kode=p.kode, kategori=p.kategori, desa=desa,
                                created=p.created_at.astimezone(self.zone).date(), support_count=p.support_count)
                for score, p in scored if score >= SIMILAR_SCORE]

    def own_desa_link(self) -> tuple[str, str | None] | None:
        """For a kepala desa writing: (their desa, its wa.me link — None without BOT_WHATSAPP_NUMBER); else None."""
        if self.resident is None or not self.resident.phone:
            return None
        desa = self.s.scalar(select(Desa).join(Staff, Staff.desa_id == Desa.id).where(
            Staff.phone == self.resident.phone, Staff.role == StaffRole.KADES, Staff.active.is_(True)).limit(1))
        if desa is None:
            return None
        return desa.nama, wa_me_link(self.bot_number, desa.nama, desa.kode) if self.bot_number else None

    def own_announcements(self) -> StaffAnnouncements | None:
        """A kepala desa's (their desa's kecamatan, link, the reminder plan) or a camat's (their kecamatan, the
        brief's days): the next visit and when its messages to forward reach this number; else None."""
        if self.resident is None or not self.resident.phone:
            return None
        staff = self.s.scalar(select(Staff).where(Staff.phone == self.resident.phone, Staff.active.is_(True),
                                                  Staff.role.in_((StaffRole.KADES, StaffRole.CAMAT))).limit(1))
        if staff is None:
            return None
        desa = self.s.get(Desa, staff.desa_id) if staff.role == StaffRole.KADES and staff.desa_id else None
        kecamatan_id = desa.kecamatan_id if desa is not None else staff.kecamatan_id
        kecamatan = self.s.get(Kecamatan, kecamatan_id) if kecamatan_id else None
        if kecamatan is None:
            return None
        visits = upcoming_planned(self.s, self.today, kecamatan.id, 1)
        visit = visit_view(visits[0], self.today) if visits else None
        if staff.role == StaffRole.KADES:
            plan = [(k.days_before, k.at) for k in parse_plan(self.reminder_plan)]
        else:
            plan = [(days, STAFF_AT) for days in CAMAT_BRIEF_DAYS]
        sends = tuple(at for at in (datetime.combine(visits[0].tanggal - timedelta(days=d), t, self.zone)
                                    for d, t in plan) if at > self.now) if visits else ()
        link = None
        if desa is not None and self.bot_number:
            link = wa_me_link(self.bot_number, desa.nama, desa.kode)
        return StaffAnnouncements("kades" if staff.role == StaffRole.KADES else "camat", kecamatan.nama, visit,
                                  sends, desa.nama if desa is not None else None, link)

    def desa_by_kode(self, kode: str) -> DesaRef | None:
        row = self.s.execute(select(Desa, Kecamatan.nama).join(Desa.kecamatan).where(Desa.kode == kode)).first()
        return desa_ref(*row) if row else None

    def nearest_kecamatan(self, lat: float, lng: float) -> str | None:
        """The kecamatan of the nearest desa centroid (finer than kecamatan centroids)."""
        best, best_d = None, math.inf
        for d_lat, d_lng, kec in self.s.execute(select(Desa.lat, Desa.lng, Kecamatan.nama).join(Desa.kecamatan)):
            dist = (lat - d_lat) ** 2 + ((lng - d_lng) * math.cos(math.radians(lat))) ** 2
            if dist < best_d:
                best, best_d = kec, dist
        # Farther than ~0.2° (≈ 22 km) from any desa: not in Kabupaten Pasuruan.
        return best if best_d <= 0.2 ** 2 else None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class FactsMismatch(TypeError):
    """DbFacts no longer answers what flows may ask (flows.facts.Facts)."""


def check(implementation: type = DbFacts) -> None:
    """Start-up: DbFacts answers every question of the protocol, with its parameters and answer types."""
    found = mismatches(implementation)
    if found:
        raise FactsMismatch("; ".join(found))


@cache
def sourced_answer_views() -> tuple[SourcedAnswer, ...]:
    """The shipped reference, read once (it changes only with a release)."""
    from storage import reference

    return tuple(SourcedAnswer(kunci=r.kunci, layanan=r.layanan, jawaban=r.jawaban, sumber=r.sumber,
                               confirmed=r.confirmed) for r in reference.tanya_jawab())
