"""`schedule generate` never doubles a rotation; import and move warn about weekends, holidays and
one office in two places (warnings, not refusals)."""

from datetime import date

from sqlalchemy import func, select

from flows.schedule_warnings import PlannedDay, schedule_warnings
from catalogue import render_say
from storage.models import Visit


def visits(rt) -> int:
    with rt.sessions() as s:
        return s.scalar(select(func.count()).select_from(Visit))


def test_generate_twice_or_from_another_start_never_doubles(cli, rt):
    first = cli("schedule", "generate", "--start", "2026-12-02", "--every", "7")
    assert first.exit_code == 0 and "24 baru" in first.output
    again = cli("schedule", "generate", "--start", "2026-12-02", "--every", "7")
    assert "tidak ada yang dibuat" in again.output
    shifted = cli("schedule", "generate", "--start", "2026-12-09", "--every", "7")
    assert shifted.exit_code == 0 and visits(rt) == 24
    with rt.sessions() as s:
        per_kecamatan = s.execute(select(Visit.kecamatan_id, func.count()).group_by(Visit.kecamatan_id)).all()
    assert {n for _, n in per_kecamatan} == {1}
    # After the whole rotation, the next one is made in full.
    later = cli("schedule", "generate", "--start", "2027-07-01", "--every", "7")
    assert "24 baru" in later.output and visits(rt) == 48


def test_import_warns_about_weekend_holiday_and_two_places(cli, rt, tmp_path):
    csv = tmp_path / "jadwal.csv"
    csv.write_text("tanggal,kecamatan,lokasi,mulai,selesai,opd\n"
                   "2026-12-12,Gempol,,08:00,13:00,\n"          # Saturday
                   "2026-12-25,Bangil,,08:00,13:00,\n"          # Christmas
                   "2026-12-16,Pandaan,,08:00,13:00,dinsos\n"
                   "2026-12-16,Beji,,08:00,13:00,dinsos;dispendukcapil\n", encoding="utf-8")
    out = cli("schedule", "import", str(csv))
    assert out.exit_code == 0, out.output
    assert "4 baru" in out.output
    assert "akhir pekan" in out.output and "Natal" in out.output
    assert "Kec. Pandaan dan Kec. Beji" in out.output or "Kec. Beji dan Kec. Pandaan" in out.output
    assert "1 OPD yang sama" in out.output and "Dinas Sosial" in out.output


def test_move_warns_about_one_office_in_two_places(cli, rt, tmp_path):
    csv = tmp_path / "jadwal.csv"
    csv.write_text("tanggal,kecamatan,lokasi,mulai,selesai\n2027-01-06,Gempol,,08:00,13:00\n"
                   "2027-01-13,Bangil,,08:00,13:00\n", encoding="utf-8")
    assert cli("schedule", "import", str(csv)).exit_code == 0
    with rt.sessions() as s:
        gempol = s.scalar(select(Visit.id).where(Visit.tanggal == date(2027, 1, 6)))
    out = cli("schedule", "move", str(gempol), "--to", "2027-01-13")
    assert out.exit_code == 0, out.output
    assert "dipindah" in out.output and "14 OPD yang sama" in out.output


def test_warnings_are_pure():
    monday = PlannedDay(date(2026, 12, 14), "Gempol", ("Dinsos",))
    assert schedule_warnings([monday], []) == []
    same_day = PlannedDay(date(2026, 12, 14), "Bangil", ("Dispendukcapil",))
    [warning] = schedule_warnings([monday], [same_day])
    assert "dua tempat" in render_say(warning)
