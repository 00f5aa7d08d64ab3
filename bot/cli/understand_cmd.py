"""`understand`: stdin lines → one JSON object a line {"intent", "entities", "confidence"}."""

from __future__ import annotations

import json
import sys

import click


@click.command("understand")
def understand_command() -> None:
    """Tampilkan apa yang dipahami bot dari tiap baris stdin (JSON per baris)."""
    from bot.cli.context import PREPARING_NLU
    from core.nlu import build_recogniser, cache_dir_of, is_built  # no database needed for this command
    from core.settings import Settings

    cache_dir = cache_dir_of(Settings.from_env())
    if not is_built(cache_dir):
        click.echo(PREPARING_NLU, err=True)
    recogniser = build_recogniser(cache_dir)
    for line in sys.stdin:
        result = recogniser.understand(line.rstrip("\n"))
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False))


COMMANDS = [understand_command]
