"""A service the caravan does not offer, asked for by name, through the signed webhook on SQLite and PostgreSQL in
residents' words: said not to be a Kenduren Mas service with a petugas offered — never mapped to a nearby service
(BPJS PBI is no PKH/Bansos registration) and no registration started."""

import pytest

from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)
from tests.whatsapp import tickets


@pytest.mark.parametrize("message, nama", [
    ("mau daftar bpjs kesehatan pbi", "BPJS Kesehatan"),  # Indonesian
    ("arep gawe sim", "SIM"),                             # ngoko
    ("badhe ngurus paspor", "Paspor"),                    # krama
    ("aku arep ngurus sertifikat tanah", "Sertifikat tanah"),
])
def test_a_service_not_offered_is_said_so(phone, schedule, rt, message, nama):
    play(phone, [(message, f"*{nama}* bukan layanan Kenduren Mas", "PETUGAS", "!PKH", "!Bansos", "!Desa/kelurahan")])
    assert tickets(rt) == []
