"""Which dinas come to a visit, and what each offers there — answered from data.

The schedule card names four OPD and "dan N dinas lain"; a resident who asks "sing teko dinas opo
ae?" or "apa ada dispenduk?" wants the whole list, or a yes/no for the one named. The list is the
visit's own OPD (an admin may send fewer than the 14), each with its name as people know it and the
services of the reference data it runs at the caravan, so the answer follows the schedule and the
service list without a text to keep in step. Pure: flows/jadwal.py decides when to answer it.
"""

from __future__ import annotations

from flows.engine import Bullets, Say, Turn, say
from flows.facts import OpdRef, VisitView


def opd_answer(turn: Turn, visit: VisitView) -> Say:
    """The visit's dinas; a yes or a no first when the message names one ("wonten dinkes mboten?")."""
    offers: dict[str, list[str]] = {}
    for service in turn.facts.layanan_list():
        offers.setdefault(service.opd.key, []).append(service.nama_pendek)
    where = dict(kecamatan=visit.kecamatan, tanggal=visit.tanggal_text, jam=visit.jam_text, lokasi=visit.lokasi)
    named = next((o for o in turn.facts.opd_list() if o.key == turn.entities.get("opd")), None)
    if named is None:
        return say("info.opd_list", n=len(visit.opd), dinas=Bullets([_line(o, offers) for o in visit.opd]), **where)
    if named in visit.opd:
        return say("info.opd_yes", opd=_name(named), layanan=_offers(named, offers, "info.opd_yes_offers"), **where)
    return say("info.opd_no", opd=_name(named), hadir=", ".join(o.singkatan for o in visit.opd), **where)


def _name(opd: OpdRef) -> Say:
    """The short name people use, with the full one when it says more ("DPKP" → what it is)."""
    if opd.nama == opd.singkatan:
        return say("info.opd_name", singkatan=opd.singkatan)
    return say("info.opd_name_full", singkatan=opd.singkatan, nama=opd.nama)


def _offers(opd: OpdRef, offers: dict[str, list[str]], key: str) -> Say | str:
    """Its services at the caravan; nothing for a dinas without one in the reference (Diskominfo)."""
    services = offers.get(opd.key)
    return say(key, layanan=", ".join(services)) if services else ""


def _line(opd: OpdRef, offers: dict[str, list[str]]) -> Say:
    return say("info.opd_line", opd=_name(opd), layanan=_offers(opd, offers, "info.opd_line_offers"))
