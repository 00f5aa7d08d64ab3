"""`init` and `serve`."""

from __future__ import annotations

import logging
import re
import sys

import click

from bot.cli.context import database_answers, prepare_recogniser, runtime
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
    with database_answers(rt):
        report = initialise(rt)
    prepare_recogniser(rt)  # trained now, once, rather than at the first `serve`
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
@click.option("--port", type=int, default=None, show_default="PORT dari .env/lingkungan, atau 5000")
@click.option("--no-scheduler", is_flag=True,
              help="Jangan jalankan penjadwal dan pengirim di proses ini (jalankan `python -m scheduler` dan "
                   "`scheduler send-worker` terpisah).")
def serve_command(host: str, port: int | None, no_scheduler: bool) -> None:
    """Jalankan web app dan penjadwal dalam satu proses (untuk satu mesin)."""
    from werkzeug.serving import make_server

    from bot import create_app
    from scheduler.processor import ProcessLoop

    rt = runtime()
    with database_answers(rt):
        initialise(rt)
    app = create_app(announce_dry_run=False)  # the banner below says it, once
    app_rt = app.extensions["kenduren"]
    prepare_recogniser(app_rt)  # built now rather than on the first resident's message
    clock = sender = None
    if not no_scheduler:
        from scheduler.clock import build_background_scheduler
        from scheduler.sender import SendLoop

        # The clock's jobs, and a sender that runs all the time instead of the clock's drain every
        # 5 s: a resident's replies are sent as soon as the webhook commits them.
        clock = build_background_scheduler(app_rt, without=("drain_outbox", "process_inbound"))
        clock.start()
        sender = SendLoop(app_rt).start()
    # The webhook only stores a message; these threads answer it as soon as it is committed
    # (the webhook rings the bell), in each resident's order (handlers.processor).
    processor = ProcessLoop(app_rt).start()
    port = app_rt.settings.port if port is None else port
    server = make_server(host, port, app, threaded=True, request_handler=request_handler())
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
        if sender:
            sender.close()
        processor.close()
        app_rt.dispose()


def request_handler():
    """The access log's handler: werkzeug colours status codes with ANSI escapes even into a file
    or a pipe; only a terminal gets them."""
    from bot.web_security import QuietRequestHandler

    if sys.stderr.isatty():
        return QuietRequestHandler

    class PlainRequestHandler(QuietRequestHandler):
        def log(self, type: str, message: str, *args) -> None:
            super().log(type, message, *(_ANSI.sub("", a) if isinstance(a, str) else a for a in args))

    return PlainRequestHandler


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


COMMANDS = [init_command, serve_command]
