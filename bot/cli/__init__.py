"""`python -m bot COMMAND`: the operator's command line (see README)."""

from __future__ import annotations

from importlib import import_module

import click

# Each command's module, imported only when that command runs (or when the full list is shown):
# importing all of them at start-up (fpdf for the poster, the whole bot for `chat` …) cost every
# `python -m bot scheduler send-worker` about a second of CPU before it did anything. A module's
# own `COMMANDS` are the commands (`visit_cmd` adds `cancel` and `move` to `schedule`).
COMMAND_MODULES = {
    "init": ("core",),
    "serve": ("core",),
    "schedule": ("schedule_cmd", "visit_cmd"),
    "chat": ("chat",),
    "understand": ("understand_cmd",),
    "people": ("people_cmd",),
    "scheduler": ("scheduler_cmd",),
    "broadcast": ("broadcast_cmd",),
    "report": ("report_cmd",),
    "poster": ("poster_cmd",),
}


class LazyCommands(click.Group):
    """A group whose subcommands are imported on first use (COMMAND_MODULES)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            for name in COMMAND_MODULES[cmd_name]:
                for command in import_module(f"{__name__}.{name}").COMMANDS:
                    self.add_command(command)
        return self.commands.get(cmd_name)


@click.group(cls=LazyCommands, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Kenduren Mas bot — asisten WhatsApp Kenduren Mas Pemkab Pasuruan."""


def main() -> None:
    cli(prog_name="python -m bot")
