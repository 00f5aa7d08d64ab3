"""`init` and `serve`."""

from __future__ import annotations

import logging
import os

import click

from bot.cli.context import runtime
from core.settings import mask_url
from storage.loader import LoadReport

log = logging.getLogger(__name__)


def initialise(rt) -> LoadReport:
    from storage.loader import load_reference_data
    from storage.migrate import upgrade

    upgrade(rt.engine)
    with rt.sessions.begin() as session:
        return load_reference_data(session)


@click.command("init")
def init_command() -> None:
    """Buat/perbarui skema database dan muat data referensi (aman diulang)."""
    rt = runtime()
    report = initialise(rt)
    t = report.totals
    click.echo(f"Database: {mask_url(rt.settings.database_url)}")
    click.echo(f"{t['kecamatan']} kecamatan, {t['desa']} desa/kelurahan, {t['opd']} OPD, {t['layanan']} layanan.")
    if report.changed:
        added = ", ".join(f"{v} {k}" for k, v in report.added.items() if v) or "-"
        updated = ", ".join(f"{v} {k}" for k, v in report.updated.items() if v) or "-"
        click.echo(f"Ditambahkan: {added}. Diperbarui: {updated}.")
    else:
        click.echo("Data referensi sudah lengkap; tidak ada perubahan.")


def dry_run_banner(settings) -> str:
    return (
        "*** DRY-RUN: tidak ada kredensial Twilio (TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN). "
        "Pesan keluar hanya dicatat dan dicetak, tidak dikirim. Webhook tanpa tanda tangan "
        "hanya diterima dari loopback"
        + (", termasuk yang diteruskan proxy (DRY_RUN_ALLOW_FORWARDED aktif). ***"
           if settings.dry_run_allow_forwarded else
           "; yang diteruskan proxy (X-Forwarded-For dll.) ditolak. ***")
        if settings.dry_run
        else "Mode LIVE: pesan dikirim lewat Twilio."
    )


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Alamat yang didengarkan.")
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT", 5000)), show_default="5000 atau $PORT")
@click.option("--no-scheduler", is_flag=True, help="Jangan jalankan penjadwal di proses ini.")
def serve_command(host: str, port: int, no_scheduler: bool) -> None:
    """Jalankan web app dan penjadwal dalam satu proses (untuk satu mesin)."""
    from werkzeug.serving import make_server

    from bot import create_app
    from bot.web_security import QuietRequestHandler

    rt = runtime()
    initialise(rt)
    app = create_app()
    app_rt = app.extensions["kenduren"]
    app_rt.recogniser  # built now rather than on the first resident's message
    clock = None
    if not no_scheduler:
        from scheduler.clock import build_background_scheduler

        clock = build_background_scheduler(app_rt)
        clock.start()
    server = make_server(host, port, app, threaded=True, request_handler=QuietRequestHandler)
    click.echo(dry_run_banner(app_rt.settings))
    click.echo(f"Database: {mask_url(app_rt.settings.database_url)}")
    click.echo(f"Kenduren Mas bot mendengarkan di http://{host}:{server.server_port} "
               f"(webhook: /twilio/messages, status: /twilio/status, health: /healthz)"
               + ("" if clock else "; penjadwal tidak berjalan"))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if clock:
            clock.shutdown(wait=False)
        app_rt.dispose()


COMMANDS = [init_command, serve_command]
