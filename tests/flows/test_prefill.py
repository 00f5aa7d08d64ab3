"""What a registration's first message already says and is not asked again: a desa named beyond
doubt (flows.places.desa_named) and a name the resident says is theirs (flows.person.stated_name)."""

from __future__ import annotations

import pytest

from flows.person import stated_name
from flows.places import desa_named


@pytest.mark.parametrize("entities, expected", [
    ({"desa": "Ngerong", "desa_kecamatan": ["Gempol"], "kecamatan": "Gempol"}, ("Ngerong", "Gempol")),
    ({"desa": "Kejapanan", "desa_kecamatan": ["Gempol"]}, ("Kejapanan", "Gempol")),
    # a desa name of three kecamatan, none named: asked later
    ({"desa": "Sumbersuko", "desa_kecamatan": ["Gempol", "Kejayan", "Purwosari"]}, None),
    ({"desa": "Sumbersuko", "desa_kecamatan": ["Gempol", "Kejayan", "Purwosari"], "kecamatan": "Kejayan"},
     ("Sumbersuko", "Kejayan")),
    # the kecamatan named has no such desa: something is off, ask
    ({"desa": "Ngerong", "desa_kecamatan": ["Gempol"], "kecamatan": "Bangil"}, None),
    ({"kecamatan": "Gempol"}, None),
    ({}, None),
])
def test_desa_named_beyond_doubt(entities, expected):
    assert desa_named(entities) == expected


@pytest.mark.parametrize("text, expected", [
    ("nama saya Siti Aminah dari desa Kejapanan, mau daftar akta anak", "Siti Aminah"),
    ("nami kula Siti Aminah saking desa Kejapanan", "Siti Aminah"),
    ("jenengku slamet riyadi, omahku ngerong", "Slamet Riyadi"),
    ("asma kula Bu Sulastri saking Gempol", "Sulastri"),
    ("nama saya: Dewi. mau tanya", "Dewi"),
    ("namaku budi ktp ilang", "Budi"),
    ("nama sy adalah andi wijaya 3514010101010001", "Andi Wijaya"),
    ("Nama saya Muhammad Nur Cholis Abdul Ghofur Wahid", "Muhammad Nur Cholis Abdul Ghofur Wahid"),
    # not said to be their name: nothing is offered
    ("Saya Bapak Hartono dari Desa Ngerong, Kecamatan Gempol, KTP saya hilang", None),
    ("saya ibunya Rudi, mau daftar KIA", None),
    ("ganti nama di kk", None),
    ("nama saya salah ketik di KTP", None),
    ("salah nama saya di KK", None),
    ("nama saya bapak", None),
])
def test_a_name_only_where_the_resident_says_it_is_theirs(text, expected):
    assert stated_name(text) == expected
