"""`python -m bot init` creates the schema and loads the reference data, and is safe to repeat."""

from sqlalchemy import func, select

from core.runtime import Runtime
from storage.models import Desa, Kecamatan, Layanan, Opd
from tests.conftest import BASE_SETTINGS, Cli


def counts(url: str) -> tuple[int, int, int, int]:
    rt = Runtime(BASE_SETTINGS.with_overrides(database_url=url))
    with rt.sessions() as s:
        got = tuple(s.scalar(select(func.count()).select_from(m)) for m in (Kecamatan, Desa, Opd, Layanan))
    rt.dispose()
    return got


def test_init_twice_changes_nothing(fresh_database_url):
    cli = Cli(fresh_database_url)
    first = cli("init")
    assert first.exit_code == 0, first.output
    assert "24 kecamatan, 365 desa/kelurahan, 14 OPD, 19 layanan" in first.output
    assert counts(fresh_database_url) == (24, 365, 14, 19)

    second = cli("init")
    assert second.exit_code == 0, second.output
    assert "tidak ada perubahan" in second.output
    assert counts(fresh_database_url) == (24, 365, 14, 19)


def test_reference_data_is_real(rt):
    with rt.sessions() as s:
        kejayan = s.scalar(select(Kecamatan).where(Kecamatan.nama == "Kejayan"))
        assert kejayan.kode == "35.14.06" and len(kejayan.desa) == 25
        kelurahan = s.scalars(select(Desa).where(Desa.jenis == "kelurahan")).all()
        assert len(kelurahan) == 24
        assert {o.key for o in s.scalars(select(Opd))} == {
            "dispendukcapil", "disnaker", "dispusip", "dinsos", "dpkp", "diskominfo", "dispertan",
            "bpbd", "dkbpp", "dinkes", "disperindag", "dispendik", "dpmptsp", "pmi"}
        ktp = s.scalar(select(Layanan).where(Layanan.key == "ktp"))
        assert ktp.opd.key == "dispendukcapil"
        assert {"text": "KK asli (bawa juga 1 fotokopi)", "confirmed": True, "kind": "dokumen"} in ktp.persyaratan
        kb = s.scalar(select(Layanan).where(Layanan.key == "kb"))
        assert all(not r["confirmed"] for r in kb.persyaratan)  # layanan.md: unconfirmed for Pasuruan
