"""A resident's phone for tests: posts Twilio-shaped, correctly signed webhooks and reads the replies:
the TwiML answer (SMS, the spool's "kept"), or, for WhatsApp, the reply rows the webhook wrote to the
outbox for that message (what the sender hands to Twilio; a question's row as its numbered text)."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from twilio.request_validator import RequestValidator

AUTH_TOKEN = "test-auth-token-0123456789abcdef"
PUBLIC_BASE = "https://bot.pasuruankab.example"
BOT_NUMBER = "whatsapp:+6281100000000"
_sids = itertools.count(1)


RINA = "+6281298765432"  # petugas Dispendukcapil in the handler tests
BUDI = "+6281277777777"  # petugas Dinas Sosial


def jakarta_today():
    """The bot's calendar day: UTC's date is yesterday's between 00:00 and 07:00 WIB."""
    return datetime.now(ZoneInfo("Asia/Jakarta")).date()


def signed_settings(settings):
    return settings.with_overrides(twilio_account_sid="AC" + "0" * 32, twilio_auth_token=AUTH_TOKEN,
                                   public_base_url=PUBLIC_BASE, twilio_whatsapp_from=BOT_NUMBER)


def sign(path: str, form: dict) -> str:
    return RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_BASE + path, form)


def replies_of(response) -> list[str]:
    root = ET.fromstring(response.get_data(as_text=True))
    return [m.text or "" for m in root.iter("Message")]


class Phone:
    def __init__(self, client, number: str = "+6281234567890", profile_name: str | None = "Sumarti"):
        self.client = client
        self.number = number
        self.profile_name = profile_name

    def form(self, body: str = "", **extra) -> dict:
        form = {"MessageSid": f"SM{next(_sids):032d}", "AccountSid": "AC" + "0" * 32, "From": f"whatsapp:{self.number}",
                "To": BOT_NUMBER, "Body": body, "NumMedia": "0", "WaId": self.number.lstrip("+"),
                "SmsStatus": "received", "ApiVersion": "2010-04-01"}
        if self.profile_name:
            form["ProfileName"] = self.profile_name
        form.update(extra)
        return form

    def post(self, form: dict, path: str = "/twilio/messages"):
        if path == "/twilio/messages" and self.client is not None:
            self._seen().pop(self.number, None)  # a message not sent by `send`: read afresh next time
        return self.client.post(path, data=form, base_url=PUBLIC_BASE, headers={"X-Twilio-Signature": sign(path, form)})

    @property
    def runtime(self):
        return self.client.application.extensions["kenduren"]

    def reply_rows(self, after: int = 0) -> list:
        """The outbox's reply rows to this phone (id > `after`), oldest first."""
        from sqlalchemy import select

        from storage.models import OutboxMessage

        with self.runtime.sessions() as s:
            return list(s.scalars(select(OutboxMessage).where(
                OutboxMessage.kind == "reply", OutboxMessage.to_phone == self.number, OutboxMessage.id > after)
                .order_by(OutboxMessage.id)))

    def last_reply_id(self) -> int:
        rows = self.reply_rows()
        return rows[-1].id if rows else 0

    def _seen(self) -> dict[str, int]:
        """The newest reply row each number was shown, kept on the app's runtime (shared by every
        Phone of that app), so that a send reads the database only after its webhook: a test of
        what the webhook does with a dropped connection must meet it in the webhook first."""
        return self.runtime.__dict__.setdefault("_tests_reply_rows_seen", {})

    def send(self, body: str = "", **extra) -> list[str]:
        from sqlalchemy.exc import OperationalError

        form = self.form(body, **extra)
        seen = self._seen()
        before = seen.get(self.number)
        if before is None:
            try:
                before = self.last_reply_id()
            except OperationalError:  # a test's database outage: the answer can only be the TwiML one
                before = None
        response = self.post(form)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == "text/xml"
        in_twiml = replies_of(response)
        written = []
        if not in_twiml:
            rows = self.reply_rows(before or 0)
            written = [row.body for row in rows]
            seen[self.number] = rows[-1].id if rows else (before or 0)
        replies = in_twiml or written
        assert len(replies) == len(set(replies)), f"the same reply twice: {replies}"
        return replies

    def say(self, body: str = "", **extra) -> str:
        """All replies to one message, joined, for `in` checks."""
        return "\n".join(self.send(body, **extra))


def add_visit(rt, kecamatan: str, days_ahead: int, *, start=time(8), end=time(13), status="planned", opd=None):
    from sqlalchemy import select

    from storage.models import Kecamatan, Opd, Visit

    with rt.sessions.begin() as s:
        kec = s.scalars(select(Kecamatan).where(Kecamatan.nama == kecamatan)).one()
        opds = list(s.scalars(select(Opd).order_by(Opd.id))) if opd is None else list(
            s.scalars(select(Opd).where(Opd.key.in_(opd))))
        v = Visit(tanggal=jakarta_today() + timedelta(days=days_ahead), mulai=start, selesai=end, kecamatan=kec,
                  lokasi=f"Kantor Kecamatan {kecamatan}", status=status, opd=opds)
        s.add(v)
        s.flush()
        return v.id


def outbox(rt, to: str) -> list[str]:
    """The bodies the outbox holds for one number beyond the replies to its own messages (those are
    what `Phone.send` returns), oldest first: what the sender will send them on its own."""
    from sqlalchemy import select

    from storage.models import OutboxMessage

    with rt.sessions() as s:
        return [o.body for o in s.scalars(select(OutboxMessage).where(OutboxMessage.to_phone == to,
                                                                      OutboxMessage.kind != "reply")
                                          .order_by(OutboxMessage.id))]


def tickets(rt) -> list:
    """Every ticket in the database."""
    from sqlalchemy import select

    from storage.models import Ticket

    with rt.sessions() as s:
        return list(s.scalars(select(Ticket)))
