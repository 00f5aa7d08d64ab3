"""SQLAlchemy 2.0 typed models. Schema changes go through Alembic (storage/migrations)."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import (JSON, Column, Float, ForeignKey, Index, Integer, SmallInteger, String, Table, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.db import Base, UTCDateTime, utcnow


class Channel(StrEnum):
    WHATSAPP = "whatsapp"
    SMS = "sms"
    CLI = "cli"  # the terminal chat of `python -m bot chat`


class StaffRole(StrEnum):
    PETUGAS = "petugas"
    KADES = "kades"
    ADMIN = "admin"
    CAMAT = "camat"  # head of a kecamatan: reads their kecamatan, gets messages to forward to the kepala desa


class VisitStatus(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"
    MOVED = "moved"


class TicketStatus(StrEnum):
    BARU = "baru"
    DITERUSKAN = "diteruskan"
    MENUNGGU_DOKUMEN = "menunggu_dokumen"
    SELESAI = "selesai"
    DITOLAK = "ditolak"
    DIBATALKAN = "dibatalkan"  # by the resident holding it ("batal", "ora sido teko")


# A ticket in one of these is closed: no petugas works on it, no reminder or correction is about it.
CLOSED_TICKET = (TicketStatus.SELESAI, TicketStatus.DITOLAK, TicketStatus.DIBATALKAN)


class TicketAction(StrEnum):
    """What a ticket's history (TicketEvent.action) records; stored as its value."""

    # the resident
    DIBUAT = "dibuat"
    DIBATALKAN = "dibatalkan"
    PINDAH_JADWAL = "pindah_jadwal"
    MINTA_PETUGAS = "minta_petugas"
    PESAN = "pesan"
    KEMBALI_KE_BOT = "kembali_ke_bot"
    # the bot and the system
    DIJAWAB_BOT = "dijawab_bot"
    PETUGAS_DINONAKTIFKAN = "petugas_dinonaktifkan"
    BELUM_DIBALAS_2_JAM = "belum_dibalas_2_jam"
    ESKALASI_KOORDINATOR = "eskalasi_koordinator"
    JADWAL_DIPINDAH = "jadwal_dipindah"
    # staff
    DIAMBIL = "diambil"
    DITUGASKAN = "ditugaskan"
    DIALIHKAN = "dialihkan"
    BALAS = "balas"
    STATUS = "status"
    SELESAI = "selesai"
    PINDAH_DINAS = "pindah_dinas"
    PERCAKAPAN_DITUTUP = "percakapan_ditutup"
    HADIR = "hadir"


# The events that are the conversation itself (shown as chat in the console, notes not repeated).
CONVERSATION_ACTIONS = (TicketAction.MINTA_PETUGAS, TicketAction.PESAN, TicketAction.BALAS)
# What a person of staff does to a ticket: after any of these a helpdesk chat is no longer routed by itself.
STAFF_ACTIONS = (TicketAction.BALAS, TicketAction.DIAMBIL, TicketAction.DITUGASKAN, TicketAction.DIALIHKAN,
                 TicketAction.STATUS, TicketAction.PINDAH_DINAS)


class ProposalStatus(StrEnum):
    BARU = "baru"
    DIVERIFIKASI = "diverifikasi"
    # The console's review before Musrenbang: fit to take, to be checked on site, or refused (with a reason).
    LAYAK = "layak"
    PERLU_VERIFIKASI = "perlu_verifikasi"
    MUSRENBANG = "musrenbang"
    DITOLAK = "ditolak"


class OutboxStatus(StrEnum):
    PENDING = "pending"      # waiting to be sent (maybe after next_attempt_at)
    CLAIMED = "claimed"      # a sender holds it; lease until claimed_until
    QUEUED = "queued"        # Twilio accepted it
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    UNDELIVERED = "undelivered"
    CANCELED = "canceled"    # dropped before sending (opted out, visit cancelled …)


class Kecamatan(Base):
    __tablename__ = "kecamatan"

    id: Mapped[int] = mapped_column(primary_key=True)
    kode: Mapped[str] = mapped_column(String(16), unique=True)
    nama: Mapped[str] = mapped_column(String(64), unique=True)
    lat: Mapped[float]
    lng: Mapped[float]

    desa: Mapped[list[Desa]] = relationship(back_populates="kecamatan", order_by="Desa.nama")


