"""Rows as the frozen views flows read (flows/facts.py): one builder per view that more than one
answer of handlers.facts.DbFacts / handlers.antrean.facts.QueueFacts uses."""

from __future__ import annotations

from datetime import date

from flows.dates import rentang_jam, tanggal
from flows.facts import DesaRef, OpdRef, VisitChange, VisitView
from storage.models import Desa, Opd, Visit, VisitStatus
from storage.schedule import ScheduleChange


def opd_ref(o: Opd) -> OpdRef:
    return OpdRef(key=o.key, singkatan=o.singkatan, nama=o.nama)


def desa_ref(d: Desa, kecamatan: str) -> DesaRef:
    return DesaRef(kode=d.kode, nama=d.nama, kecamatan=kecamatan, jenis=d.jenis, lat=d.lat, lng=d.lng)


def visit_view(v: Visit, today: date) -> VisitView:
    return VisitView(
        id=v.id, kecamatan=v.kecamatan.nama, tanggal=v.tanggal, tanggal_text=tanggal(v.tanggal),
        jam_text=rentang_jam(v.mulai, v.selesai), lokasi=v.lokasi, status=v.status,
        opd=tuple(opd_ref(o) for o in v.opd), is_today=v.tanggal == today,
        moved_to_text=tanggal(v.moved_to.tanggal) if v.moved_to else None,
    )


def change_view(c: ScheduleChange) -> VisitChange:
    return VisitChange(id=c.visit.id, kecamatan=c.visit.kecamatan.nama, tanggal_text=tanggal(c.visit.tanggal),
                       status=VisitStatus.CANCELLED if c.cancelled else VisitStatus.MOVED,
                       moved_to_text=None if c.cancelled else tanggal(c.outcome.tanggal))
