"""The visiting schedule: import from CSV (all or nothing), store rows, list visits."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from storage.models import Kecamatan, Opd, Visit, VisitStatus

DEFAULT_START = time(8, 0)
DEFAULT_END = time(13, 0)
REQUIRED_COLUMNS = ("tanggal", "kecamatan", "lokasi", "mulai", "selesai")


def default_lokasi(kecamatan: str) -> str:
    return f"Kantor Kecamatan {kecamatan}"


@dataclass(frozen=True)
class VisitRow:
    line: int
    tanggal: date
    kecamatan: str
    lokasi: str
    mulai: time
    selesai: time
    opd: tuple[str, ...] | None  # None: every OPD of the programme attends


@dataclass
class ParseResult:
    rows: list[VisitRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _parse_time(value: str) -> time | None:
    try:
        return datetime.strptime(value.strip().replace(".", ":"), "%H:%M").time()
    except ValueError:
        return None


def parse_schedule_csv(
    text: str,
    match_kecamatan: Callable[[str], str | None],
    opd_keys: Iterable[str],
) -> ParseResult:
    """Check every row; the caller imports nothing when any error is reported.

    `match_kecamatan` turns a typed name ("Gondang Wetan", "gempol") into the canonical one,
    or None when it is not sure.
    """
    result = ParseResult()
    known_opd = set(opd_keys)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        result.errors.append(f"baris 1: kolom wajib tidak ada: {', '.join(missing)}")
        return result
    reader.fieldnames = header
    seen: dict[tuple[date, str], int] = {}
    for line, raw in enumerate(reader, start=2):
        r = {k: (v or "").strip() for k, v in raw.items() if k}
        if not any(r.values()):
            continue
        problems: list[str] = []
        try:
            tanggal = date.fromisoformat(r["tanggal"])
        except ValueError:
            tanggal = None
            problems.append(f"tanggal tidak valid '{r['tanggal']}' (pakai YYYY-MM-DD)")
        kecamatan = match_kecamatan(r["kecamatan"]) if r["kecamatan"] else None
        if kecamatan is None:
            problems.append(f"kecamatan tidak dikenal '{r['kecamatan']}'")
        mulai, selesai = _parse_time(r["mulai"]), _parse_time(r["selesai"])
        if mulai is None:
            problems.append(f"jam mulai tidak valid '{r['mulai']}' (pakai HH:MM)")
        if selesai is None:
            problems.append(f"jam selesai tidak valid '{r['selesai']}' (pakai HH:MM)")
        if mulai and selesai and selesai <= mulai:
            problems.append(f"jam selesai {r['selesai']} tidak setelah jam mulai {r['mulai']}")
        opd: tuple[str, ...] | None = None
        if r.get("opd"):
            opd = tuple(k.strip().lower() for k in r["opd"].split(";") if k.strip())
            unknown = [k for k in opd if k not in known_opd]
            if unknown:
                problems.append(f"OPD tidak dikenal: {', '.join(unknown)}")
        if tanggal and kecamatan:
            first = seen.setdefault((tanggal, kecamatan), line)
            if first != line:
                problems.append(f"duplikat baris {first} ({kecamatan}, {tanggal.isoformat()})")
        if problems:
            result.errors.extend(f"baris {line}: {p}" for p in problems)
            continue
        result.rows.append(VisitRow(line, tanggal, kecamatan, r["lokasi"] or default_lokasi(kecamatan),
                                    mulai, selesai, opd))
    if not result.rows and not result.errors:
        result.errors.append("berkas tidak berisi jadwal")
    return result


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def import_visits(session: Session, rows: Iterable[VisitRow]) -> ImportReport:
    """Upsert visits by (tanggal, kecamatan). Call inside one transaction."""
    report = ImportReport()
    kec = {k.nama: k for k in session.scalars(select(Kecamatan))}
    all_opd = list(session.scalars(select(Opd).order_by(Opd.id)))
    opd_by_key = {o.key: o for o in all_opd}
    for row in rows:
        k = kec[row.kecamatan]
        attending = all_opd if row.opd is None else [opd_by_key[key] for key in row.opd]
        visit = session.scalar(
            select(Visit).where(Visit.tanggal == row.tanggal, Visit.kecamatan_id == k.id)
        )
        if visit is None:
            session.add(Visit(tanggal=row.tanggal, kecamatan=k, lokasi=row.lokasi, mulai=row.mulai,
                              selesai=row.selesai, opd=attending, status=VisitStatus.PLANNED))
            report.added += 1
            continue
        new = (row.lokasi, row.mulai, row.selesai, [o.key for o in attending])
        old = (visit.lokasi, visit.mulai, visit.selesai, [o.key for o in visit.opd])
        if new == old:
            report.unchanged += 1
            continue
        visit.lokasi, visit.mulai, visit.selesai, visit.opd = row.lokasi, row.mulai, row.selesai, attending
        report.updated += 1
    session.flush()
    return report


def upcoming_visits(session: Session, from_date: date, limit: int | None = None) -> list[Visit]:
    stmt = (
        select(Visit)
        .where(Visit.tanggal >= from_date)
        .options(selectinload(Visit.kecamatan), selectinload(Visit.opd), selectinload(Visit.moved_to))
        .order_by(Visit.tanggal, Visit.id)
    )
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))
