"""The facts a reminder names about a visit: date, hours, venue, agencies and top services."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue import render
from flows.dates import rentang_jam, tanggal
from storage.models import Layanan, Visit

TOP_AGENCIES = 4
TOP_SERVICES = 7


def visit_facts(session: Session, visit: Visit) -> dict[str, str]:
    attending = {o.id: o for o in visit.opd}
    # The service catalogue is ordered by how often residents need each service, so the agencies
    # are named in the order of their first service there, the best-known first.
    services = [l for l in session.scalars(select(Layanan).order_by(Layanan.id)) if l.opd_id in attending]
    order: list[int] = []
    for l in services:
        if l.opd_id not in order:
            order.append(l.opd_id)
    order += [i for i in attending if i not in order]
    names = [attending[i].singkatan for i in order]
    dinas = ", ".join(names) if len(names) <= TOP_AGENCIES + 1 else render(
        "dinas_more", first=", ".join(names[:TOP_AGENCIES]), more=len(names) - TOP_AGENCIES)
    return {
        "kecamatan": visit.kecamatan.nama,
        "tanggal": tanggal(visit.tanggal),
        "jam": rentang_jam(visit.mulai, visit.selesai),
        "lokasi": visit.lokasi,
        "dinas": dinas,
        "layanan": ", ".join(l.nama_pendek for l in services[:TOP_SERVICES]),
    }
