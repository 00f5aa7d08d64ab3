"""`people set-password` and the stricter phone check of `people add-*`."""

from sqlalchemy import select

from bot.console.security import password_matches
from storage.models import Staff


def test_set_password_from_stdin_is_stored_hashed(cli, rt):
    cli("people", "add-admin", "--phone", "081300000002", "--name", "Mbak Admin")
    out = cli("people", "set-password", "--phone", "0813-0000-0002", input="kata-sandi-panjang\n")
    assert out.exit_code == 0 and "disimpan" in out.output
    with rt.sessions() as s:
        stored = s.scalars(select(Staff.password_hash)).one()
    assert stored.startswith("scrypt:") and "kata-sandi-panjang" not in stored
    assert password_matches(stored, "kata-sandi-panjang") and not password_matches(stored, "lain")


def test_set_password_refusals(cli, rt):
    cli("people", "add-admin", "--phone", "081300000002", "--name", "Mbak Admin")
    short = cli("people", "set-password", "--phone", "081300000002", input="pendek\n")
    assert short.exit_code != 0 and "terlalu pendek" in short.output
    nobody = cli("people", "set-password", "--phone", "081399999999", input="kata-sandi-panjang\n")
    assert nobody.exit_code != 0 and "Tidak ada staf aktif" in nobody.output


def test_phone_with_letters_is_refused(cli, rt):
    out = cli("people", "add-petugas", "--phone", "0812-FLOWERS", "--name", "X", "--opd", "dinsos")
    assert out.exit_code != 0 and "Nomor tidak valid" in out.output
    out = cli("people", "add-petugas", "--phone", "08129876543a", "--name", "X", "--opd", "dinsos")
    assert out.exit_code != 0
    with rt.sessions() as s:
        assert s.scalars(select(Staff)).all() == []
