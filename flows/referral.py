"""Referral codes in the wa.me links sent to kepala desa: a resident who opens the link sends a
pre-filled text naming their desa, so each desa's reach can be counted."""

from __future__ import annotations

import re
from urllib.parse import quote

# "KM D3514122001": KM + the desa's Kemendagri code without dots.
_CODE = re.compile(r"\bKM\s*D(35\d{8})\b", re.IGNORECASE)


def referral_code(desa_kode: str) -> str:
    return "KM D" + desa_kode.replace(".", "")


def referral_text(desa_nama: str, desa_kode: str) -> str:
    return f"Halo Kenduren Mas, saya warga Desa {desa_nama} ({referral_code(desa_kode)})"


def wa_me_link(bot_number: str, desa_nama: str, desa_kode: str) -> str:
    digits = re.sub(r"\D", "", bot_number)
    return f"https://wa.me/{digits}?text={quote(referral_text(desa_nama, desa_kode))}"


def desa_kode_in(text: str) -> str | None:
    """The dotted desa code named by a referral text, if any."""
    m = _CODE.search(text or "")
    if not m:
        return None
    d = m.group(1)
    return f"{d[:2]}.{d[2:4]}.{d[4:6]}.{d[6:]}"
