"""The rasa-sdk action server, started for real on loopback, answering the JSON Rasa 3.x posts."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import Proposal, Ticket
from tests.whatsapp import add_visit

ROOT = Path(__file__).resolve().parents[2]
SENDER = "+6281234567890"
TOKEN = "rasa-shared-secret-for-tests"
DOMAIN = {
    "slots": {name: {"type": "text", "mappings": [{"type": "from_text"}]}
              for name in ("layanan", "kecamatan", "desa", "nama", "kategori", "deskripsi", "kode")},
    "forms": {"service_form": {"required_slots": ["layanan", "kecamatan", "desa", "nama"]}},
    "responses": {}, "actions": [], "intents": [], "entities": [],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile_command(name: str) -> str:
    """The command the Procfile gives a process type, run with this virtualenv's python."""
    for line in (ROOT / "Procfile").read_text(encoding="utf-8").splitlines():
        if line.startswith(name + ":"):
            command = line.split(":", 1)[1].strip()
            assert command.startswith("python ")
            return sys.executable + command.removeprefix("python")
    raise AssertionError(f"no {name} in the Procfile")


def start_actions(env_extra: dict, log: Path) -> tuple[subprocess.Popen, int]:
    """`actions` as the Procfile starts it (`sh -c`, PORT from the environment)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TWILIO_", "RASA_", "SANIC_"))}
    env.update(PORT=str(port), PYTHONPATH=str(ROOT), **env_extra)
    with log.open("wb") as sink:
        proc = subprocess.Popen(["sh", "-c", "exec " + procfile_command("actions")], cwd=ROOT, env=env,
                                stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    return proc, port


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory):
    """One action server per backend for this module; each test still gets a clean database (rt)."""
    log = tmp_path_factory.mktemp("rasa") / "actions.log"
    proc, port = start_actions({"DATABASE_URL": database_url, "RASA_ACTIONS_TOKEN": TOKEN}, log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/health", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                pytest.fail("action server did not start: " + log.read_text()[-2000:])
            time.sleep(0.2)
    # The first action builds the language recogniser in the server (seconds on a busy machine): once,
    # here, with time to spare, so no test's own call waits for it.
    call(url, "action_next_visit", {"kecamatan": "gempol"}, timeout=180)
    yield url
    # Sanic serves from a spawned worker process: end the whole group, not just the parent.
    # (Its graceful shutdown takes seconds; it holds nothing worth keeping.)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


@pytest.fixture
def action_server(server, rt):
    return server


def call(url: str, action: str, slots: dict, *, text: str = "", events: list | None = None,
         token: str | None = TOKEN, headers: dict | None = None, timeout: float = 30, metadata: dict | None = None):
    body = {
        "next_action": action, "sender_id": SENDER, "version": "3.6.0", "domain": DOMAIN,
        "tracker": {
            "sender_id": SENDER, "slots": {**dict.fromkeys(DOMAIN["slots"]), **slots},
            "latest_message": {"text": text, "intent": {"name": "daftar_layanan", "confidence": 0.9}, "entities": [],
                               **({"metadata": metadata} if metadata else {})},
            "events": events or [], "paused": False, "followup_action": None,
            "active_loop": {"name": "service_form"} if action.startswith("validate_") else {},
            "latest_action_name": "action_listen",
        },
    }
    query = "?" + urllib.parse.urlencode({"token": token}) if token is not None else ""
    req = urllib.request.Request(url + "/webhook" + query, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def texts(result) -> str:
    return "\n".join(r.get("text") or "" for r in result["responses"])


def slot_events(result) -> dict:
    return {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}


def test_validation_normalises_and_rejects_in_indonesian(action_server):
    events = [{"event": "user", "text": "gempl"}, {"event": "slot", "name": "kecamatan", "value": "gempl"},
              {"event": "slot", "name": "layanan", "value": "bikin ktp el"}]
    status, result = call(action_server, "validate_service_form", {"kecamatan": "gempl", "layanan": "bikin ktp el"},
                          events=events)
    assert status == 200
    assert slot_events(result) == {"kecamatan": "Gempol", "layanan": "ktp"}

    events = [{"event": "user", "text": "atlantis"}, {"event": "slot", "name": "desa", "value": "atlantis"}]
    status, result = call(action_server, "validate_service_form", {"kecamatan": "Gempol", "desa": "atlantis"},
                          events=events)
    assert status == 200
    assert slot_events(result) == {"desa": None}
    assert "tidak saya temukan di Kecamatan Gempol" in texts(result)


@pytest.mark.parametrize("typed,stored", [("eh bukan aku, nama anakku Raka", "Raka"),
                                          ("Ibu kula asmanipun Siti Aminah", "Siti Aminah"),
                                          ("saya mau daftar ktp besok", None), ("3514", None)])
def test_the_name_is_taken_out_of_its_sentence(action_server, typed, stored):
    events = [{"event": "user", "text": typed}, {"event": "slot", "name": "nama", "value": typed}]
    status, result = call(action_server, "validate_service_form", {"nama": typed}, events=events)
    assert status == 200
    assert slot_events(result) == {"nama": stored}
    if stored is None:
        assert "misalnya *Siti Aminah*" in texts(result)


def test_register_service_then_status_on_whatsapp(action_server, rt, phone):
    add_visit(rt, "Gempol", 10)
    status, result = call(action_server, "action_register_service",
                          {"layanan": "ktp", "kecamatan": "Gempol", "desa": "Gempol", "nama": "Sumarti"})
    assert status == 200, result
    kode = slot_events(result)["kode"]
    assert f"Kode tiket: *{kode}*" in texts(result) and "KK asli" in texts(result)
    with rt.sessions() as s:
        ticket = s.scalars(select(Ticket)).one()
        assert (ticket.kode, ticket.resident.phone, ticket.layanan.key) == (kode, SENDER, "ktp")
    assert kode in phone.say(f"cek status {kode}")  # same resident, same row, on WhatsApp


def test_next_visit_tells_a_move_like_the_whatsapp_flow(action_server, rt):
    from datetime import timedelta

    from flows.dates import tanggal
    from storage.models import Visit
    from storage.schedule import move_visit
    from tests.whatsapp import jakarta_today

    first = add_visit(rt, "Bangil", 5)
    with rt.sessions.begin() as s:
        second = move_visit(s, s.get(Visit, first), jakarta_today() + timedelta(days=8))
        move_visit(s, second, jakarta_today() + timedelta(days=12))
    status, result = call(action_server, "action_next_visit", {"kecamatan": "bangil"})
    said = texts(result)
    assert status == 200 and "*DIPINDAH* ke *" + tanggal(jakarta_today() + timedelta(days=12)) in said
    assert tanggal(jakarta_today() + timedelta(days=8)) not in said


def test_next_visit_and_status_and_proposal(action_server, rt):
    add_visit(rt, "Bangil", 5)
    status, result = call(action_server, "action_next_visit", {"kecamatan": "bangil"})
    assert status == 200 and "Kecamatan Bangil" in texts(result)
    status, result = call(action_server, "action_check_status", {"kode": "KM-0000"})
    assert "tidak ditemukan untuk nomor ini" in texts(result)
    status, result = call(action_server, "action_submit_proposal",
                          {"kategori": "jalan", "desa": "martopuro", "deskripsi": "jalan berlubang dekat SD"})
    assert status == 200 and "Kode: *US-" in texts(result)
    with rt.sessions() as s:
        assert s.scalars(select(Proposal)).one().desa.nama == "Martopuro"
    status, result = call(action_server, "action_submit_proposal",
                          {"kategori": "jalan", "desa": "kalirejo", "deskripsi": "jalan rusak parah sekali"})
    assert slot_events(result) == {"desa": None} and "beberapa Desa Kalirejo" in texts(result)


def test_handoff_action(action_server, rt):
    status, result = call(action_server, "action_handoff", {}, text="saya mau bicara dengan orang")
    assert status == 200 and "KM-" in texts(result)


def test_unknown_action_is_404(action_server):
    status, _ = call(action_server, "action_does_not_exist", {})
    assert status == 404


def test_example_rasa_assistant_names_exactly_our_actions():
    from ruamel.yaml import YAML

    from handlers.rasa_actions import actions, validation

    yaml = YAML(typ="safe")
    domain = yaml.load((ROOT / "examples/rasa/domain.yml").read_text(encoding="utf-8"))
    ours = {cls().name() for cls in (actions.ActionNextVisit, actions.ActionRegisterService, actions.ActionSubmitProposal,
                                     actions.ActionCheckStatus, actions.ActionHandoff, validation.ValidateServiceForm)}
    assert set(domain["actions"]) == ours
    assert set(domain["forms"]["service_form"]["required_slots"]) == {"layanan", "kecamatan", "desa", "nama"}
    endpoints = yaml.load((ROOT / "examples/rasa/endpoints.yml").read_text(encoding="utf-8"))
    assert endpoints["action_endpoint"]["url"].endswith("/webhook")
    assert endpoints["action_endpoint"]["token"] == "${RASA_ACTIONS_TOKEN}"  # what the server checks


def test_actions_go_through_the_same_policy(action_server, rt):
    """In a handoff a message is relayed, MENU leaves it, and thanks get a friendly word: as on WhatsApp."""
    from storage.models import Conversation, Opd, Staff, StaffRole

    with rt.sessions.begin() as s:
        kominfo = s.scalars(select(Opd).where(Opd.key == "diskominfo")).one()
        s.add(Staff(phone="+6281200000009", name="Mas Helpdesk", role=StaffRole.PETUGAS, opd_id=kominfo.id))
    status, result = call(action_server, "action_handoff", {}, text="saya mau bicara dengan orang")
    assert "sambungkan ke petugas" in texts(result)
    status, result = call(action_server, "action_next_visit", {}, text="jam piro bukane?")
    assert "diteruskan ke petugas" in texts(result) and "Kenduren Mas ke" not in texts(result)
    with rt.sessions.begin() as s:  # one message not understood before: MENU starts afresh, as on WhatsApp
        s.scalars(select(Conversation)).one().misunderstood = 1
    status, result = call(action_server, "action_next_visit", {}, text="MENU")
    assert "kembali ke asisten otomatis" in texts(result)
    with rt.sessions() as s:
        conversation = s.scalars(select(Conversation)).one()
        assert conversation.handoff_ticket_id is None and conversation.misunderstood == 0
    status, result = call(action_server, "action_check_status", {}, text="matur nuwun")
    assert "Sama-sama" in texts(result)


def test_in_a_handoff_rasa_answers_clear_questions_like_whatsapp(action_server, rt):
    """Not everything is relayed: a schedule naming the kecamatan and a sourced question are the bot's
    (the petugas sees both in the history); what only the petugas can answer is relayed."""
    from storage.models import Opd, OutboxMessage, Staff, StaffRole

    add_visit(rt, "Gempol", 10)
    with rt.sessions.begin() as s:
        kominfo = s.scalars(select(Opd).where(Opd.key == "diskominfo")).one()
        s.add(Staff(phone="+6281200000009", name="Mas Helpdesk", role=StaffRole.PETUGAS, opd_id=kominfo.id))
    call(action_server, "action_handoff", {}, text="kula nyuwun matur kaliyan petugas")
    status, result = call(action_server, "action_next_visit", {}, text="kenduren mas teng gempol kapan?")
    assert "Kecamatan Gempol" in texts(result) and "diteruskan ke petugas" not in texts(result)
    status, result = call(action_server, "action_next_visit", {}, text="ngurus kk mbayar ta?")
    assert "GRATIS" in texts(result) and "tetap berjalan" in texts(result) and "Ketik *PETUGAS*" not in texts(result)
    status, result = call(action_server, "action_next_visit", {}, text="mas, berkas saya kemarin sudah diterima?")
    assert "diteruskan ke petugas" in texts(result)
    with rt.sessions() as s:
        bodies = [m.body for m in s.scalars(select(OutboxMessage).where(OutboxMessage.to_phone == "+6281200000009"))]
    assert any("ngurus kk mbayar ta?" in b and "GRATIS" in b for b in bodies)
    assert any("berkas saya kemarin" in b for b in bodies)


@pytest.mark.parametrize("media_type, expected", [
    ("audio/ogg", "belum bisa mendengar pesan suara"),
    ("image/webp", "Stikernya sudah saya terima"),
    ("text/vcard", "Kartu kontaknya sudah saya terima"),
    ("image/jpeg", "Fotonya sudah saya terima"),
])
def test_media_through_rasa_is_answered_kindly(action_server, rt, media_type, expected):
    status, result = call(action_server, "action_next_visit", {}, text="",
                          metadata={"MediaUrl0": "https://api.twilio.com/media/ME1", "MediaContentType0": media_type})
    assert status == 200 and expected in texts(result), texts(result)
    assert "Jadwal Kenduren Mas" not in texts(result)


def test_the_flood_limit_counts_messages_not_action_calls(action_server, rt):
    """A form runs several actions for one message: 25 calls for one message are one message."""
    from storage.models import Resident

    one_message = [{"event": "user", "text": "cek status", "timestamp": 1764560000.123456}]
    for _ in range(25):  # more calls than the limit (20 a minute)
        status, result = call(action_server, "action_check_status", {}, text="cek status", events=one_message)
        assert status == 200 and "Mohon tunggu sebentar" not in texts(result)
    with rt.sessions() as s:
        assert s.scalars(select(Resident)).one().flood_count == 1
    second = [*one_message, {"event": "bot", "text": "…", "timestamp": 1764560001.0},
              {"event": "user", "text": "cek status lagi", "timestamp": 1764560002.5}]
    call(action_server, "action_check_status", {}, text="cek status lagi", events=second)
    call(action_server, "action_check_status", {}, text="cek status lagi", events=second)
    with rt.sessions() as s:
        assert s.scalars(select(Resident)).one().flood_count == 2


def test_callers_without_the_secret_are_refused_and_change_nothing(action_server, rt):
    """Rasa's action_endpoint `token:` arrives as ?token=…; a caller without it acts for nobody."""
    for token, headers in ((None, {}), ("wrong-guess", {}), ("", {}), (None, {"Authorization": "Bearer nope"}),
                           (TOKEN.upper(), {})):
        status, result = call(action_server, "action_submit_proposal",
                              {"kategori": "jalan", "desa": "martopuro", "deskripsi": "jalan berlubang dekat SD"},
                              token=token, headers=headers)
        assert status == 401 and result == {"error": "unauthorised"}
        assert call(action_server, "action_handoff", {}, text="saya mau bicara dengan orang", token=token,
                    headers=headers)[0] == 401
        assert call(action_server, "action_check_status", {"kode": "KM-0000"}, token=token,
                    headers=headers)[0] == 401
    with rt.sessions() as s:
        assert s.scalars(select(Proposal)).all() == [] and s.scalars(select(Ticket)).all() == []
    for path in ("/actions",):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(action_server + path, timeout=5)
        assert refused.value.code == 401
        refused.value.close()
    # The secret as a bearer header (endpoints.yml `headers:`) is accepted too.
    status, result = call(action_server, "action_check_status", {"kode": "KM-0000"}, token=None,
                          headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 200 and "tidak ditemukan untuk nomor ini" in texts(result)


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                raw = bytes.fromhex(address)
                if len(raw) == 4:
                    found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:
                    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


def test_the_procfile_server_listens_on_loopback_only(action_server):
    port = int(action_server.rsplit(":", 1)[1])
    assert _listening_addresses(port) == {"127.0.0.1"}


def test_refuses_to_start_without_the_secret_outside_dry_run(tmp_path, database_url):
    live = {"DATABASE_URL": database_url, "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "t" * 32}
    log = tmp_path / "refused.log"
    proc, port = start_actions(live, log)
    try:
        assert proc.wait(60) != 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    said = log.read_text()
    assert "RASA_ACTIONS_TOKEN is not set" in said and "Traceback" not in said
    assert _listening_addresses(port) == set()
    # Without a secret even in dry-run it will not listen beyond this machine.
    proc, port = start_actions({"DATABASE_URL": database_url, "RASA_ACTIONS_HOST": "0.0.0.0"}, log)
    try:
        assert proc.wait(60) != 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert "is not loopback" in log.read_text()


def test_gate_rules():
    from handlers.rasa_actions.server import admitted, presented_token

    assert presented_token({"token": "abc"}, {}) == "abc"
    assert presented_token({}, {"authorization": "Bearer abc"}) == "abc"
    assert presented_token({}, {"authorization": "Basic abc"}) == ""
    assert admitted("abc", "abc", "203.0.113.9") and not admitted("abc", "abd", "127.0.0.1")
    assert not admitted("abc", "", "127.0.0.1")
    # Dry-run without a secret: loopback callers only.
    assert admitted("", "", "127.0.0.1") and admitted("", "", "::1") and not admitted("", "", "10.0.0.4")


def test_the_old_ungated_command_refuses_to_serve_the_actions(tmp_path, database_url):
    """`python -m rasa_sdk --actions handlers.rasa_actions` (the old Procfile) would serve without the gate."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "RASA_", "SANIC_", "KENDUREN_"))}
    env.update(DATABASE_URL=database_url, PYTHONPATH=str(ROOT), RASA_ACTIONS_TOKEN=TOKEN, SANIC_HOST="127.0.0.1")
    done = subprocess.run([sys.executable, "-m", "rasa_sdk", "--actions", "handlers.rasa_actions", "--port", str(port)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "python -m handlers.rasa_actions" in done.stdout + done.stderr
    assert _listening_addresses(port) == set()
