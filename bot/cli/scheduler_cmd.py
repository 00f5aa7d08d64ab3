"""`scheduler tick --now …` (every job once, at that instant) and `scheduler send-worker`."""

from __future__ import annotations

import signal
import sys
import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import click
from tqdm import tqdm

from bot.cli.context import fail, runtime
from core.logging_setup import configure_logging


def parse_instant(text: str | None, timezone: str) -> datetime:
    """ISO 8601 with or without offset (without: local time in BOT_TIMEZONE); empty: now."""
    if not text:
        return datetime.now(UTC)
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        fail(f"--now tidak valid: {text!r} (contoh: 2026-12-01T07:00+07:00)")
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=ZoneInfo(timezone))
    return instant.astimezone(UTC)


@click.group("scheduler")
def scheduler() -> None:
    """Penjadwal: pengingat, koreksi jadwal, dan pengiriman pesan keluar."""


@scheduler.command("tick")
@click.option("--now", "now_text", default=None, help="Jalankan seolah jam sekarang ini (ISO 8601), mis. 2026-12-01T07:00+07:00.")
def tick_command(now_text: str | None) -> None:
    """Jalankan setiap tugas penjadwal sekali: rencanakan pengingat, koreksi, lalu kirim outbox."""
    from handlers.outbox import LOST, count_sendable
    from handlers.quiet_hours import quiet_hours_of
    from scheduler.jobs import JOBS
    from scheduler.sender import OutboxDrain, lower_cpu_priority

    rt = runtime()
    lower_cpu_priority(rt.settings.sender_nice)  # the drain below may send a whole broadcast
    now = parse_instant(now_text, rt.settings.bot_timezone)
    local = now.astimezone(ZoneInfo(rt.settings.bot_timezone))
    lost = 0
    click.echo(f"Tick {local:%Y-%m-%d %H:%M %Z}" + (" (DRY-RUN: tidak ada yang benar-benar dikirim)" if rt.settings.dry_run else ""))
    for job in JOBS:
        if job.id == "drain_outbox":
            with rt.sessions() as session:
                total = count_sendable(session, now, quiet_hours_of(rt.settings))
            with tqdm(total=total, desc="Mengirim", unit="pesan", file=sys.stderr, disable=None) as bar:
                counts = OutboxDrain(rt).run(now, on_done=lambda _outcome: bar.update(1))
            summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "tidak ada yang perlu dikirim"
            click.echo(f"Outbox: {summary}.")
            lost = counts.get(LOST, 0)
            if quiet_hours_of(rt.settings).contains(now):
                click.echo("Jam tenang: pengingat menunggu sampai jam tenang berakhir.")
            continue
        result = job.run(rt, now)
        if job.id in _PLAN_LINES:
            line, nothing = _PLAN_LINES[job.id]
            for r in result:
                click.echo(line(r))
            if not result:
                click.echo(nothing)
        elif result and (not isinstance(result, dict) or any(result.values())):
            click.echo(f"{job.id}: {result}")
    if lost:
        # A row this tick held was taken by another sender before its outcome was written: a
        # lease ran out mid-send. Never expected (leases run on the database's clock); say so.
        click.echo(f"GAGAL: {lost} pesan outbox lepas dari klaim tick ini sebelum hasilnya dicatat "
                   "(lease habis); periksa log.", err=True)
        sys.exit(3)


# What `tick` prints per planned broadcast, and when nothing was planned.
_PLAN_LINES = {
    "plan_reminders": (lambda r: f"Pengingat {r.kind} untuk Kec. {r.kecamatan} (kunjungan #{r.visit_id}): "
                                 f"{r.recipients} penerima (siaran #{r.broadcast_id}).", "Tidak ada pengingat baru."),
    "plan_corrections": (lambda r: f"Koreksi {r.kind} (kunjungan #{r.visit_id}): {r.added} penerima ditambahkan "
                                   f"(siaran #{r.broadcast_id}).", "Tidak ada koreksi baru."),
    "plan_regency_messages": (lambda r: f"Pesan staf {r.kind.removeprefix('staf_')} (kunjungan #{r.visit_id}): "
                                        f"{r.recipients} penerima (siaran #{r.broadcast_id}).",
                              "Tidak ada pesan camat/persiapan baru."),
}


