"""`python -m bot` imports a command's module only when that command runs (bot.cli.COMMAND_MODULES)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from importlib import import_module

import bot.cli
from bot.cli import COMMAND_MODULES
from core.settings import PROJECT_DIR


def test_every_command_module_is_listed_under_its_commands_names():
    for info in pkgutil.iter_modules(bot.cli.__path__):
        module = import_module(f"bot.cli.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            assert info.name in COMMAND_MODULES[command.name], (info.name, command.name)


def test_a_worker_starts_without_the_other_commands_modules():
    code = ("import sys; from bot.cli import cli\n"
            "try:\n    cli(['scheduler', 'send-worker', '--help'], prog_name='python -m bot')\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in ('fpdf', 'bot.cli.chat', 'bot.cli.poster_cmd', 'handlers.inbound') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True, check=True).stdout
    assert "--lease" in out and out.strip().endswith("[]")
