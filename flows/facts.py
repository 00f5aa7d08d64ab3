"""What flows may read: the `Facts` questions and the frozen views they answer with.

A flow never sees a database row or a dict of one. The handler (handlers.facts.DbFacts) answers
each question with the views below, the flow tests' fake (tests/flows/fakes.py) with the same
views, and `mismatches()` — run at start-up (core/runtime.py) and by tests/flows/test_facts_contract.py —
refuses an implementation whose questions, parameters or answer types differ from the protocol.

Status fields hold the storage enums' values (storage.models.VisitStatus, TicketStatus, …: StrEnums,
so they compare equal to these strings); the Literal types name the values flows compare against,
and the contract test keeps them equal to the enums.
"""

from __future__ import annotations

import inspect
import typing
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol, Sequence

from records import DesaRef, OpdRef, OutsidePlace, Requirement, RequirementKind  # re-exported: flows name them from here

VisitState = Literal["planned", "cancelled", "moved"]  # storage.models.VisitStatus
TicketState = Literal["baru", "diteruskan", "menunggu_dokumen", "selesai", "ditolak", "dibatalkan"]  # TicketStatus
ProposalState = Literal["baru", "diverifikasi", "layak", "perlu_verifikasi", "musrenbang", "ditolak"]  # ProposalStatus
PlaceState = Literal["waiting", "called", "served", "skipped"]  # QueueStatus
Finished = Literal["ya", "sebagian", "tidak"]  # whether a service is finished on the spot (layanan.csv)


@dataclass(frozen=True)
class VisitView:
    """One visit of the caravan, as the resident is told it."""

    id: int
    kecamatan: str
    tanggal: date
    tanggal_text: str  # "Kamis, 10 Desember 2026"
    jam_text: str      # "08.00–13.00 WIB"
    lokasi: str
    status: VisitState
    opd: tuple[OpdRef, ...]  # the dinas with a stand there, in reference order
    is_today: bool
    moved_to_text: str | None = None  # the new date of a moved visit

    @property
    def opd_names(self) -> list[str]:
        return [o.singkatan for o in self.opd]


@dataclass(frozen=True)
class NearbyVisit:
    """A planned visit and how far its kecamatan office is from another kecamatan's."""

    visit: VisitView
    km: int


@dataclass(frozen=True)
class VisitChange:
    """A visit that will not happen as announced: cancelled, or moved to `moved_to_text`."""

    id: int
    kecamatan: str
    tanggal_text: str
    status: Literal["cancelled", "moved"]
    moved_to_text: str | None = None


@dataclass(frozen=True)
class ScheduleAnswer:
    """The next visit to a kecamatan (None: none planned) and the changes to tell first."""

    visit: VisitView | None
    changes: tuple[VisitChange, ...] = ()


@dataclass(frozen=True)
class LayananView:
    key: str
    nama_pendek: str
    opd: OpdRef
    persyaratan: tuple[Requirement, ...]
    selesai_di_tempat: Finished


@dataclass(frozen=True)
class SourcedAnswer:
    """An answer to a question around a service, with its sources (storage/reference/tanya_jawab.csv)."""

    kunci: str        # "diwakilkan.ktp.rekam"
    layanan: str      # a layanan key, or "umum"
    jawaban: str      # sent as written
    sumber: str       # "title — publisher — URL — date | …"
    confirmed: bool   # False: said with care


@dataclass(frozen=True)
class Attachment:
    """A photo or a pin the resident sent without words in the last 30 minutes, not yet attached."""

    media_url: str | None
    lat: float | None
    lng: float | None


@dataclass(frozen=True)
class PetugasContact:
    """The petugas a new ticket goes to (round-robin), as the resident is told."""

    staff_id: int
    name: str
    phone_text: str


@dataclass(frozen=True)
class TicketView:
    """A resident's service ticket in a status answer; texts already as shown."""

    kode: str
    layanan: str       # the service's short name, or the dinas' for a ticket without one
    status: TicketState
    updated_text: str
    note: str          # the last petugas note, quoted, or "-"
    contact: str       # the petugas assigned (name, dinas, WA number), or the dinas
    # When and where to come (residents ask "when and where do I come", not when they registered).
    visit: VisitView | None = None
    nama: str | None = None    # the person it is for
    relasi: str | None = None  # who they are to the resident (None: themselves)


