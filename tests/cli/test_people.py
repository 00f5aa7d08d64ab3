"""`python -m bot people …`: staff are recognised by number, and only an operator can add them."""

from sqlalchemy import select

from storage.models import Staff


def test_add_list_remove_staff(cli, rt):
    out = cli("people", "add-petugas", "--phone", "0812-9876-5432", "--name", "Bu Rina", "--opd", "dispendukcapil",
              "--coordinator").output
    assert "Bu Rina (0812-9876-5432) ditambahkan" in out
    assert cli("people", "add-kades", "--phone", "081300000001", "--name", "Pak Kades", "--desa", "wonosunyo",
               "--kecamatan", "gempl").exit_code == 0
    assert cli("people", "add-admin", "--phone", "+6281300000002", "--name", "Mbak Admin").exit_code == 0
    listing = cli("people", "list").output
    assert "dispendukcapil (koordinator)" in listing
    assert "Desa Wonosunyo, Kec. Gempol" in listing and "Mbak Admin" in listing
    with rt.sessions() as s:
        rina = s.scalars(select(Staff).where(Staff.name == "Bu Rina")).one()
        assert rina.phone == "+6281298765432" and rina.is_coordinator and rina.opd.key == "dispendukcapil"

    assert "dinonaktifkan" in cli("people", "remove", "--phone", "081298765432").output
    assert "Bu Rina" not in cli("people", "list").output
    # Adding the same number again brings the person back instead of failing.
    assert "diperbarui" in cli("people", "add-petugas", "--phone", "081298765432", "--name", "Bu Rina",
                               "--opd", "dinsos").output


def test_refusals_are_clear(cli, rt):
    bad_opd = cli("people", "add-petugas", "--phone", "081298765432", "--name", "X", "--opd", "samsat")
    assert bad_opd.exit_code != 0 and "OPD tidak dikenal: samsat" in bad_opd.output
    bad_phone = cli("people", "add-admin", "--phone", "12345", "--name", "X")
    assert bad_phone.exit_code != 0 and "Nomor tidak valid" in bad_phone.output
    bad_desa = cli("people", "add-kades", "--phone", "081300000001", "--name", "X", "--desa", "Atlantis",
                   "--kecamatan", "Gempol")
    assert bad_desa.exit_code != 0 and "tidak ditemukan di Kecamatan Gempol" in bad_desa.output
    assert cli("people", "remove", "--phone", "081399999999").exit_code != 0
    with rt.sessions() as s:
        assert s.scalars(select(Staff)).all() == []
