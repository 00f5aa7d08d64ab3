"""`chat --phone +62…`: the same engine in a terminal, interactive or one message per stdin line."""

from __future__ import annotations

import sys
import uuid
from datetime import datetime

import click
from sqlalchemy import func, select

from bot.cli.context import fail, prepare_recogniser, runtime
from flows.phones import to_e164
from handlers.inbound import Incoming, handle_inbound
from handlers.webhook_form import typed_body
from storage.models import InboundMessage, OutboxMessage

HELP = ("Ketik pesan seperti di WhatsApp. /lokasi LAT LNG mengirim titik lokasi, /foto URL mengirim foto, /suara "
        "mengirim pesan suara, /stiker sebuah stiker, /kontak sebuah kartu kontak, baris kosong atau /cek "
        "menampilkan pesan baru dari orang lain (petugas, warga, pengingat), /keluar untuk berhenti.")
INCOMING_MARK = "(pesan masuk)"
NOTHING_NEW = "(tidak ada pesan baru)"
# A number that never wrote before sees at most this many of the messages already sent to it.
FIRST_LOOK_LIMIT = 10


class Inbox:
    """What others sent to this number (a petugas' reply, a relayed chat, the survey, a reminder),
    read from the outbox: each row once, in order, whatever its sending state. The number's own
    replies (kind `reply`, printed as `Bot>` by its turn) are never shown again. So two people can
    be played in one database, one `chat` after the other or side by side."""

    def __init__(self, rt, phone: str):
        self.rt, self.phone = rt, phone
        self.after_id: int | None = None
        with rt.sessions() as session:
            # Since the number's last turn (in an earlier `chat`, or through the webhook).
            self.since: datetime | None = session.scalar(
                select(func.max(InboundMessage.received_at)).where(InboundMessage.from_phone == phone))

    def new_messages(self) -> list[str]:
        query = (select(OutboxMessage.id, OutboxMessage.body)
                 .where(OutboxMessage.to_phone == self.phone, OutboxMessage.kind != "reply"))
        if self.after_id is not None:
            query = query.where(OutboxMessage.id > self.after_id)
        elif self.since is not None:
            query = query.where(OutboxMessage.created_at > self.since)
        with self.rt.sessions() as session:
            rows = session.execute(query.order_by(OutboxMessage.id.desc()).limit(
                None if self.after_id is not None or self.since is not None else FIRST_LOOK_LIMIT)).all()
            newest = session.scalar(select(func.max(OutboxMessage.id)).where(OutboxMessage.to_phone == self.phone))
        self.after_id = max(newest or 0, self.after_id or 0)
        return [body for _, body in reversed(rows)]


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
    # Read as the webhook reads a message (one path for both): NIKs masked, the words as written kept
    # only for the petugas holding the chat.
    return Incoming(sid, "whatsapp", phone, profile_name=name, **typed_body(line))


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
    inbox = Inbox(rt, e164)
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
        waiting = inbox.new_messages()
        for text in waiting:
            click.echo(f"{INCOMING_MARK} " + text.replace("\n", "\n     "))
        if line.strip() in ("", "/cek"):  # only looking
            if not waiting:
                click.echo(NOTHING_NEW)
            click.echo()
            continue
        if waiting:
            click.echo()
        for reply in handle_inbound(rt, rt.registry, _incoming(e164, name, line)):
            click.echo("Bot> " + reply.replace("\n", "\n     "))
        click.echo()


COMMANDS = [chat_command]