@dataclass(frozen=True)
class OwnTicket:
    """One of the resident's open tickets, to cancel or move: for whom, which dinas, which visit."""

    kode: str
    layanan: str          # the service's short name, or the dinas'
    opd: OpdRef
    nama: str | None      # the person it is for
    relasi: str | None    # who they are to the resident (None: themselves)
    status: TicketState
    visit: VisitView | None


@dataclass(frozen=True)
class ProposalView:
    """A resident's proposal in a status answer."""

    kode: str
    kategori: str      # flows.usulan.KATEGORI
    desa: str
    status: ProposalState
    updated_text: str
    support_count: int


StatusItem = TicketView | ProposalView


@dataclass(frozen=True)
class SimilarProposal:
    """Another open proposal in the same desa that reads alike (the resident may support it)."""

    kode: str
    kategori: str  # key of usulan.kategori.*
    desa: str
    created: date  # local date it was made
    support_count: int
    # Not the other resident's words: a description may name people and places (a name, an
    # address, "depan rumah Pak …"); what a resident needs to choose is what, where, when, how many.


@dataclass(frozen=True)
class ResidentView:
    """Who is writing, as the turn carries it (not a question: every step has it)."""

    name: str | None
    profile_name: str | None  # the WhatsApp profile name, offered as the name
    kecamatan: str | None
    desa: str | None
    opted_out: bool
    channel: str
    role: str | None = None  # this number's staff role ("kades", "camat", "admin", "petugas"), None for a resident
    surveys_off: bool = False  # asked for no more surveys (resident.surveys_off_at): MULAI turns them on again


@dataclass(frozen=True)
class StaffAnnouncements:
    """For a kepala desa or camat writing: the next visit to their kecamatan and when the messages written for
    them to forward go to this number (WIB, still ahead); `desa` and `link` for a kepala desa only."""

    role: str  # "kades" | "camat"
    kecamatan: str
    visit: VisitView | None
    sends: tuple[datetime, ...] = ()
    desa: str | None = None
    link: str | None = None


# — the day of a visit (flows/antrean.py) —

@dataclass(frozen=True)
class Stand:
    """One dinas' stand at an open visit: its line and wait."""

    opd: OpdRef
    waiting: int
    serving_label: str | None  # the number being served, "A-011"
    minutes: int               # estimated wait for whoever joins now


@dataclass(frozen=True)
class TicketAtVisit:
    """A ticket of the resident's for this visit (checking in gives it a number)."""

    kode: str
    opd: OpdRef


@dataclass(frozen=True)
class QueuePlace:
    """Where one of the resident's numbers stands."""

    opd: OpdRef
    label: str  # "A-017"
    status: PlaceState
    ahead: int
    may_rejoin: bool
    minutes: int


@dataclass(frozen=True)
class TodayVisit:
    id: int
    kecamatan: str
    lokasi: str
    jam_text: str
    buka_text: str
    checkin_from: datetime  # a number may be taken from then …
    selesai_at: datetime    # … until the visit closes
    stands: tuple[Stand, ...]
    tickets: tuple[TicketAtVisit, ...]
    places: tuple[QueuePlace, ...]

    def is_open(self, now: datetime) -> bool:
        return self.checkin_from <= now <= self.selesai_at


@dataclass(frozen=True)
class UpcomingTicket:
    """The resident's next booked ticket after today: where and when to come."""

    kode: str
    opd: OpdRef
    tanggal_text: str
    jam_text: str
    lokasi: str


@dataclass(frozen=True)
class AntreanDay:
    """Today's planned visits with the resident's tickets and numbers, and what comes after."""

    visits: tuple[TodayVisit, ...] = ()
    next_visit: VisitView | None = None
    upcoming_ticket: UpcomingTicket | None = None
    opds: tuple[OpdRef, ...] = ()  # every dinas, to name one that has no stand today

    def opd_name(self, key: str) -> str:
        return next((o.singkatan for o in self.opds if o.key == key), key)


