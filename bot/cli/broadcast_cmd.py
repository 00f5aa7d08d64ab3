"""`broadcast list | show ID`: what each reminder reached."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import click
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.cli.context import fail, runtime
from core.logging_setup import mask_phone
from flows.dates import tanggal
from storage.broadcast_stats import BroadcastFigures, error_breakdown, figures
from storage.models import Broadcast, OutboxMessage, Visit

COLUMNS = ("planned", "waiting", "sent", "delivered", "read", "failed", "canceled")
HEADERS = ("rencana", "antre", "terkirim", "sampai", "dibaca", "gagal", "batal")


def _row(f: BroadcastFigures) -> str:
    return " ".join(f"{getattr(f, c) if c != 'planned' else f.planned:>8}" for c in COLUMNS)


@click.group("broadcast")
def broadcast() -> None:
    """Siaran pengingat dan koreksi jadwal."""


@broadcast.command("list")
@click.option("--limit", type=int, default=50, show_default=True, help="Siaran terbaru sebanyak ini.")
def list_command(limit: int) -> None:
    """Daftar siaran: direncanakan / terkirim / sampai / dibaca / gagal."""
    rt = runtime()
    tz = ZoneInfo(rt.settings.bot_timezone)
    with rt.sessions() as session:
        rows = list(session.scalars(select(Broadcast).options(selectinload(Broadcast.visit).selectinload(Visit.kecamatan))
                                    .order_by(Broadcast.due_at.desc(), Broadcast.id.desc()).limit(limit)))
        if not rows:
            click.echo("Belum ada siaran.")
            return
        stats = figures(session, [b.id for b in rows])
    click.echo(f"{'#':>5} {'jenis':<24} {'kecamatan':<14} {'jadwal':<12} {'waktu kirim':<16} "
               + " ".join(f"{h:>8}" for h in HEADERS))
    for b in rows:
        click.echo(f"{b.id:>5} {b.kind:<24} {b.visit.kecamatan.nama:<14} {b.visit.tanggal.isoformat():<12} "
                   f"{b.due_at.astimezone(tz):%Y-%m-%d %H:%M} " + _row(stats.get(b.id, BroadcastFigures())))


@broadcast.command("show")
@click.argument("broadcast_id", type=int)
def show_command(broadcast_id: int) -> None:
    """Rincian satu siaran: angka pengiriman, contoh pesan, dan penyebab gagal."""
    rt = runtime()
    tz = ZoneInfo(rt.settings.bot_timezone)
    with rt.sessions() as session:
        b = session.scalar(select(Broadcast).where(Broadcast.id == broadcast_id)
                           .options(selectinload(Broadcast.visit).selectinload(Visit.kecamatan)))
        if b is None:
            fail(f"Siaran #{broadcast_id} tidak ditemukan.")
        f = figures(session, [b.id]).get(b.id, BroadcastFigures())
        sample = session.scalar(select(OutboxMessage).where(OutboxMessage.broadcast_id == b.id)
                                .order_by(OutboxMessage.resident_id.is_(None), OutboxMessage.id).limit(1))
        errors = error_breakdown(session, b.id)
    click.echo(f"Siaran #{b.id} — {b.kind}, Kec. {b.visit.kecamatan.nama}, kunjungan {tanggal(b.visit.tanggal)}")
    click.echo(f"Waktu kirim: {b.due_at.astimezone(tz):%Y-%m-%d %H:%M %Z}; direncanakan "
               f"{b.planned_at.astimezone(tz):%Y-%m-%d %H:%M}")
    for header, column in zip(HEADERS, COLUMNS):
        value = f.planned if column == "planned" else getattr(f, column)
        click.echo(f"  {header:<9} {value}")
    if errors:
        click.echo("Gagal/batal menurut penyebab:")
        for code, message, n in errors:
            click.echo(f"  {n:>6}  {code or '-':<6} {mask_phone(message or '')}")
    if sample is not None:
        click.echo("Contoh pesan:")
        click.echo("  " + sample.body.replace("\n", "\n  "))


COMMANDS = [broadcast]
