"""`schedule cancel VISIT_ID` and `schedule move VISIT_ID --to DATE`, added onto `schedule`.

The change, the cancellation of waiting reminders and the correction to everyone already
reminded are committed together; the sender sends the correction on its next pass.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.cli.context import fail, runtime, today
from bot.cli.schedule_cmd import schedule
from flows.dates import tanggal
from scheduler.corrections import correct_visit
from storage.models import Visit, VisitStatus


def _load(session, visit_id: int) -> Visit:
    visit = session.scalar(select(Visit).where(Visit.id == visit_id).with_for_update()
                           .options(selectinload(Visit.kecamatan), selectinload(Visit.opd)))
    if visit is None:
        fail(f"Kunjungan #{visit_id} tidak ditemukan.")
    if visit.status != VisitStatus.PLANNED:
        fail(f"Kunjungan #{visit_id} sudah {'dibatalkan' if visit.status == VisitStatus.CANCELLED else 'dipindah'}.")
    return visit


def _report(correction) -> str:
    if correction is None or not correction.added:
        return "Belum ada warga yang diingatkan; tidak perlu koreksi."
    return f"Koreksi ke {correction.added} penerima yang sudah diingatkan menunggu dikirim (siaran #{correction.broadcast_id})."


@schedule.command("cancel")
@click.argument("visit_id", type=int)
def cancel_command(visit_id: int) -> None:
    """Batalkan kunjungan; warga yang sudah diingatkan menerima koreksi."""
    rt = runtime()
    tz = ZoneInfo(rt.settings.bot_timezone)
    now = datetime.now(UTC)
    with rt.sessions.begin() as session:
        visit = _load(session, visit_id)
        visit.status = VisitStatus.CANCELLED
        session.flush()
        correction = correct_visit(session, rt, visit.id, now, tz)
        label = f"Kec. {visit.kecamatan.nama}, {tanggal(visit.tanggal)}"
    click.echo(f"Kunjungan #{visit_id} ({label}) dibatalkan. {_report(correction)}")


@schedule.command("move")
@click.argument("visit_id", type=int)
@click.option("--to", "to_date", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Tanggal baru (YYYY-MM-DD).")
def move_command(visit_id: int, to_date: datetime) -> None:
    """Pindahkan kunjungan ke tanggal lain; warga yang sudah diingatkan menerima koreksi."""
    rt = runtime()
    tz = ZoneInfo(rt.settings.bot_timezone)
    new_date = to_date.date()
    now = datetime.now(UTC)
    if new_date < today(rt):
        fail(f"Tanggal baru {new_date.isoformat()} sudah lewat.")
    with rt.sessions.begin() as session:
        visit = _load(session, visit_id)
        if new_date == visit.tanggal:
            fail("Tanggal baru sama dengan tanggal lama.")
        clash = session.scalar(select(Visit).where(Visit.tanggal == new_date, Visit.kecamatan_id == visit.kecamatan_id))
        if clash is not None:
            fail(f"Sudah ada kunjungan #{clash.id} ke Kec. {visit.kecamatan.nama} pada {tanggal(new_date)}.")
        moved = Visit(tanggal=new_date, mulai=visit.mulai, selesai=visit.selesai, kecamatan_id=visit.kecamatan_id,
                      lokasi=visit.lokasi, status=VisitStatus.PLANNED, opd=list(visit.opd))
        session.add(moved)
        session.flush()
        visit.status = VisitStatus.MOVED
        visit.moved_to_id = moved.id
        session.flush()
        session.expire(visit, ["moved_to"])
        correction = correct_visit(session, rt, visit.id, now, tz)
        label = f"Kec. {visit.kecamatan.nama}: {tanggal(visit.tanggal)} → {tanggal(new_date)}"
        new_id = moved.id
    click.echo(f"Kunjungan #{visit_id} ({label}) dipindah; kunjungan baru #{new_id}. {_report(correction)}")


COMMANDS: list = []
