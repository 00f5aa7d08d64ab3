"""`python -m bot schedule import | generate | list`."""

from datetime import date

import pytest
from sqlalchemy import func, select

from storage.models import Visit
from flows.working_hours import rotation_dates

GOOD = """tanggal,kecamatan,lokasi,mulai,selesai,opd
2026-12-09,gempol,Kantor Kecamatan Gempol,08:00,13:00,dispendukcapil;dinsos;dkbpp
2026-12-16,Gondang Wetan,,08:00,12:30,
2026-12-23,Purwosari,Pendopo Kecamatan Purwosari,07:30,13:00,
"""

BAD = """tanggal,kecamatan,lokasi,mulai,selesai
2026-12-09,Gempol,Kantor Kecamatan Gempol,08:00,13:00
2026-12-10,Atlantis,Balai Desa,08:00,13:00
2026-13-40,Bangil,Kantor Kecamatan Bangil,08:00,13:00
2026-12-11,Bangil,Kantor Kecamatan Bangil,13:00,08:00
2026-12-09,Gempol,Kantor Kecamatan Gempol,08:00,13:00
"""


def visit_count(rt) -> int:
    with rt.sessions() as s:
        return s.scalar(select(func.count()).select_from(Visit))


def write(tmp_path, text: str):
    path = tmp_path / "jadwal.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_bad_file_imports_nothing_and_names_each_line(cli, rt, tmp_path):
    result = cli("schedule", "import", write(tmp_path, BAD))
    assert result.exit_code != 0
    out = result.output
    assert "baris 3: kecamatan tidak dikenal 'Atlantis'" in out
    assert "baris 4: tanggal tidak valid '2026-13-40'" in out
    assert "baris 5: jam selesai 08:00 tidak setelah jam mulai 13:00" in out
    assert "baris 6: duplikat baris 2" in out
    assert "tidak ada jadwal yang diimpor" in out
    assert visit_count(rt) == 0


def test_good_file_is_imported_and_listed(cli, rt, tmp_path):
    result = cli("schedule", "import", write(tmp_path, GOOD))
    assert result.exit_code == 0, result.output
    assert "3 baru" in result.output
    with rt.sessions() as s:
        gempol = s.scalar(select(Visit).where(Visit.tanggal == date(2026, 12, 9)))
        assert gempol.kecamatan.nama == "Gempol"
        assert [o.key for o in gempol.opd] == ["dispendukcapil", "dinsos", "dkbpp"]
        gw = s.scalar(select(Visit).where(Visit.tanggal == date(2026, 12, 16)))
        assert gw.kecamatan.nama == "Gondangwetan" and gw.lokasi == "Kantor Kecamatan Gondangwetan"
        assert len(gw.opd) == 14

    again = cli("schedule", "import", write(tmp_path, GOOD))
    assert again.exit_code == 0 and "0 baru" in again.output and "3 tidak berubah" in again.output

    listing = cli("schedule", "list", "--from", "2026-12-01")
    assert listing.exit_code == 0
    assert "Rabu, 9 Desember 2026" in listing.output
    assert "08.00–13.00 WIB" in listing.output and "Kec. Gempol" in listing.output
    assert "Rabu, 23 Desember 2026" in listing.output and "07.30–13.00 WIB" in listing.output


@pytest.mark.parametrize("header", ["tanggal,kecamatan,mulai,selesai", ""])
def test_missing_columns(cli, rt, tmp_path, header):
    result = cli("schedule", "import", write(tmp_path, header + "\n2026-12-09,Gempol,08:00,13:00\n"))
    assert result.exit_code != 0
    assert "kolom wajib tidak ada" in result.output
    assert visit_count(rt) == 0


def test_unknown_opd_is_refused(cli, rt, tmp_path):
    text = "tanggal,kecamatan,lokasi,mulai,selesai,opd\n2026-12-09,Gempol,,08:00,13:00,dispendukcapil;samsat\n"
    result = cli("schedule", "import", write(tmp_path, text))
    assert result.exit_code != 0 and "baris 2: OPD tidak dikenal: samsat" in result.output


def test_generate_rotation_skips_weekends_and_holidays(cli, rt):
    result = cli("schedule", "generate", "--start", "2026-12-02", "--every", "7", "--order", "Gempol,purwosri")
    assert result.exit_code == 0, result.output
    with rt.sessions() as s:
        visits = s.scalars(select(Visit).order_by(Visit.tanggal)).all()
        assert [v.kecamatan.nama for v in visits[:2]] == ["Gempol", "Purwosari"]
    assert len(visits) == 24
    assert len({v.kecamatan_id for v in visits}) == 24
    # 2026-12-23 + 2 days = Christmas (Friday 25 December) is a holiday; no visit on a weekend.
    assert all(v.tanggal.weekday() < 5 for v in visits)
    assert date(2026, 12, 25) not in {v.tanggal for v in visits}
    listing = cli("schedule", "list", "--from", "2026-12-01", "--limit", "3")
    assert listing.output.count("\n") == 3


def test_rotation_moves_off_holidays():
    # New Year's Day 2027 is a Friday: the visit goes to the next working day, Monday 4 January.
    assert rotation_dates(date(2026, 12, 25), 7, 2) == [date(2026, 12, 28), date(2027, 1, 4)]
    assert rotation_dates(date(2027, 1, 1), 14, 1) == [date(2027, 1, 4)]


def test_generate_refuses_unknown_kecamatan(cli, rt):
    result = cli("schedule", "generate", "--start", "2026-12-02", "--order", "Gempol,Surabaya")
    assert result.exit_code != 0 and "Surabaya" in result.output
    assert visit_count(rt) == 0
