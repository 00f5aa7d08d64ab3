"""`.env.example` lists every setting, including every TWILIO_TEMPLATE_<KIND>."""

from dataclasses import fields
from pathlib import Path

from core.settings import PROJECT_DIR, Settings
from handlers.outbox.kinds import TEMPLATE_KINDS


def _names() -> set[str]:
    text = Path(PROJECT_DIR / ".env.example").read_text(encoding="utf-8")
    return {line.split("=", 1)[0].strip().lstrip("# ").strip() for line in text.splitlines() if "=" in line}


def test_every_setting_is_in_env_example():
    listed = _names()
    wanted = {f.name.upper() for f in fields(Settings) if f.name != "templates"}
    wanted |= {f"TWILIO_TEMPLATE_{kind.upper()}" for kind in TEMPLATE_KINDS}
    assert wanted - listed == set()
