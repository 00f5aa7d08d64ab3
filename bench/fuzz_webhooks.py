"""Benchmark: fuzzed, correctly signed webhooks; counts 5xx answers and 200s that are not valid XML.

    .venv/bin/python bench/fuzz_webhooks.py [--forms 2000] [--callbacks 1000] [--backends sqlite,postgres] [--seed 12]

In-process (Flask's test client) on a fresh database per backend (PostgreSQL: created and
dropped at TEST_POSTGRES_URL's server). Forms mix Twilio-shaped values with hostile ones: NUL and
other controls, U+FFFE/U+FFFF, huge integers (NumMedia ≥ 2³¹), inf/nan coordinates, fields
thousands of characters long (ButtonPayload > 256), non-SID SIDs. Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import create_app  # noqa: E402
from tests import dbs  # noqa: E402
from tests.conftest import BASE_SETTINGS, initialised  # noqa: E402
from tests.whatsapp import BOT_NUMBER, PUBLIC_BASE, sign, signed_settings  # noqa: E402

NASTY = ["\x00", "\x07", "\x1b", "\ufffe", "\uffff", "<", "&", "]]>", "\u202e", "😀", "NIK 3514010101010001"]
NUMBERS = ["0", "1", "10", "-1", "2147483648", "9" * 30, "inf", "nan", "-inf", "1e400", "", "x"]
PHONES = ["whatsapp:+6281234567890", "whatsapp:+6281298765432", "+6281234567890", "whatsapp:+14155550100", "",
          "whatsapp:+62\x00812"]
STATUSES = ["queued", "sent", "delivered", "read", "failed", "undelivered", "delivered" * 4, "", "x\x00"]


def text(r: random.Random) -> str:
    pick = r.random()
    if pick < 0.3:
        return r.choice(["halo", "jadwal", "1", "mau daftar ktp", "gempol"])
    if pick < 0.6:
        return "".join(r.choice(NASTY) for _ in range(r.randint(1, 6)))
    if pick < 0.8:
        return r.choice(["x", "\x00", "ü", "9"]) * r.randint(200, 6000)
    return "".join(chr(r.randint(1, 0xFFFF)) for _ in range(r.randint(1, 30))).replace("\ud800", "")


def sid(r: random.Random) -> str:
    return "SM%032x" % r.getrandbits(128) if r.random() < 0.8 else text(r)


def inbound(r: random.Random) -> dict[str, str]:
    form = {"MessageSid": sid(r), "AccountSid": "AC" + "0" * 32, "From": r.choice(PHONES), "To": BOT_NUMBER,
            "Body": text(r)}
    for name, gen in (("ProfileName", text), ("NumMedia", lambda r: r.choice(NUMBERS)), ("MediaUrl0", text),
                      ("Latitude", lambda r: r.choice(NUMBERS)), ("Longitude", lambda r: r.choice(NUMBERS)),
                      ("ButtonPayload", text), ("WaId", text)):
        if r.random() < 0.4:
            form[name] = gen(r)
    return {k: "".join(c for c in v if not 0xD800 <= ord(c) <= 0xDFFF) for k, v in form.items()}


def callback(r: random.Random) -> dict[str, str]:
    form = {"MessageSid": sid(r), "MessageStatus": r.choice(STATUSES) if r.random() < 0.7 else text(r)}
    if r.random() < 0.5:
        form["ErrorCode"] = r.choice(NUMBERS + ["63016", "21610"])
    if r.random() < 0.3:
        form["ErrorMessage"] = text(r)
    return {k: "".join(c for c in v if not 0xD800 <= ord(c) <= 0xDFFF) for k, v in form.items()}


def run(backend: str, forms: int, callbacks: int, seed: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="kenduren-fuzz-"))
    url = dbs.create_postgres_database("kenduren_bench") if backend == "postgresql" else f"sqlite:///{tmp / 'f.db'}"
    try:
        initialised(url)
        overrides = dict(database_url=url)
        if "inbound_spool_dir" in BASE_SETTINGS.__dataclass_fields__:
            overrides["inbound_spool_dir"] = str(tmp / "spool")
        app = create_app(asdict(signed_settings(BASE_SETTINGS.with_overrides(**overrides))))
        logging.getLogger().setLevel(logging.CRITICAL)
        client = app.test_client()
        r = random.Random(seed)
        for path, make, count in (("/twilio/messages", inbound, forms), ("/twilio/status", callback, callbacks)):
            fivexx = bad_xml = ok = 0
            for _ in range(count):
                form = make(r)
                try:
                    resp = client.post(path, data=form, base_url=PUBLIC_BASE, headers={"X-Twilio-Signature": sign(path, form)})
                    status = resp.status_code
                except Exception:  # an exception escaping the app is a 500 behind a real server
                    status = 500
                    resp = None
                if status >= 500:
                    fivexx += 1
                elif status == 200 and path.endswith("messages"):
                    ok += 1
                    try:
                        ET.fromstring(resp.get_data())
                    except ET.ParseError:
                        bad_xml += 1
            print(f"{backend:10} {path:17} {count:6} forms: {fivexx:5} x 5xx, {ok:5} x 200, {bad_xml:4} unparsable TwiML")
        app.extensions["kenduren"].dispose()
    finally:
        if backend == "postgresql":
            dbs.drop_postgres_database(url)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--forms", type=int, default=2000)
    ap.add_argument("--callbacks", type=int, default=1000)
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args()
    for backend in args.backends.split(","):
        run(backend, args.forms, args.callbacks, args.seed)


if __name__ == "__main__":
    main()
