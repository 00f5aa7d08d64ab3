"""At "… belum selesai … Beralih ke X? 1. Ya, beralih 2. Tidak, lanjutkan yang tadi", the earlier flow resumed in
residents' words, through the signed webhook on SQLite and PostgreSQL; it went to the menu."""

import pytest

from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixture)


@pytest.mark.parametrize("resume", ["lanjut yg tadi", "terusno sing mau", "sing mau wae", "nerusaken ingkang wau",
                                    "balik sing tadi ae", "terus"])
def test_the_earlier_flow_resumed_in_words(phone, schedule, resume):
    play(phone, [
        ("daftar ktp", "KTP-el"), ("gempol", "1. Daftar"), ("1", "Nama sesuai KK?"),
        ("Siti Aminah", "Desa/kelurahan"), ("gempol", "catatan"), ("KTP saya hilang", "Cek lagi ya"),
        ("jalan di desa martopuro rusak parah banyak lubang", "Beralih ke"),
        (resume, "lanjutkan", "!Balas dengan angka:\n1. Jadwal"),
        ("1", "Terdaftar"),
    ])