class Desa(Base):
    __tablename__ = "desa"

    id: Mapped[int] = mapped_column(primary_key=True)
    kode: Mapped[str] = mapped_column(String(16), unique=True)
    nama: Mapped[str] = mapped_column(String(64), index=True)
    jenis: Mapped[str] = mapped_column(String(16))  # desa | kelurahan
    kecamatan_id: Mapped[int] = mapped_column(ForeignKey("kecamatan.id"), index=True)
    lat: Mapped[float]
    lng: Mapped[float]

    kecamatan: Mapped[Kecamatan] = relationship(back_populates="desa")


class Opd(Base):
    __tablename__ = "opd"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    singkatan: Mapped[str] = mapped_column(String(64))
    nama: Mapped[str] = mapped_column(String(160))

    layanan: Mapped[list[Layanan]] = relationship(back_populates="opd", order_by="Layanan.id")


class Layanan(Base):
    __tablename__ = "layanan"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"), index=True)
    nama_pendek: Mapped[str] = mapped_column(String(64))
    nama: Mapped[str] = mapped_column(String(200))
    # [{"text": "KK asli", "confirmed": true}, …]
    persyaratan: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    selesai_di_tempat: Mapped[str] = mapped_column(String(16))  # ya | sebagian | tidak
    sumber: Mapped[str] = mapped_column(Text)

    opd: Mapped[Opd] = relationship(back_populates="layanan")


visit_opd = Table(
    "visit_opd",
    Base.metadata,
    Column("visit_id", ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True),
    Column("opd_id", ForeignKey("opd.id"), primary_key=True),
)


