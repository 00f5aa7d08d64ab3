"""Every kecamatan and every desa/kelurahan of the wilayah data can be named in a registration, the
way residents type them: plain, lower case, abbreviated ("kec.", "ds", "kel."), misspelt, or in the
older split spelling ("Gondang Wetan", "Purwo Sari"). Signed webhooks on a real database.

Every one of the 365 desa goes through the registration up to its confirmation on SQLite; on
PostgreSQL the first desa of each kecamatan does (the names are read by the recogniser, which does not
depend on the database; storing the ticket does, and is done on both for one desa per kecamatan).
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from sqlalchemy import select

from storage import reference
from storage.models import Ticket
from tests.whatsapp import Phone, add_visit

# Older lists and BPS split the compound names the 2025 list joins (storage/reference/README.md).
_SPLIT_AFTER = ("sumber", "karang", "wono", "kedung", "tambak", "gondang", "purwo", "kebon", "pucang", "suko",
                "banjar", "watu", "gunung", "kali", "tanjung", "candi", "mojo", "jati", "tlogo", "sekar")


def split_spelling(name: str) -> str | None:
    low = name.lower()
    for part in _SPLIT_AFTER:
        if low.startswith(part) and len(low) > len(part) + 2 and " " not in low and "-" not in low:
            return f"{name[:len(part)]} {name[len(part):]}"
    return None


def misspelt(name: str) -> str:
    """One interior vowel dropped, as thumbs do ("purwosri", "pasrepn")."""
    word = name.lower().replace("-", " ")
    vowels = [i for i, c in enumerate(word) if c in "aeiou" and 0 < i < len(word) - 1 and word[i - 1] != " "]
    if len(word.replace(" ", "")) < 6 or not vowels:
        return word
    i = vowels[len(vowels) // 2]
    return word[:i] + word[i + 1:]


def kecamatan_spellings(name: str) -> list[str]:
    return [s for s in (name, name.lower(), f"kec. {name}", f"kecamatan {name.lower()}", misspelt(name),
                        split_spelling(name), name.upper()) if s]


def desa_spellings(name: str, jenis: str) -> list[str]:
    marker = "kel." if jenis == "kelurahan" else "ds."
    return [s for s in (name, f"{marker} {name.lower()}", misspelt(name), f"desa {name}", split_spelling(name),
                        name.lower(), f"ds {name.lower()}") if s]


@pytest.fixture
def visit_everywhere(rt):
    return {k.nama: add_visit(rt, k.nama, 5) for k in reference.kecamatan()}


def _register(phone: Phone, kecamatan_typed: str, kecamatan: str, desa_typed: str) -> str:
    """Up to the confirmation; returns its text."""
    assert "kecamatan mana" in phone.say("mau daftar kb")
    answer = phone.say(kecamatan_typed)
    if "Maksudnya" in answer:  # a misspelling asked back, as it should be when unsure
        assert kecamatan in answer, (kecamatan_typed, answer)
        answer = phone.say("1")
    assert f"Kenduren Mas berikutnya di {kecamatan}" in answer, (kecamatan_typed, answer)
    assert "Nama sesuai KK?" in phone.say("1")
    assert f"Desa/kelurahan Anda di Kecamatan {kecamatan}" in phone.say("1")
    answer = phone.say(desa_typed)
    choice = re.search(r"(\d+)\. (?:Desa |Kel\. )?" + re.escape(desa_typed), answer)
    if "catatan untuk petugas" not in answer and choice:
        answer = phone.say(choice.group(1))
    assert "catatan untuk petugas" in answer, (desa_typed, answer)
    return phone.say("1")


def test_every_kecamatan_and_desa_in_a_registration(wa_client, visit_everywhere, rt, backend):
    desa_of = defaultdict(list)
    for d in reference.desa():
        desa_of[d.kecamatan].append(d)
    registered = 0
    for i, kec in enumerate(reference.kecamatan()):
        spellings = kecamatan_spellings(kec.nama)
        villages = desa_of[kec.nama] if backend == "sqlite" else desa_of[kec.nama][:1]
        for j, desa in enumerate(villages):
            phone = Phone(wa_client, number=f"+62813{i:02d}{j:05d}", profile_name=f"Warga {i} {j}")
            desa_typed = desa_spellings(desa.nama, desa.jenis)[j % len(desa_spellings(desa.nama, desa.jenis))]
            confirmation = _register(phone, spellings[j % len(spellings)], kec.nama, desa_typed)
            assert f"Desa {desa.nama}, Kec. {kec.nama}" in confirmation, (desa_typed, confirmation)
            if j == 0:
                assert "Kode tiket" in phone.say("1")
                registered += 1
    with rt.sessions() as s:
        tickets = s.scalars(select(Ticket)).all()
        assert len(tickets) == registered == 24
        assert {t.desa.kecamatan.nama for t in tickets} == {k.nama for k in reference.kecamatan()}
