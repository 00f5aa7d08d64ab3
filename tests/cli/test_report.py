"""`python -m bot report VISIT_ID`: the event's figures, and nothing personal."""

from dataclasses import asdict

from sqlalchemy import select

from bot import create_app
from flows.referral import referral_text
from storage.models import Opd, Staff, StaffRole, Ticket
from tests.whatsapp import Phone, add_visit, signed_settings


def test_report_of_one_visit(cli, rt, settings):
    app = create_app(asdict(signed_settings(settings)))
    client = app.test_client()
    visit_id = add_visit(rt, "Gempol", 10)
    with rt.sessions.begin() as s:
        opd = s.scalars(select(Opd).where(Opd.key == "dispendukcapil")).one()
        s.add(Staff(phone="+6281298765432", name="Bu Rina", role=StaffRole.PETUGAS, opd_id=opd.id))
    warga = [Phone(client, f"+62812000000{i:02d}", f"Warga {i}") for i in range(3)]
    for p in warga:
        for line in ("daftar ktp", "gempol", "1", "1", "gempol", "1", "1"):
            p.send(line)
    with rt.sessions() as s:
        kode = s.scalars(select(Ticket.kode).order_by(Ticket.id)).first()
    Phone(client, "+6281298765432", "Rina").send(f"#{kode} selesai ya")
    warga[0].send("4")
    warga[0].send("1")
    for line in ("dalan rusak parah nang wonosunyo", "1", "200 meter", "1"):
        warga[1].send(line)
    Phone(client, "+6285799999999", None).send(referral_text("Wonosunyo", "35.14.12.2001"))
    app.extensions["kenduren"].dispose()

    out = cli("report", str(visit_id)).output
    assert "Kecamatan Gempol" in out
    assert "Dispendukcapil        3 tiket (baru 2, selesai 1); rata-rata 4.00 dari 1 survei" in out
    assert "sejak kunjungan sebelumnya: 1 (jalan 1)" in out
    assert "Desa Wonosunyo" in out
    assert "+62" not in out and "0812" not in out and "Warga 0" not in out


def test_report_of_unknown_visit(cli, rt):
    result = cli("report", "999")
    assert result.exit_code != 0 and "tidak ada" in result.output