class Visit(Base):
    """One day of Kenduren Mas at one kecamatan office."""

    __tablename__ = "visit"
    __table_args__ = (UniqueConstraint("tanggal", "kecamatan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tanggal: Mapped[date] = mapped_column(index=True)
    mulai: Mapped[time]
    selesai: Mapped[time]
    kecamatan_id: Mapped[int] = mapped_column(ForeignKey("kecamatan.id"), index=True)
    lokasi: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=VisitStatus.PLANNED)
    # A moved visit points at the visit that replaces it.
    moved_to_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    kecamatan: Mapped[Kecamatan] = relationship()
    opd: Mapped[list[Opd]] = relationship(secondary=visit_opd, order_by="Opd.id")
    moved_to: Mapped[Visit | None] = relationship(remote_side="Visit.id")


class Resident(Base):
    __tablename__ = "resident"

    id: Mapped[int] = mapped_column(primary_key=True)
    # E.164; NULL once the resident asked for their data to be erased.
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    channel: Mapped[str] = mapped_column(String(16), default=Channel.WHATSAPP)
    name: Mapped[str | None] = mapped_column(String(120))
    # True once the resident typed a name themselves; ProfileName no longer overwrites it.
    name_confirmed: Mapped[bool] = mapped_column(default=False)
    nik_masked: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(16), default="warga")
    desa_id: Mapped[int | None] = mapped_column(ForeignKey("desa.id"))
    kecamatan_id: Mapped[int | None] = mapped_column(ForeignKey("kecamatan.id"), index=True)
    # Reminder subscriptions are rows of `subscription` (one per kecamatan); consent last given at subscribed_at.
    subscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    surveys_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # asked for no more surveys (reminders go on)
    # The desa whose kepala desa's forwarded link brought this resident (reach per desa).
    referral_desa_id: Mapped[int | None] = mapped_column(ForeignKey("desa.id"))
    # When that link brought them: reach is counted per visit (the run-up from the visit before).
    referred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Messages in the current one-minute window, for the flood limit (counted in the same upsert
    # that finds the resident, so a busy webhook pays no extra query for it).
    flood_window_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    flood_count: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    desa: Mapped[Desa | None] = relationship(foreign_keys=[desa_id])
    kecamatan: Mapped[Kecamatan | None] = relationship(foreign_keys=[kecamatan_id])
    subscriptions: Mapped[list[Subscription]] = relationship(order_by="Subscription.id", back_populates="resident",
                                                             cascade="all, delete-orphan")
    referral_desa: Mapped[Desa | None] = relationship(foreign_keys=[referral_desa_id])


class Subscription(Base):
    """A resident's consent to reminders of one kecamatan (lives in Gempol, works in Pandaan: two rows)."""

    __tablename__ = "subscription"
    __table_args__ = (UniqueConstraint("resident_id", "kecamatan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"), index=True)
    kecamatan_id: Mapped[int] = mapped_column(ForeignKey("kecamatan.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    resident: Mapped[Resident] = relationship(back_populates="subscriptions")
    kecamatan: Mapped[Kecamatan] = relationship()


class Staff(Base):
    """Petugas of an OPD, kepala desa, or admin; recognised by their phone number."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16), index=True)
    opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id"), index=True)
    desa_id: Mapped[int | None] = mapped_column(ForeignKey("desa.id"))
    kecamatan_id: Mapped[int | None] = mapped_column(ForeignKey("kecamatan.id"))
    is_coordinator: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # Round-robin assignment picks the petugas assigned longest ago.
    last_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The web console's password (werkzeug scrypt hash), set by `people set-password`; None: no password login.
    password_hash: Mapped[str | None] = mapped_column(String(256))
    # A console session carries the version it began under; logout, a new password and `people remove`
    # raise it, which ends every session of this person (the cookie alone cannot be revoked).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    opd: Mapped[Opd | None] = relationship()
    desa: Mapped[Desa | None] = relationship()
    kecamatan: Mapped[Kecamatan | None] = relationship()


class Conversation(Base):
    """Where one resident is in one channel: the current flow, its state and remembered slots."""

    __tablename__ = "conversation"
    __table_args__ = (UniqueConstraint("resident_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    flow: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str | None] = mapped_column(String(48))
    slots: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Consecutive messages the bot did not understand (two in a row → a petugas).
    misunderstood: Mapped[int] = mapped_column(default=0)
    # While set, a petugas holds the chat: messages are relayed instead of going to flows.
    handoff_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The token of the last question sent with choices (handlers.interactive.question_token): a tap
    # carrying another token is a button of an earlier question.
    asked: Mapped[str | None] = mapped_column(String(32))

    resident: Mapped[Resident] = relationship()


class ContentTemplate(Base):
    """A Content API template of an interactive question, one per shape (kind + number of options),
    created at first use (handlers.interactive.content_sid_for) and shared by every process."""

    __tablename__ = "content_template"
    __table_args__ = (UniqueConstraint("kind", "size", name="uq_content_template_shape"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # quick-reply | list-picker
    size: Mapped[int] = mapped_column(Integer)
    content_sid: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InboundMessage(Base):
    """Every message Twilio delivered, stored before it is processed (dedupe on MessageSid)."""

    __tablename__ = "inbound_message"
    # Each resident's oldest waiting message, the processor's look (handlers.processor).
    __table_args__ = (Index("ix_inbound_message_pending", "from_phone", "id",
                            postgresql_where=text("processed_at IS NULL"), sqlite_where=text("processed_at IS NULL")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    from_phone: Mapped[str | None] = mapped_column(String(20), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    num_media: Mapped[int] = mapped_column(default=0)
    media_url: Mapped[str | None] = mapped_column(Text)
    media_type: Mapped[str | None] = mapped_column(String(100))  # MediaContentType0: "audio/ogg", "image/webp"
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    button_payload: Mapped[str | None] = mapped_column(String(256))
    profile_name: Mapped[str | None] = mapped_column(String(120))  # WhatsApp's ProfileName
    # The body before its NIKs were masked (only the petugas holding the chat reads it): kept only
    # while the message waits for the processor, and only when it differs from `body`; erased in
    # the transaction that processes it.
    as_written: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # NULL while it waits for the processor (the webhook only stores it); set in the transaction
    # that saves what processing it changed and wrote (handlers.processor).
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The processor holding a waiting message, until when (the database's clock): after a crash
    # the lease runs out and another processor takes the message again.
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The replies sent back for it, so a repeat delivery gets the same answer.
    reply: Mapped[list[str] | None] = mapped_column(JSON)
    intent: Mapped[str | None] = mapped_column(String(32))
    # Set when the replies of a message replayed from the inbound spool went into the outbox
    # (in that same transaction): a replay repeated after a crash adds them once.
    spool_replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Broadcast(Base):
    """One planned reminder of one kind for one visit."""

    __tablename__ = "broadcast"
    __table_args__ = (UniqueConstraint("visit_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # h3 | h1 | hari_h | koreksi
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recipients: Mapped[int] = mapped_column(default=0)

    visit: Mapped[Visit] = relationship()


class OutboxMessage(Base):
    """A message that is not a direct reply, written in the transaction that caused it."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "resident_id"),
        UniqueConstraint("broadcast_id", "staff_id"),
        # Only rows still to send (and rows held by a sender): these indexes stay small however
        # long the sent history grows, so a claim costs the same on day 1 and after a year.
        Index("ix_outbox_message_due", "lane", "next_attempt_at", "id",
              postgresql_where=text("status = 'pending'"), sqlite_where=text("status = 'pending'")),
        Index("ix_outbox_message_held", "claimed_until",
              postgresql_where=text("status = 'claimed'"), sqlite_where=text("status = 'claimed'")),
        # At most one row in flight per recipient (handlers.outbox.claim): what Twilio lists for
        # a number after a crash then belongs to that one row.
        Index("ix_outbox_message_in_flight", "channel", "to_phone",
              postgresql_where=text("status = 'claimed'"), sqlite_where=text("status = 'claimed'")),
        # Residents' rows still to send, per recipient: a broadcast row waits for an older one
        # (handlers.outbox.claim, order per recipient across lanes).
        Index("ix_outbox_message_resident_waiting", "channel", "to_phone",
              postgresql_where=text("status IN ('pending', 'claimed') AND lane = 0"),
              sqlite_where=text("status IN ('pending', 'claimed') AND lane = 0")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    # Which queue it waits in (handlers.outbox.kinds.Lane): residents' messages are claimed on
    # their own, ahead of broadcasts, so a reply never waits behind 20,000 reminders.
    lane: Mapped[int] = mapped_column(SmallInteger, default=1, server_default=text("1"))
    channel: Mapped[str] = mapped_column(String(16))
    to_phone: Mapped[str] = mapped_column(String(20))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcast.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    body: Mapped[str] = mapped_column(Text)
    # Values for the approved WhatsApp template of this kind, used outside the 24-hour window.
    template_vars: Mapped[dict[str, str] | None] = mapped_column(JSON)
    via_template: Mapped[bool] = mapped_column(default=False)
    # A question with choices to a WhatsApp resident: the interactive content it goes as (the
    # shape of its Content API template, handlers.interactive, and the variables); `body` keeps
    # the numbered text, sent instead when content cannot be (63016, a Content API failure).
    # `content_sid` is the template it was sent with, NULL when it went as text.
    content_kind: Mapped[str | None] = mapped_column(String(32))
    content_size: Mapped[int | None] = mapped_column(SmallInteger)
    content_variables: Mapped[dict[str, str] | None] = mapped_column(JSON)
    content_sid: Mapped[str | None] = mapped_column(String(64))
    # Reminders and broadcasts wait for the end of quiet hours; replies and relays do not.
    respects_quiet_hours: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    twilio_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    error_code: Mapped[str | None] = mapped_column(String(16))
    error_message: Mapped[str | None] = mapped_column(Text)
    # A reminder not sent by then is stale (a later reminder or the visit itself has come): the
    # sender cancels it instead of sending "Besok …" on the day itself.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SendPace(Base):
    """One shared rate (the account's, or one sender number's): the theoretical arrival time of
    its next free slot, in the database's clock (epoch seconds). Every sending process reserves
    its slots here (scheduler.pacing.SharedPace), so the rate holds across all of them."""

    __tablename__ = "send_pace"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    tat: Mapped[float] = mapped_column(Float)


class StatusCallback(Base):
    """Twilio status callbacks seen, one row per (SID, status), so a repeat changes nothing."""

    __tablename__ = "status_callback"
    __table_args__ = (UniqueConstraint("message_sid", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(24))
    error_code: Mapped[str | None] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Ticket(Base):
    """A resident's service need, followed up by an OPD."""

    __tablename__ = "ticket"

    id: Mapped[int] = mapped_column(primary_key=True)
    kode: Mapped[str] = mapped_column(String(16), unique=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    layanan_id: Mapped[int | None] = mapped_column(ForeignKey("layanan.id"))
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"))
    desa_id: Mapped[int | None] = mapped_column(ForeignKey("desa.id"))
    # The person the ticket is for (a resident registers their child, parent, …): their name and desa;
    # `relasi` says who they are to the resident holding the ticket (NULL: the resident themselves).
    nama: Mapped[str | None] = mapped_column(String(120))
    relasi: Mapped[str | None] = mapped_column(String(16))
    catatan: Mapped[str | None] = mapped_column(Text)
    nik_masked: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(24), default=TicketStatus.BARU)
    assigned_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Handoff follow-up: when the resident asked for a person, when a petugas last answered, when
    # the resident was told nobody did (2 working hours), when the coordinator was alerted (1 day).
    handoff_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handoff_timeout_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    resident: Mapped[Resident | None] = relationship()
    layanan: Mapped[Layanan | None] = relationship()
    opd: Mapped[Opd] = relationship()
    visit: Mapped[Visit | None] = relationship()
    desa: Mapped[Desa | None] = relationship()
    assigned_staff: Mapped[Staff | None] = relationship()
    events: Mapped[list[TicketEvent]] = relationship(back_populates="ticket", order_by="TicketEvent.id")


class TicketEvent(Base):
    """The ticket's history: who did what, when."""

    __tablename__ = "ticket_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(16))  # warga | petugas | system | admin
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    action: Mapped[str] = mapped_column(String(32))  # a TicketAction
    status: Mapped[str | None] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    staff: Mapped[Staff | None] = relationship()


class Proposal(Base):
    """A development proposal (usulan pembangunan) for a desa."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    kode: Mapped[str] = mapped_column(String(16), unique=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    kategori: Mapped[str] = mapped_column(String(32))
    desa_id: Mapped[int] = mapped_column(ForeignKey("desa.id"), index=True)
    deskripsi: Mapped[str] = mapped_column(Text)
    media_url: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None]
    lng: Mapped[float | None]
    status: Mapped[str] = mapped_column(String(24), default=ProposalStatus.BARU)
    support_count: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A duplicate merged in the console points at the proposal that now carries its support.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"), index=True)
    # Permendagri 86/2017's proposal table (Musrenbang): the activity, how much of what, which
    # perangkat daerah answers for it (a key of storage/reference/perangkat_daerah.csv), and its
    # rank. None: derived (kategori → kegiatan and perangkat daerah, support → prioritas, in
    # storage/musrenbang.py) until an admin sets it.
    kegiatan: Mapped[str | None] = mapped_column(String(200))
    volume: Mapped[float | None]
    satuan: Mapped[str | None] = mapped_column(String(24))
    perangkat_daerah: Mapped[str | None] = mapped_column(String(32))
    prioritas: Mapped[int | None]

    desa: Mapped[Desa] = relationship()
    events: Mapped[list[ProposalEvent]] = relationship(order_by="ProposalEvent.id")


class ProposalSupport(Base):
    __tablename__ = "proposal_support"
    __table_args__ = (UniqueConstraint("proposal_id", "resident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyResponse(Base):
    """The resident's 1–5 rating after a ticket closed (per ticket, so per OPD and per visit)."""

    __tablename__ = "survey_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), unique=True)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"), index=True)
    rating: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProposalEvent(Base):
    """A proposal's history (console actions, with who and when), like TicketEvent for tickets."""

    __tablename__ = "proposal_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(16))  # admin | kades | system
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    action: Mapped[str] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)

    staff: Mapped[Staff | None] = relationship()


class ConsoleLoginCounter(Base):
    """Console login limits: one row per key (a hash of what is counted: a phone, a client address, a
    phone from one address or device, code requests), incremented atomically (INSERT … ON CONFLICT
    DO UPDATE … RETURNING) so the limit holds under concurrency and across web instances."""

    __tablename__ = "console_login_counter"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer)


class ConsoleLoginCode(Base):
    """A one-time console login code sent to the staff member over WhatsApp (only its hash is kept)."""

    __tablename__ = "console_login_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class QueueStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVED = "served"
    SKIPPED = "skipped"  # no-show: called and not there (may rejoin once)


class QueueCounter(Base):
    """The last number and place handed out at one stand (one OPD at one visit). Its row lock
    serialises check-ins and calls at that stand, so numbers have no duplicate and no gap."""

    __tablename__ = "queue_counter"

    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
    # A rejoining no-show keeps their number but takes a new place at the end of the line.
    last_position: Mapped[int] = mapped_column(default=0)


class QueueEntry(Base):
    """One resident's place in the antrean of one stand on the day of a visit."""

    __tablename__ = "queue_entry"
    __table_args__ = (
        UniqueConstraint("visit_id", "opd_id", "number"),
        UniqueConstraint("visit_id", "opd_id", "position"),
        # Checking in twice (or a petugas checking the same resident in) keeps the same number.
        UniqueConstraint("visit_id", "opd_id", "resident_id"),
        Index("ix_queue_entry_line", "visit_id", "opd_id", "status", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"))
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"))
    number: Mapped[int]
    position: Mapped[int]
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=QueueStatus.WAITING)
    walk_in: Mapped[bool] = mapped_column(default=False)
    checked_in_by: Mapped[str] = mapped_column(String(16), default="warga")  # warga | petugas
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    called_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    served_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    skipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejoined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejoins: Mapped[int] = mapped_column(default=0)
    # When "sebentar lagi" went out, so nobody is told twice.
    near_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    opd: Mapped[Opd] = relationship()
    visit: Mapped[Visit] = relationship()
    resident: Mapped[Resident | None] = relationship()
    ticket: Mapped[Ticket | None] = relationship()
