"""`poster --desa NAME --kecamatan NAME --out FILE.pdf`: a desa's printable poster with its QR code;
without --desa, one PDF with a page for every desa/kelurahan of the kecamatan."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.cli.context import fail, runtime, today
from bot.poster import desa_of_kecamatan, poster_facts, poster_pdf
from storage.models import Desa, Kecamatan


@click.command("poster")
@click.option("--kecamatan", required=True)
@click.option("--desa", default=None, help="Tanpa --desa: satu PDF berisi poster semua desa/kelurahan kecamatan itu.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True))
def poster_command(kecamatan: str, desa: str | None, out: str) -> None:
    """Poster A4 desa (PDF hitam-putih) dengan jadwal berikutnya dan kode QR WhatsApp desa."""
    rt = runtime()
    kec = rt.recogniser.match_kecamatan(kecamatan)
    if kec is None or not kec.certain:
        fail(f"Kecamatan tidak dikenal: {kecamatan}")
    number = rt.settings.bot_whatsapp_number
    with rt.sessions() as s:
        kecamatan_id = s.scalar(select(Kecamatan.id).where(Kecamatan.nama == kec.name))
        if desa:
            found = [m for m in rt.recogniser.match_desa(desa, kecamatan=kec.name) if m.score >= 85]
            if not found:
                fail(f"Desa {desa} tidak ditemukan di Kecamatan {kec.name}")
            rows = list(s.scalars(select(Desa).where(Desa.nama == found[0].name, Desa.kecamatan_id == kecamatan_id)
                                  .options(selectinload(Desa.kecamatan))))
        else:
            rows = desa_of_kecamatan(s, kecamatan_id)
        pages = [poster_facts(s, d, today(rt), number) for d in rows]
    Path(out).write_bytes(poster_pdf(pages))
    if not number:
        click.echo("Peringatan: BOT_WHATSAPP_NUMBER belum diatur; poster dibuat tanpa kode QR.", err=True)
    what = f"Desa {rows[0].nama}" if desa else f"{len(pages)} desa/kelurahan"
    click.echo(f"Poster {what}, Kec. {kec.name}: {out}")


COMMANDS = [poster_command]
