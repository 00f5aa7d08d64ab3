"""The README's commands are the ones the project runs: CI runs exactly the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, flags=re.S)
    [command] = [line for block in blocks for line in block.splitlines() if "requirements-dev.txt" in line]
    return command.strip()


def test_ci_runs_exactly_the_readmes_test_command():
    command = readme_test_command()
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert command in [line.strip() for line in script.splitlines()], command


def test_the_test_command_spreads_the_suite_over_the_cores():
    assert re.search(r"-m pytest\b.* -n (auto|\d+)", readme_test_command())
