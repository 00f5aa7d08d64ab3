"""The effects a flow may ask for, typed: each is carried out by one handler in handlers/effects.py,
inside the message's transaction. A new kind = a dataclass here + its handler there (checked at
start-up), so a misspelt or forgotten effect fails when the app starts, not on a resident's message."""

from __future__ import annotations

from dataclasses import dataclass

from flows.engine import Effect, Say


@dataclass(frozen=True)
class CreateTicket(Effect):
    layanan: str
    visit_id: int
    nama: str
    desa: str
    desa_kecamatan: str
    catatan: str | None = None
    nik_masked: str | None = None
    staff_id: int | None = None
    relasi: str | None = None  # whom it is for (flows.person.RELATION_WORDS' values); None: the resident
    holder_nama: str | None = None  # for a relative: the resident's own name, said beside theirs ("kula Slamet, …")
    holder_outside: bool = False  # the resident said they live outside the regency: a relative's desa is never theirs


@dataclass(frozen=True)
class CancelTicket(Effect):
    """The resident cancels their own ticket: status dibatalkan, the dinas told; reminders untouched."""

    kode: str


@dataclass(frozen=True)
class MoveTicket(Effect):
    """The resident moves their own ticket to another visit: same code, the petugas told."""

    kode: str
    visit_id: int


@dataclass(frozen=True)
class QueueCheckIn(Effect):
    """A number at the visit's stands: for the resident's tickets there (one per dinas), or, for a
    walk-in, a new ticket at `walk_in_opd` under `nama` first."""

    visit_id: int
    tickets: tuple[str, ...] = ()
    walk_in_opd: str | None = None
    nama: str | None = None
    relasi: str | None = None       # whom the walk-in's ticket is for (flows.person); None: the resident
    holder_nama: str | None = None  # the resident's own name said beside a relative's


@dataclass(frozen=True)
class CreateProposal(Effect):
    kategori: str
    desa: str
    desa_kecamatan: str
    deskripsi: str
    media_url: str | None = None
    lat: float | None = None
    lng: float | None = None
    # The Musrenbang form's measure, where the category has one (flows/usulan.SATUAN).
    volume: float | None = None
    satuan: str | None = None


@dataclass(frozen=True)
class SupportProposal(Effect):
    kode: str


@dataclass(frozen=True)
class Subscribe(Effect):
    kecamatan: str


@dataclass(frozen=True)
class Unsubscribe(Effect):
    """Stop the reminders of one kecamatan only (the resident has others)."""

    kecamatan: str


@dataclass(frozen=True)
class OptOut(Effect):
    """Stop all reminders (every kecamatan)."""


@dataclass(frozen=True)
class NoSurveys(Effect):
    """No more satisfaction surveys to this number; its reminders go on."""


@dataclass(frozen=True)
class SurveysOn(Effect):
    """Surveys to this number again (MULAI, "kirimi survei lagi" after a surveys-only opt-out)."""


@dataclass(frozen=True)
class EraseData(Effect):
    pass


@dataclass(frozen=True)
class SaveSurvey(Effect):
    ticket_kode: str
    rating: int
    comment: str | None = None


@dataclass(frozen=True)
class Handoff(Effect):
    """Hand the chat to a petugas of the OPD in context; only when the resident asked or said yes."""

    opd: str | None = None
    layanan: str | None = None
    kode: str | None = None
    last_message: str | None = None
    reason: str | None = None
    new_topic: bool = False  # the message says what the chat is about, not about a ticket held: a chat of its own


@dataclass(frozen=True)
class LeaveHandoff(Effect):
    """The resident went back to the bot (MENU/BATAL) while a petugas held the chat."""


@dataclass(frozen=True)
class RelayToPetugas(Effect):
    """While a petugas holds the chat, the resident's message goes to them."""

    text: str
    media_url: str | None = None
    location: tuple[float, float] | None = None


@dataclass(frozen=True)
class NoteInHandoff(Effect):
    """While a petugas holds the chat, the bot answered this message itself (a schedule, a status):
    the ticket's history and its petugas see the question and that it was answered."""

    text: str
    topic: str
    answer: tuple[Say, ...] = ()  # what the bot answered, for the history and the petugas


@dataclass(frozen=True)
class ReferralArrival(Effect):
    """A resident arrived through a kepala desa's wa.me link: remember their desa (if unknown)."""

    desa_kode: str


@dataclass(frozen=True)
class NoteHome(Effect):
    """Where the resident said they live ("aku wong gerbo", "domisili gempol", a pin sent alone): kept on the
    resident when nothing is known yet, to be offered later ("Desa Gerbo? 1. Ya 2. Lain"), never asked again."""

    kecamatan: str
    desa: str | None = None


def all_kinds() -> list[type[Effect]]:
    """Every effect class defined anywhere (flows may define their own beside their module)."""
    found, todo = [], list(Effect.__subclasses__())
    while todo:
        kind = todo.pop()
        found.append(kind)
        todo.extend(kind.__subclasses__())
    return found
