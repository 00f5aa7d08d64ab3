"""`understand`: stdin lines → one JSON object a line {"intent", "entities", "confidence"}."""

from __future__ import annotations

import json
import sys

import click


@click.command("understand")
def understand_command() -> None:
    """Tampilkan apa yang dipahami bot dari tiap baris stdin (JSON per baris)."""
    from core.nlu import build_recogniser  # no database needed for this command

    recogniser = build_recogniser()
    for line in sys.stdin:
        result = recogniser.understand(line.rstrip("\n"))
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False))


COMMANDS = [understand_command]
