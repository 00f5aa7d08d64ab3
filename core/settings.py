"""Settings from the environment (a `.env` file may set them), as listed in the README.

The `.env` read is the project folder's, or the file ENV_FILE names (a deployment's
/etc/kenduren.env, a test's own file); a variable set in the environment wins over the file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_DIR / 'instance' / 'kenduren.db'}"

# TWILIO_TEMPLATE_<KIND>=HX…: the approved WhatsApp template of a message kind, used outside the
# 24-hour window. Which kinds take one is the kinds table's to say (handlers.outbox.kinds.TEMPLATE_KINDS).
TEMPLATE_PREFIX = "TWILIO_TEMPLATE_"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_whatsapp_from: str = ""
    twilio_sms_from: str = ""
    twilio_messaging_service_sid: str = ""
    twilio_api_base_url: str = ""
    public_base_url: str = ""
    bot_timezone: str = "Asia/Jakarta"
    # The account's outbound rate, shared by every sending process (scheduler.pacing).
    send_rate_per_second: float = 10.0
    # Own rates of sender numbers when several are configured: "whatsapp:+62811…=80,KENDURENMAS=10"
    # (each also within the account's rate).
    send_rate_per_sender: str = ""
    # The nice level a sending process (`scheduler send-worker`, the clock, a tick) runs at, at
    # least (scheduler.sender.lower_cpu_priority). 0 by default: with replies over REST the sender
    # carries every reply, and at 10 on a busy host replies waited tens of seconds (storm bench:
    # p95 37.7 s at nice 10, 1.25 s at 0) while the webhook's p99 stayed within 2× either way.
    sender_nice: int = 0
    # The nice level of the processor process (`scheduler process-worker`), at least: above 0 the web's
    # webhook gets a core first when both are busy (the webhook only stores; the processor answers
    # from the backlog once the burst passes). 0 by default: the processor is on every reply's path.
    processor_nice: int = 0
    # Number residents write to, for the wa.me links in kepala desa reminders (E.164 digits).
    bot_whatsapp_number: str = ""
    # Reminder kinds: name:days-before@HH:MM, comma-separated.
    reminder_plan: str = "h3:3@07:00,h1:1@16:00,hari_h:0@06:00"
    quiet_hours: str = "21:00-06:00"
    # Whether a resident is shown the WhatsApp number of the petugas their ticket goes to (at registration and
    # in STATUS). On by default (the design's example shows it); the regency may turn it off when petugas use
    # their personal numbers: the resident then sees the name and dinas, and reaches them through the bot.
    show_petugas_phone: bool = True
    idle_timeout_minutes: int = 30
    flood_limit_per_minute: int = 20
    templates: Mapping[str, str] = field(default_factory=dict)
    log_level: str = "INFO"
    # Dry-run only: accept unsigned webhooks that a reverse proxy forwarded (X-Forwarded-For …).
    # Off: behind a proxy on the same host every request comes from loopback, from anywhere.
    dry_run_allow_forwarded: bool = False
    # Where inbound messages wait when the database cannot store them (default: instance/spool).
    inbound_spool_dir: str = ""
    # Signs the web console's session cookies; empty: one is generated once and kept under instance/.
    console_secret_key: str = ""
    # A console login lasts this long, then the staff member logs in again.
    console_session_minutes: int = 480
    # A number called and not served within this many minutes is skipped as a no-show.
    antrean_no_show_minutes: int = 10
    # How many reverse proxies (each adding X-Forwarded-For/-Proto) stand in front of the web app:
    # the client address of the login limits and logs is read behind them (werkzeug ProxyFix). 0: none.
    trusted_proxies: int = 0
    # The Rasa action server (`python -m handlers.rasa_actions`): the shared secret Rasa's
    # action_endpoint sends (`token:` in endpoints.yml), and the address it listens on.
    rasa_actions_token: str = ""
    rasa_actions_host: str = "127.0.0.1"
    # The port `python -m bot serve` listens on (gunicorn's comes from the Procfile's $PORT).
    port: int = 5000
    # Where the trained recogniser is kept between starts (default: instance/nlu).
    nlu_cache_dir: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "database_url", normalise_database_url(self.database_url))

    @property
    def dry_run(self) -> bool:
        """No Twilio credentials: record and print what would be sent, send nothing."""
        return not (self.twilio_account_sid and self.twilio_auth_token)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """From `environ`, or from the process environment over the `.env` file (see above).
        A number that is not one raises SettingsError, whose message says which and what to write."""
        if environ is None:
            from dotenv import dotenv_values

            environ = {**dotenv_values(env_file()), **os.environ}
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f.name.upper())
            if raw is None or raw == "" or f.name == "templates":
                continue
            if f.type in ("bool",):
                values[f.name] = raw.strip().lower() in ("1", "true", "yes", "on")
            elif f.type in ("float", "int"):
                try:
                    values[f.name] = float(raw) if f.type == "float" else int(raw)
                except ValueError:
                    raise SettingsError(f"{f.name.upper()}={raw!r} bukan angka: tulis angka saja, misalnya "
                                        f"{f.name.upper()}={f.default}, atau hapus barisnya.") from None
            else:
                values[f.name] = raw
        values["templates"] = {name[len(TEMPLATE_PREFIX):].lower(): sid.strip() for name, sid in environ.items()
                               if name.upper().startswith(TEMPLATE_PREFIX) and sid and sid.strip()}
        if "bot_whatsapp_number" not in values and values.get("twilio_whatsapp_from"):
            values["bot_whatsapp_number"] = values["twilio_whatsapp_from"].removeprefix("whatsapp:")
        settings = cls(**values)
        return replace(settings, **overrides) if overrides else settings

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **overrides)


class SettingsError(ValueError):
    """A setting that cannot be used; the message is the one line an operator reads."""


def env_file() -> Path:
    """The `.env` file settings are read from: ENV_FILE, else the project folder's."""
    return Path(os.environ["ENV_FILE"]) if os.environ.get("ENV_FILE") else PROJECT_DIR / ".env"


# Heroku-style and driverless PostgreSQL URLs name the driver this project installs (psycopg 3).
_POSTGRES_SCHEME = re.compile(r"^(postgres|postgresql)://", re.IGNORECASE)


def normalise_database_url(url: str) -> str:
    """`postgres://…` (as Heroku and many hosts write it) and `postgresql://…` → `postgresql+psycopg://…`;
    surrounding blanks and quotes dropped; empty → the embedded SQLite."""
    url = (url or "").strip().strip("'\"").strip()
    if not url:
        return DEFAULT_DATABASE_URL
    return _POSTGRES_SCHEME.sub("postgresql+psycopg://", url, count=1)


def mask_url(url: str) -> str:
    """A database URL without its password, for logs (also one that does not parse)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001  (a typo'd URL is shown, never its password)
        return re.sub(r"([^:/@\s]*):[^@\s]*@", r"\1:***@", url)


__all__ = ["Settings", "SettingsError", "DEFAULT_DATABASE_URL", "PROJECT_DIR", "TEMPLATE_PREFIX", "env_file",
           "mask_url", "normalise_database_url"]
