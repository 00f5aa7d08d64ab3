"""What an admin should look at twice in a schedule: a visit on a weekend or a public holiday, and
the caravan (with the same offices) in two places on one day. Warnings, not refusals: the regency
may well decide to go on a Saturday. Pure: the caller passes the visits it has."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import holidays

from flows.dates import tanggal
from flows.engine import Say, say


@dataclass(frozen=True)
class PlannedDay:
    tanggal: date
    kecamatan: str
    opd: tuple[str, ...]  # the attending offices (singkatan or key)


def holiday_name(d: date) -> str | None:
    return holidays.country_holidays("ID", years=d.year, language="id").get(d)


def schedule_warnings(new: list[PlannedDay], others: list[PlannedDay]) -> list[Say]:
    """Warnings about `new` visits, against each other and the `others` already planned."""
    found: list[Say] = []
    for day in new:
        when = tanggal(day.tanggal)
        if day.tanggal.weekday() >= 5:
            found.append(say("console.schedule.warn_weekend", tanggal=when, kecamatan=day.kecamatan))
        name = holiday_name(day.tanggal)
        if name:
            found.append(say("console.schedule.warn_holiday", tanggal=when, kecamatan=day.kecamatan, libur=name))
    seen: set[tuple[date, frozenset[str]]] = set()
    everyone = new + [o for o in others if o not in new]
    for day in new:
        for other in everyone:
            if other.tanggal != day.tanggal or other.kecamatan == day.kecamatan:
                continue
            pair = (day.tanggal, frozenset({day.kecamatan, other.kecamatan}))
            if pair in seen:
                continue
            seen.add(pair)
            shared = [o for o in day.opd if o in set(other.opd)]
            if shared:
                found.append(say("console.schedule.warn_opd_twice", tanggal=tanggal(day.tanggal),
                                 a=day.kecamatan, b=other.kecamatan, n=len(shared), opd=", ".join(shared[:6])
                                 + (" …" if len(shared) > 6 else "")))
            else:
                found.append(say("console.schedule.warn_two_places", tanggal=tanggal(day.tanggal),
                                 a=day.kecamatan, b=other.kecamatan))
    return found