class Facts(Protocol):
    """Read-only questions a flow may ask; answered by the handler from the database."""

    def next_visits(self, kecamatan: str | None = None, limit: int = 3) -> Sequence[VisitView]: ...
    def next_visit_to(self, kecamatan: str) -> ScheduleAnswer: ...
    def visit(self, visit_id: int) -> VisitView | None: ...
    # The next planned visits anywhere, earliest first, each with its distance from `kecamatan`.
    # The soonest planned visits within `within_km` of the kecamatan's office (any distance when None), soonest first.
    def visits_near(self, kecamatan: str, limit: int = 10, within_km: float | None = None) -> Sequence[NearbyVisit]: ...
    # The same from a point (an outsider's own kecamatan, outside the regency): km from there to each visit's office.
    def visits_from(self, lat: float, lng: float, limit: int = 10,
                    within_km: float | None = None) -> Sequence[NearbyVisit]: ...
    def outside_places(self) -> Sequence[OutsidePlace]: ...  # luar_kabupaten.csv: kecamatan outside the regency
    def layanan(self, key: str) -> LayananView | None: ...
    def layanan_list(self) -> Sequence[LayananView]: ...
    def opd_list(self) -> Sequence[OpdRef]: ...  # every dinas, in reference order (opd.csv)
    def sourced_answers(self) -> Sequence[SourcedAnswer]: ...  # tanya_jawab.csv, in file order
    # How residents ask them: (key, example) pairs, tanya_jawab_contoh.csv (flows/info.py: the nearest question).
    def question_examples(self) -> Sequence[tuple[str, str]]: ...
    def recent_attachment(self) -> Attachment | None: ...  # a photo/pin sent alone ≤ 30 min ago, unused
    def nearest_desa(self, lat: float, lng: float) -> DesaRef | None: ...  # the desa a pin falls in
    def petugas_contact(self, opd_key: str) -> PetugasContact | None: ...
    def ticket_for_resident(self, kode: str) -> StatusItem | None: ...
    def open_items_of_resident(self) -> Sequence[StatusItem]: ...
    # The resident's open tickets whose visit is today or later (or has none), soonest first.
    def own_tickets(self) -> Sequence[OwnTicket]: ...
    # The kecamatan the resident gets reminders for (asked by the reminders flow only: most messages never
    # read it, so it costs no statement on them).
    def subscriptions(self) -> Sequence[str]: ...
    def similar_proposals(self, desa: str, kecamatan: str, text: str) -> Sequence[SimilarProposal]: ...
    def nearest_kecamatan(self, lat: float, lng: float) -> str | None: ...
    def desa_by_kode(self, kode: str) -> DesaRef | None: ...
    def own_desa_link(self) -> tuple[str, str | None] | None: ...
    def own_announcements(self) -> StaffAnnouncements | None: ...  # a kepala desa's / camat's, else None
    def antrean_today(self) -> AntreanDay: ...


QUESTIONS = tuple(name for name, member in vars(Facts).items() if callable(member) and not name.startswith("_"))


def mismatches(implementation: type) -> list[str]:
    """How an implementation of Facts differs from the protocol: a question missing, other
    parameters, or another answer type. Empty: it answers exactly what flows may ask."""
    found = []
    for name in QUESTIONS:
        answered = getattr(implementation, name, None)
        if not callable(answered):
            found.append(f"{implementation.__name__}.{name} is missing")
            continue
        declared = getattr(Facts, name)
        want, got = list(inspect.signature(declared).parameters), list(inspect.signature(answered).parameters)
        if got != want:
            found.append(f"{implementation.__name__}.{name}{got} ≠ Facts.{name}{want}")
        want_type = typing.get_type_hints(declared).get("return")
        got_type = typing.get_type_hints(answered).get("return")
        if got_type != want_type:
            found.append(f"{implementation.__name__}.{name} answers {got_type}, Facts.{name} {want_type}")
    return found
