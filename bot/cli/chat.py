"""`chat --phone +62…`: the same engine in a terminal, interactive or one message per stdin line."""

from __future__ import annotations

import sys
import uuid

import click

from bot.cli.context import fail, prepare_recogniser, runtime
from flows.phones import to_e164
from handlers.inbound import Incoming, handle_inbound

HELP = ("Ketik pesan seperti di WhatsApp. /lokasi LAT LNG mengirim titik lokasi, /foto URL mengirim foto, /suara "
        "mengirim pesan suara, /stiker sebuah stiker, /kontak sebuah kartu kontak, /keluar untuk berhenti.")


def _incoming(phone: str, name: str | None, line: str) -> Incoming:
    sid = "CLI" + uuid.uuid4().hex
    parts = line.split()
    if parts and parts[0] == "/lokasi" and len(parts) == 3:
        try:
            return Incoming(sid, "whatsapp", phone, "", name, latitude=float(parts[1]), longitude=float(parts[2]))
        except ValueError:
            pass
    if parts and parts[0] == "/foto" and len(parts) == 2:
        return Incoming(sid, "whatsapp", phone, "", name, num_media=1, media_url=parts[1], media_type="image/jpeg")
    # What WhatsApp sends for a voice note, a sticker and a contact card (MediaContentType0).
    attachment = {"/suara": "audio/ogg", "/stiker": "image/webp", "/kontak": "text/vcard"}.get(parts[0] if parts else "")
    if attachment:
        url = parts[1] if len(parts) == 2 else f"https://api.twilio.com/media/{sid}"
        return Incoming(sid, "whatsapp", phone, "", name, num_media=1, media_url=url, media_type=attachment)
    return Incoming(sid, "whatsapp", phone, line, name)


@click.command("chat")
@click.option("--phone", required=True, help="Nomor warga, misalnya +6281234567890.")
@click.option("--name", default=None, help="Nama profil WhatsApp (opsional).")
def chat_command(phone: str, name: str | None) -> None:
    """Bicara dengan bot di terminal (juga membaca stdin, satu pesan per baris)."""
    e164 = to_e164(phone)
    if e164 is None:
        fail(f"Nomor tidak valid: {phone}")
    rt = runtime()
    prepare_recogniser(rt)
    interactive = sys.stdin.isatty()
    if interactive:
        click.echo(HELP)
    while True:
        if interactive:
            try:
                line = click.prompt("Anda", prompt_suffix="> ", default="", show_default=False)
            except (EOFError, click.Abort):
                break
        else:
            line = sys.stdin.readline()
            if not line:
                break
        line = line.rstrip("\n")
        if line.strip() == "/keluar":
            break
        if not interactive:
            click.echo(f"Anda> {line}")
        for reply in handle_inbound(rt, rt.registry, _incoming(e164, name, line)):
            click.echo("Bot> " + reply.replace("\n", "\n     "))
        click.echo()


COMMANDS = [chat_command]
