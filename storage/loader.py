"""Load the shipped reference data into the database; running it again changes nothing."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import reference
from storage.models import Desa, Kecamatan, Layanan, Opd


@dataclass
class LoadReport:
    added: dict[str, int]
    updated: dict[str, int]
    totals: dict[str, int]

    @property
    def changed(self) -> bool:
        return any(self.added.values()) or any(self.updated.values())


def _upsert(session: Session, model, key_attr: str, key, values: dict, counts: tuple[dict, dict], name: str):
    row = session.scalar(select(model).where(getattr(model, key_attr) == key))
    if row is None:
        row = model(**{key_attr: key}, **values)
        session.add(row)
        counts[0][name] += 1
        return row
    if any(getattr(row, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(row, k, v)
        counts[1][name] += 1
    return row


def load_reference_data(session: Session) -> LoadReport:
    names = ("kecamatan", "desa", "opd", "layanan")
    added = dict.fromkeys(names, 0)
    updated = dict.fromkeys(names, 0)
    counts = (added, updated)

    kec_by_name: dict[str, Kecamatan] = {}
    for k in reference.kecamatan():
        kec_by_name[k.nama] = _upsert(session, Kecamatan, "kode", k.kode,
                                      {"nama": k.nama, "lat": k.lat, "lng": k.lng}, counts, "kecamatan")
    session.flush()
    for d in reference.desa():
        _upsert(session, Desa, "kode", d.kode,
                {"nama": d.nama, "jenis": d.jenis, "kecamatan_id": kec_by_name[d.kecamatan].id,
                 "lat": d.lat, "lng": d.lng}, counts, "desa")
    opd_by_key: dict[str, Opd] = {}
    for o in reference.opd():
        opd_by_key[o.key] = _upsert(session, Opd, "key", o.key,
                                    {"singkatan": o.singkatan, "nama": o.nama}, counts, "opd")
    session.flush()
    for lay in reference.layanan():
        _upsert(session, Layanan, "key", lay.key, {
            "opd_id": opd_by_key[lay.opd_key].id,
            "nama_pendek": lay.nama_pendek,
            "nama": lay.nama,
            "persyaratan": [asdict(r) for r in lay.persyaratan],
            "selesai_di_tempat": lay.selesai_di_tempat,
            "sumber": lay.sumber,
        }, counts, "layanan")
    session.flush()
    totals = {
        "kecamatan": session.scalar(select(func.count()).select_from(Kecamatan)),
        "desa": session.scalar(select(func.count()).select_from(Desa)),
        "opd": session.scalar(select(func.count()).select_from(Opd)),
        "layanan": session.scalar(select(func.count()).select_from(Layanan)),
    }
    return LoadReport(added, updated, totals)
