"""`python -m bot COMMAND`: the operator's command line (see README)."""

from __future__ import annotations

import click

from bot.cli import (
    broadcast_cmd, chat, core, people_cmd, poster_cmd, report_cmd, schedule_cmd, scheduler_cmd, understand_cmd, visit_cmd,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Kenduren Mas bot — asisten WhatsApp Kenduren Mas Pemkab Pasuruan."""


for module in (core, schedule_cmd, visit_cmd, chat, understand_cmd, people_cmd, scheduler_cmd, broadcast_cmd,
               report_cmd, poster_cmd):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    cli(prog_name="python -m bot")
