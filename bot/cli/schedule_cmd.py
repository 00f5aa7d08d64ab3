"""`schedule import | list | generate`: keep the visiting schedule."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import click

from bot.cli.context import fail, runtime, today
from bot.schedules import kecamatan_matcher, rotation_summary
from flows.dates import rentang_jam, tanggal
from storage import reference
from storage.models import VisitStatus
from catalogue import render_say
from handlers.visit_changes import import_schedule, import_warnings, plan_rotation
from storage.schedule import parse_schedule_csv, upcoming_visits


@click.group("schedule")
def schedule() -> None:
    """Jadwal kunjungan Kenduren Mas."""


@schedule.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Impor jadwal dari CSV (tanggal,kecamatan,lokasi,mulai,selesai[,opd]). Semua atau tidak sama sekali."""
    rt = runtime()
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail(f"{file}: bukan teks UTF-8; simpan ulang CSV sebagai UTF-8.")
    parsed = parse_schedule_csv(text, kecamatan_matcher(rt), [o.key for o in reference.opd()])
    if parsed.errors:
        for err in parsed.errors:
            click.echo(f"{file}: {err}", err=True)
        fail(f"{len(parsed.errors)} kesalahan; tidak ada jadwal yang diimpor.")
    with rt.sessions.begin() as session:
        warnings = import_warnings(session, parsed.rows)
        report = import_schedule(session, rt, parsed.rows, datetime.now(UTC))
    click.echo(f"Diimpor dari {file}: {report.added} baru, {report.updated} diperbarui, "
               f"{report.unchanged} tidak berubah.")
    for warning in warnings:
        click.echo(render_say(warning), err=True)


@schedule.command("generate")
@click.option("--start", "start", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Tanggal pertama.")
@click.option("--every", type=click.Choice(["7", "14"]), default="7", show_default=True, help="Jarak hari.")
@click.option("--order", default="", help="Urutan kecamatan dipisah koma (bawaan: urut kode).")
def generate_command(start, every: str, order: str) -> None:
    """Buat rotasi ke 24 kecamatan, melewati akhir pekan dan hari libur nasional."""
    rt = runtime()
    match = kecamatan_matcher(rt)
    names = [k.nama for k in reference.kecamatan()]
    if order:
        typed = [p.strip() for p in order.split(",") if p.strip()]
        wanted = [match(p) for p in typed]
        bad = [t for t, w in zip(typed, wanted) if w is None]
        if bad:
            fail(f"Kecamatan tidak dikenal: {', '.join(bad)}")
        dupes = sorted({w for w in wanted if wanted.count(w) > 1})
        if dupes:
            fail(f"Kecamatan disebut dua kali: {', '.join(dupes)}")
        names = wanted + [n for n in names if n not in wanted]
    with rt.sessions.begin() as session:
        plan = plan_rotation(session, names, start.date(), int(every))
        report = import_schedule(session, rt, plan.rows, datetime.now(UTC))
    click.echo(rotation_summary(plan, report))


@schedule.command("list")
@click.option("--from", "from_", type=click.DateTime(["%Y-%m-%d"]), help="Mulai tanggal (bawaan: hari ini).")
@click.option("--limit", type=int, default=0, help="Paling banyak sekian baris.")
def list_command(from_, limit: int) -> None:
    """Tampilkan kunjungan mendatang."""
    rt = runtime()
    start: date = from_.date() if from_ else today(rt)
    with rt.sessions() as session:
        visits = upcoming_visits(session, start, limit or None)
        if not visits:
            click.echo(f"Belum ada jadwal mulai {tanggal(start)}.")
            return
        for v in visits:
            status = {VisitStatus.CANCELLED: "  [DIBATALKAN]",
                      VisitStatus.MOVED: f"  [DIPINDAH ke {tanggal(v.moved_to.tanggal)}]" if v.moved_to else "  [DIPINDAH]"
                      }.get(v.status, "")
            click.echo(f"#{v.id:<4} {tanggal(v.tanggal):<28} {rentang_jam(v.mulai, v.selesai):<17} "
                       f"Kec. {v.kecamatan.nama:<13} {v.lokasi} ({len(v.opd)} OPD){status}")


COMMANDS = [schedule]
