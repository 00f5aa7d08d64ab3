"""petugas — the resident wants a person: hand the chat to an officer of the OPD in context."""

from __future__ import annotations

import re

from flows import answers
from flows.effects import Handoff
from flows.engine import Flow, Step, Turn


def start(turn: Turn) -> Step:
    opd = turn.entities.get("opd") or turn.slots.get("opd")
    layanan = turn.entities.get("layanan") or turn.slots.get("layanan")
    return Step([], None, effects=[Handoff(opd=opd, layanan=layanan, kode=turn.entities.get("kode"),
                                           last_message=turn.text[:300], reason=turn.slots.get("handoff_reason"),
                                           new_topic=new_topic(turn))])


# The words of a request for a person, and of a ticket already held: what is left is the topic of the chat.
_ASKING = re.compile(
    r"^(?:mau|mo|ingin|pengen|pingin|kepingin|arep|ajeng|badhe|kate|kepengen|tanya|tny|nanya|takon|takok|tangled|"
    r"nyuwun|minta|mintak|njaluk|tolong|tulung|langsung|lgsg|lsg|sama|sm|karo|kalih|kaliyan|dengan|dgn|dg|ke|nang|"
    r"dhateng|marang|ambi|bisa|iso|saged|bs|boleh|pak|bu|mas|mbak|kak|min|dong|ya|yo|nggih|aja|ae|wae|saja|"
    r"petugas\w*|operator|admin\w*|orang|orangnya|wong|tiyang|oreng|manusia|pegawai|staf|staff|cs|"
    r"bicara|berbicara|ngomong|ngobrol|omong|ngendika|matur|hubungi|hubungkan|sambung\w*|disambungkan|telpon|"
    r"telepon|chat|ngechat|dinas|capil|dukcapil|dispendukcapil|dinsos|dinkes|disnaker|kominfo|diskominfo|"
    r"saya|sy|aku|kula|kulo|engkok|sengko|soal|tentang|perihal|masalah|bab|"
    r"dudu|bukan|sanes|ben|mesin|robot|bot|asli|beneran|nyata|manungsa|langsungan)$")
_ABOUT_THE_TICKET = re.compile(r"\b(?:tiket\w*|ticket|km\s*-?\s*\d+|daftar\w*|pendaftaran\w*|registrasi|antri\w*|"
                               r"antre\w*|status\w*|jadwal\w*)\b")


def new_topic(turn: Turn) -> bool:
    """The request for a person carries a topic of its own ("mau tanya langsung sm petugas capil, nama di KK
    salah"), not about a ticket the resident holds: the chat is kept apart from that ticket (#23 cat. 9)."""
    words = answers.words(turn.text)
    if _ABOUT_THE_TICKET.search(" ".join(words)):
        return False
    return len([w for w in words if not _ASKING.match(w)]) >= 2


FLOW = Flow(name="petugas", entry_intents=("petugas",), start=start, steps={}, menu_label="menu.item.petugas",
            effects=(Handoff,))
