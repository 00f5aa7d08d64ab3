"""Benchmark: does the console's "Kirim kode" tell which numbers are staff by how long it takes?

    .venv/bin/python bench/login_code_timing.py [--rounds 10]

A throwaway SQLite database in a temporary folder, the app on a real loopback port (werkzeug's
threaded server, dry-run), one staff number and one unknown number asked in turn; prints the
median and spread of each. Before the fix: ~110 ms for staff, ~6 ms for anyone else. The code cap
(5 per number per day) and the per-address one are kept out of the way with a new number and a
new (forwarded) address per round.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from bot import create_app  # noqa: E402
from core.runtime import Runtime  # noqa: E402
from core.settings import Settings  # noqa: E402
from storage.loader import load_reference_data  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Staff, StaffRole  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        settings = Settings.from_env(environ={}).with_overrides(database_url=url, inbound_spool_dir=f"{tmp}/spool",
                                                                console_secret_key="bench", log_level="ERROR")
        rt = Runtime(settings)
        upgrade(rt.engine)
        staff_numbers = [f"+62812{7000000 + i:07d}" for i in range(args.rounds)]
        with rt.sessions.begin() as s:
            load_reference_data(s)
            for i, phone in enumerate(staff_numbers):
                s.add(Staff(phone=phone, name=f"Petugas {i}", role=StaffRole.ADMIN))
        rt.dispose()
        app = create_app({"database_url": url, "inbound_spool_dir": f"{tmp}/spool", "console_secret_key": "bench",
                          "log_level": "ERROR", "trusted_proxies": 1})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        timings: dict[str, list[float]] = {"staff": [], "unknown": []}
        try:
            for i in range(args.rounds):
                for who, phone in (("staff", staff_numbers[i]), ("unknown", f"+62813{8000000 + i:07d}")):
                    browser = requests.Session()
                    token = re.search(r'name="csrf_token" value="([^"]+)"',
                                      browser.get(base + "/console/login").text).group(1)
                    started = time.perf_counter()
                    response = browser.post(base + "/console/login/kode", data={"phone": phone, "csrf_token": token},
                                             headers={"X-Forwarded-For": f"192.0.2.{i + 1}"})
                    timings[who].append(time.perf_counter() - started)
                    assert response.status_code == 200, response.status_code
        finally:
            server.shutdown()
            app.extensions["kenduren"].dispose()
        for who, values in timings.items():
            print(f"{who:8} median {statistics.median(values) * 1000:7.1f} ms   min {min(values) * 1000:7.1f} ms   "
                  f"max {max(values) * 1000:7.1f} ms   (n={len(values)})")
        gap = abs(statistics.median(timings["staff"]) - statistics.median(timings["unknown"])) * 1000
        print(f"median gap {gap:.1f} ms")


if __name__ == "__main__":
    main()