@scheduler.command("send-worker")
@click.option("--lease", "lease_seconds", type=float, default=60.0, show_default=True,
              help="Detik baris diklaim; baris pekerja yang mati dicek ke Twilio setelahnya.")
@click.option("--http-timeout", type=float, default=10.0, show_default=True, help="Batas waktu HTTP ke Twilio.")
@click.option("--threads", type=int, default=0, help="Jumlah thread (bawaan: menurut SEND_RATE_PER_SECOND).")
@click.option("--idle", type=float, default=1.0, show_default=True, help="Jeda saat outbox kosong (detik).")
@click.option("--once", is_flag=True, help="Kirim semua yang siap lalu berhenti.")
def send_worker_command(lease_seconds: float, http_timeout: float, threads: int, idle: float, once: bool) -> None:
    """Proses pengirim: ambil baris outbox dan kirim lewat Twilio sesuai SEND_RATE_PER_SECOND."""
    from bot.cli.core import dry_run_banner
    from scheduler.sender import OutboxDrain, lower_cpu_priority

    rt = runtime()
    configure_logging(rt.settings.log_level)
    nice = lower_cpu_priority(rt.settings.sender_nice)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    drain = OutboxDrain(rt, lease_seconds=lease_seconds, http_timeout=http_timeout, threads=threads or None)
    click.echo(dry_run_banner(rt.settings))
    click.echo(f"Pengirim {drain.lease.worker}: {drain.rate:g} pesan/detik untuk seluruh akun (dibagi semua "
               f"pengirim), {drain.threads} thread siaran, prioritas CPU nice {nice}.", err=True)
    if once:
        drain.run(datetime.now(UTC), stop=stop)
    else:
        drain.serve(stop, idle=idle)
    click.echo("Pengirim berhenti.", err=True)


@scheduler.command("process-worker")
@click.option("--threads", type=int, default=4, show_default=True,
              help="Jumlah thread (warga berbeda diproses bersamaan; pesan satu warga tetap berurutan).")
@click.option("--lease", "lease_seconds", type=float, default=30.0, show_default=True,
              help="Detik pesan diklaim; pesan pemroses yang mati diambil lagi setelahnya.")
@click.option("--poll", type=float, default=None,
              help="Jeda melihat pesan baru (detik; bawaan 1 di PostgreSQL yang memakai LISTEN/NOTIFY, 0,1 di SQLite).")
@click.option("--once", is_flag=True, help="Proses semua pesan yang menunggu lalu berhenti.")
def process_worker_command(threads: int, lease_seconds: float, poll: float | None, once: bool) -> None:
    """Pemroses pesan masuk: webhook hanya menyimpan pesan; proses ini menjawabnya (urut per warga)."""
    from handlers.processor import Processor
    from scheduler.processor import ProcessLoop
    from scheduler.sender import lower_cpu_priority

    rt = runtime()
    configure_logging(rt.settings.log_level)
    nice = lower_cpu_priority(rt.settings.processor_nice)  # PROCESSOR_NICE: the web first when both are busy
    if once:
        done = Processor(rt, lease_seconds=lease_seconds).drain()
        click.echo(f"Pesan masuk diproses: {done}.")
        return
    rt.recogniser  # built now, not on the first resident's message
    pg = rt.engine.dialect.name == "postgresql"
    loop = ProcessLoop(rt, threads=threads, lease_seconds=lease_seconds, poll=poll or (1.0 if pg else 0.1),
                       listen=pg)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: loop.stop.set())
    loop.start()
    click.echo(f"Pemroses {loop.processor.owner}: {threads} thread"
               + (", dibangunkan LISTEN/NOTIFY" if pg else f", melihat tiap {loop.poll:g} detik")
               + f", prioritas CPU nice {nice}.", err=True)
    loop.wait()
    loop.close()
    click.echo("Pemroses berhenti.", err=True)


COMMANDS = [scheduler]
