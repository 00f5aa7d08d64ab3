"""A newcomer's first hour (README quick start): a wrong DATABASE_URL is one line with the fix, never a
traceback; `postgres://` is PostgreSQL; every setting, PORT included, is read from `.env`; the first
start says that it prepares the language recogniser; one DRY-RUN banner; no colour codes in a log file."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import MISSING, fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.cli.context import PREPARING_NLU
from core.settings import PROJECT_DIR, Settings
from handlers.outbox.kinds import TEMPLATE_KINDS
from tests import dbs

SETTING_NAMES = [f.name.upper() for f in fields(Settings) if f.name != "templates"]


def run(*args: str, env: dict[str, str]):
    """`python -m bot …` in-process, with only `env` (and an empty .env) for settings."""
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def clean_env(monkeypatch, tmp_path) -> dict[str, str]:
    """No setting from the developer's environment or .env: an empty ENV_FILE of the test's own."""
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    empty = tmp_path / "empty.env"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("ENV_FILE", str(empty))
    return {"ENV_FILE": str(empty)}


BAD_URLS = {
    "typo in the scheme": ("postgress://warga:rahasia@127.0.0.1/kenduren", "tidak dikenal"),
    "missing colon": ("postgresql+psycopg//warga:rahasia@127.0.0.1/kenduren", "tidak terbaca"),
    "nothing listening": ("postgresql+psycopg://warga:rahasia@127.0.0.1:1/kenduren", "tidak ada server database"),
    "driver not installed": ("mysql://warga:rahasia@127.0.0.1/kenduren", "driver"),
}


@pytest.mark.parametrize("command", ["init", "serve"])
@pytest.mark.parametrize("case", list(BAD_URLS))
def test_a_bad_database_url_is_one_line_with_the_fix(clean_env, command, case):
    url, says = BAD_URLS[case]
    result = run(command, env={**clean_env, "DATABASE_URL": url})
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1, result.output
    assert says in lines[0] and "DATABASE_URL" in lines[0], lines[0]
    assert "Traceback" not in result.output and "rahasia" not in result.output  # the password never shows


def test_a_database_the_server_does_not_have_is_one_line_naming_it(clean_env):
    dbs.require_postgres()
    url = dbs.PG_ADMIN_URL.rsplit("/", 1)[0] + "/kenduren_tidak_ada"
    result = run("init", env={**clean_env, "DATABASE_URL": url})
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1, result.output
    assert "database 'kenduren_tidak_ada' belum ada" in result.output


def test_heroku_style_postgres_url_is_postgresql(clean_env):
    assert Settings(database_url="postgres://u:p@db.example:5432/km").database_url == \
        "postgresql+psycopg://u:p@db.example:5432/km"
    assert Settings(database_url="postgresql://u@h/km").database_url == "postgresql+psycopg://u@h/km"
    dbs.require_postgres()
    url = dbs.create_postgres_database()
    try:
        heroku = "postgres://" + url.split("://", 1)[1]
        result = run("init", env={**clean_env, "DATABASE_URL": heroku})
        assert result.exit_code == 0, result.output
        assert "24 kecamatan, 365 desa/kelurahan" in result.output
    finally:
        dbs.drop_postgres_database(url)


def _value(f):
    """A value unlike the default, as .env would write it."""
    default = f.default if f.default is not MISSING else None
    if f.type == "bool":
        return "true", True
    if f.type == "int":
        return str(default + 7), default + 7
    if f.type == "float":
        return str(default + 1.5), default + 1.5
    if f.name == "database_url":
        return "postgres://warga@db.example/kenduren", "postgresql+psycopg://warga@db.example/kenduren"
    return f"nilai-{f.name}", f"nilai-{f.name}"


def test_every_setting_is_read_from_the_env_file(clean_env, tmp_path, monkeypatch):
    wanted = {f.name: _value(f) for f in fields(Settings) if f.name != "templates"}
    lines = [f"{name.upper()}={text}" for name, (text, _) in wanted.items()]
    lines += [f"TWILIO_TEMPLATE_{kind.upper()}=HX{kind}" for kind in TEMPLATE_KINDS]
    env_file = tmp_path / ".env"
    env_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("ENV_FILE", str(env_file))
    settings = Settings.from_env()
    assert {name: getattr(settings, name) for name in wanted} == {name: value for name, (_, value) in wanted.items()}
    assert dict(settings.templates) == {kind: f"HX{kind}" for kind in TEMPLATE_KINDS}


def test_a_setting_that_is_not_a_number_is_one_line(clean_env):
    result = run("init", env={**clean_env, "PORT": "lima ribu"})
    assert result.exit_code == 1 and result.output.strip() == (
        "PORT='lima ribu' bukan angka: tulis angka saja, misalnya PORT=5000, atau hapus barisnya.")


def stop(proc: subprocess.Popen, sig: int) -> None:
    """Ask the server to stop as an operator would; kill its process group if it does not within 30 s."""
    proc.send_signal(sig)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_first_serve_takes_its_port_from_env_says_it_prepares_the_recogniser_once_and_logs_plainly(tmp_path):
    port = free_port()
    nlu = tmp_path / "nlu"  # empty: this start trains the recogniser, as a fresh clone's first does
    env_file = tmp_path / ".env"
    env_file.write_text(f"DATABASE_URL=sqlite:///{tmp_path / 'kenduren.db'}\nPORT={port}\nNLU_CACHE_DIR={nlu}\n"
                        f"INBOUND_SPOOL_DIR={tmp_path / 'spool'}\nCONSOLE_SECRET_KEY=kunci-uji\nLOG_LEVEL=INFO\n",
                        encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTING_NAMES and not k.startswith("TWILIO_")}
    env.update(ENV_FILE=str(env_file), PYTHONPATH=str(PROJECT_DIR))
    log = tmp_path / "serve.log"  # a file, not a terminal
    with log.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--no-scheduler"], cwd=PROJECT_DIR, env=env,
                                stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 240  # training takes ~10 s alone, far more on a loaded machine
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200
                break
            except OSError:
                assert proc.poll() is None, log.read_text(encoding="utf-8")
                assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
                time.sleep(0.3)
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).close()  # an access log line
    finally:
        stop(proc, signal.SIGINT)
    output = log.read_text(encoding="utf-8")
    assert f"mendengarkan di http://127.0.0.1:{port} " in output
    assert output.count(PREPARING_NLU) == 1 and PREPARING_NLU == "Menyiapkan pemahaman bahasa (sekali, ±10 detik)…"
    assert output.count("DRY-RUN") == 1, output
    assert '"GET /healthz' in output and "\x1b[" not in output, output
    assert "Traceback" not in output, output
    assert list(nlu.glob("recogniser-*.pickle"))  # kept: the next start loads it, silently

    again = run("init", env={"ENV_FILE": str(env_file)})
    assert again.exit_code == 0 and PREPARING_NLU not in again.output, again.output


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True, scope="session")  # the database plays no part
def test_gunicorn_with_two_workers_says_dry_run_once(tmp_path, database_url):
    """The Procfile's `web` command as a platform runs it: each worker made its app and said DRY-RUN,
    so a log showed it WEB_CONCURRENCY times; the master says it once, before its workers."""
    from core.nlu import build_recogniser

    build_recogniser()  # on disk before the workers start: they load it, not train it twice at once
    port = free_port()
    web = next(line for line in (PROJECT_DIR / "Procfile").read_text().splitlines() if line.startswith("web:"))
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTING_NAMES and not k.startswith("TWILIO_")}
    env_file = tmp_path / ".env"
    env_file.write_text(f"DATABASE_URL={database_url}\nINBOUND_SPOOL_DIR={tmp_path / 'spool'}\n"
                        "CONSOLE_SECRET_KEY=kunci-uji\nLOG_LEVEL=INFO\n", encoding="utf-8")
    env.update(ENV_FILE=str(env_file), PYTHONPATH=str(PROJECT_DIR), PORT=str(port), WEB_CONCURRENCY="2",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    log = tmp_path / "web.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(["/bin/sh", "-c", f"exec {web.removeprefix('web:').strip()}"], cwd=PROJECT_DIR,
                                env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while log.read_text(encoding="utf-8").count(" ready") < 2:  # both workers made their app
            assert proc.poll() is None, log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.2)
    finally:
        stop(proc, signal.SIGTERM)
    output = log.read_text(encoding="utf-8")
    assert output.count("DRY-RUN") == 1, output
    assert "Traceback" not in output, output
