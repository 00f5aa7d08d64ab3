"""Posters: `/console/poster/<desa_id>.pdf` by role, a whole kecamatan's PDF, and `python -m bot poster`.
A poster is rendered to PNG into tests/artifacts/ (pdftoppm from poppler-utils) and its QR code is
decoded (zbar through pyzbar) to the desa's wa.me link — the same link as the kepala desa's reminder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from flows.referral import wa_me_link
from storage.models import Desa, Kecamatan, Staff, StaffRole
from tests.console.conftest import ADMIN, HASH, KADES_W, RINA

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
BOT_NUMBER = "+6281100000000"
CAMAT_BANGIL = "+6281355500002"


@pytest.fixture
def app(rt, settings):
    """The console with the bot's WhatsApp number set (the QR code needs it)."""
    from dataclasses import asdict

    from bot import create_app

    application = create_app({**asdict(settings), "console_secret_key": "test-console-key",
                              "bot_whatsapp_number": BOT_NUMBER})
    application.config["TESTING"] = True
    yield application
    application.extensions["kenduren"].dispose()


def _desa(rt, nama, kecamatan="Gempol"):
    with rt.sessions() as s:
        d = s.scalar(select(Desa).join(Kecamatan).where(Desa.nama == nama, Kecamatan.nama == kecamatan))
        return d.id, d.kode, d.kecamatan_id


def to_png(pdf: bytes, name: str) -> list[Path]:
    """Every page of the PDF as a PNG in tests/artifacts/ (poppler-utils' pdftoppm)."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: apt-get install poppler-utils")
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "110", "-png", str(source), str(ARTIFACTS / name)], check=True,
                   timeout=60)
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


def qr_links(png: Path) -> list[str]:
    """What the QR codes on the page say; without zbar, the caller checks the link is encoded."""
    from PIL import Image
    from pyzbar.pyzbar import decode

    return [c.data.decode("utf-8") for c in decode(Image.open(png)) if c.type == "QRCODE"]


def _decoder_available() -> bool:
    try:
        from pyzbar.pyzbar import decode  # noqa: F401
        return True
    except (ImportError, OSError):
        return False


def test_poster_pdf_renders_and_its_qr_opens_the_desas_link(world, as_role, rt):
    desa_id, kode, _ = _desa(rt, "Wonosunyo")
    response = as_role(KADES_W).client.get(f"/console/poster/{desa_id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.get_data()
    assert pdf.startswith(b"%PDF")
    pages = to_png(pdf, "poster-wonosunyo")
    assert len(pages) == 1
    from PIL import Image, ImageChops

    page = Image.open(pages[0]).convert("RGB")
    assert abs(page.width / page.height - 210 / 297) < 0.01  # A4 portrait
    r, g, b = page.split()  # black, white and greys only: it photocopies as it prints
    assert ImageChops.difference(r, g).getbbox() is None and ImageChops.difference(g, b).getbbox() is None
    text = subprocess.run(["pdftotext", str(ARTIFACTS / "poster-wonosunyo.pdf"), "-"], capture_output=True, text=True,
                          timeout=60).stdout
    for part in ("KENDUREN MAS", "Desa Wonosunyo, Kecamatan Gempol", "Kunjungan berikutnya di Kecamatan Gempol",
                 "Kantor Kecamatan Gempol", "ketik DAFTAR", "ketik USULAN", "KM D" + kode.replace(".", "")):
        assert part in " ".join(text.split()), part
    link = wa_me_link(BOT_NUMBER, "Wonosunyo", kode)
    assert f"/URI ({link})".encode() in pdf  # the code is also a link in the file
    if _decoder_available():
        assert qr_links(pages[0]) == [link]


def test_who_gets_which_poster(world, as_role, rt):
    wonosunyo, _, gempol = _desa(rt, "Wonosunyo")
    kejapanan, _, _ = _desa(rt, "Kejapanan")
    with rt.sessions.begin() as s:
        bangil = s.scalar(select(Kecamatan.id).where(Kecamatan.nama == "Bangil"))
        s.add(Staff(phone=CAMAT_BANGIL, name="Camat Bangil", role=StaffRole.CAMAT, kecamatan_id=bangil,
                    password_hash=HASH))
    kades = as_role(KADES_W)
    assert kades.client.get(f"/console/poster/{kejapanan}.pdf").status_code == 404
    assert kades.client.get(f"/console/poster/kecamatan/{gempol}.pdf").status_code == 403
    camat = as_role(CAMAT_BANGIL)
    assert camat.client.get(f"/console/poster/{wonosunyo}.pdf").status_code == 404
    assert camat.client.get(f"/console/poster/kecamatan/{gempol}.pdf").status_code == 404
    assert camat.client.get(f"/console/poster/kecamatan/{bangil}.pdf").status_code == 200
    assert as_role(RINA).client.get(f"/console/poster/{kejapanan}.pdf").status_code == 200
    admin = as_role(ADMIN)
    assert admin.client.get("/console/poster/999999.pdf").status_code == 404
    whole = admin.client.get(f"/console/poster/kecamatan/{gempol}.pdf")
    assert whole.status_code == 200
    with rt.sessions() as s:
        desa_count = len(s.scalars(select(Desa.id).where(Desa.kecamatan_id == gempol)).all())
    pages = to_png(whole.get_data(), "poster-kecamatan-gempol")
    assert len(pages) == desa_count


def test_cli_poster_for_a_desa_and_a_kecamatan(cli, rt, tmp_path):
    cli.env["BOT_WHATSAPP_NUMBER"] = BOT_NUMBER
    out = tmp_path / "wonosunyo.pdf"
    result = cli("poster", "--desa", "wonosunyo", "--kecamatan", "gempl", "--out", str(out))
    assert result.exit_code == 0 and "Poster Desa Wonosunyo, Kec. Gempol" in result.output
    assert out.read_bytes().startswith(b"%PDF")
    _, kode, _ = _desa(rt, "Wonosunyo")
    if _decoder_available():
        assert qr_links(to_png(out.read_bytes(), "poster-cli-wonosunyo")[0]) == [wa_me_link(BOT_NUMBER, "Wonosunyo", kode)]
    whole = tmp_path / "gempol.pdf"
    result = cli("poster", "--kecamatan", "Gempol", "--out", str(whole))
    assert result.exit_code == 0 and "desa/kelurahan, Kec. Gempol" in result.output
    bad = cli("poster", "--desa", "Atlantis", "--kecamatan", "Gempol", "--out", str(tmp_path / "x.pdf"))
    assert bad.exit_code != 0 and "tidak ditemukan di Kecamatan Gempol" in bad.output
    assert not (tmp_path / "x.pdf").exists()
