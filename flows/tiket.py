"""tiket — a resident's own tickets: listed, cancelled (confirmed once) or moved to another visit
where that dinas comes (same code). A message about coming, the date or cancelling from someone
holding an open ticket is about that ticket first (`about_own_ticket`, asked by the policy).

Cancelling never stops reminders; stopping reminders (BERHENTI) never cancels a ticket.
"""

from __future__ import annotations

import re
from typing import Sequence

from flows import answers, dates
from flows.effects import CancelTicket, MoveTicket
from flows.engine import Ask, Bullets, Flow, Say, Step, Turn, choices, say, unhandled
from flows.facts import OwnTicket, VisitView
from flows.places import nearby_visits


class S:
    CHOOSE_TICKET = "choose_ticket"
    WHAT = "what"
    CONFIRM_CANCEL = "confirm_cancel"
    PICK_VISIT = "pick_visit"


WHAT = choices(("move", say("opt.move_ticket")), ("cancel", say("opt.cancel_ticket")),
               ("keep", say("opt.keep_ticket")))
CONFIRM_CANCEL = choices(("yes", say("opt.yes_cancel_ticket")), ("no", say("opt.keep_ticket")), yes="yes", no="no")
MOVE_OPTIONS = 5

# What residents say about their own ticket (Indonesian, Javanese ngoko/krama, Madurese, typos).
# Any form of "batal" (batalkan, batalno, dibatalno, batalaken, "dipun batalaken", Madurese "e batalagi"), "cancel".
_CANCEL = re.compile(
    r"\b(?:(?:di|e|è|ka)?batal\w*|cancel\w*|"
    r"(?:gak|ga|gk|ngga|nggak|enggak|ndak|nda|tidak|tdk|ora|mboten|boten|tak|ta')\s+(?:jadi|jd|sido|sida|sios|dhaddhi|dadi)|"
    r"urung\s+sido|wurung)\b", re.IGNORECASE)
_MOVE = re.compile(
    r"\b(?:ganti|gantos|ubah|pindah|pindahkan|pindahno|mindah|ngalih|geser|undur|diundur|mundur|tunda|ditunda|reschedule)"
    r"\s+(?:ke\s+)?(?:tanggal|tgl|tangal|jadwal|jadwale|jadwalnya|dinten|hari|dino|minggu|wektu|waktu|ari)(?:nya|ne|e|ipun)?\b|"
    r"\b(?:minggu|minggon|pekan)\s+(?:ngarep|depan|ngajeng|ngarepe|mbesok|berikutnya|selanjutnya|adha')\b|"
    r"\b(?:jadwal|tanggal|tgl|hari|dino|dinten)\s+(?:lain|liyane|liyo|sanes|laen|laennah)\b|"
    r"\b(?:tanggal|tgl|jadwal)\s+(?:sing\s+)?(?:liya|liane|liyane)\b|"
    r"\b(?:di|dipun\s+)?(?:undur|tunda)(?:kan|ken|no|ne|aken|en)?\b", re.IGNORECASE)  # "diundur wae", "dipun undur"
# A sooner visit, or one in another kecamatan: "yg lbh cpt dmn?", "menawi wonten ingkang langkung enggal ten
# kecamatan sanes", "sing luwih gasik nang ndi?", "ada di kecamatan lain?". With _MOVE: a wish for another visit
# (read at a visit card and at the registration's date question too: flows/jadwal.py, flows/layanan.py).
_SOONER = re.compile(
    r"\b(?:lebih|lbh|lbih|luwih|lewih|lwih|langkung|lebbi|lebbih|paling|plg)\s+(?:cepat|cpt|cepet|cpet|awal|dulu|dlu|disik|"
    r"dhisik|ndisik|ndhisik|ndisek|disek|dhisek|duluan|gasik|enggal|rumiyin|riyin|dhimen|dimin|dekat|dkt|cedhak|cedak|"
    r"celak|parek|sakdurunge|sebelume)\b", re.IGNORECASE)
_SOONER_ABOUT = re.compile(
    r"\b(?:yang|yg|sing|seng|ingkang|se|ada|ana|ono|onok|enek|wonten|enten|mana|dmn|dimana|ndi|endi|ngendi|nandi|pundi|"
    r"dimma|jadwal\w*|tanggal\w*|tgl|kenduren|kecamatan|kec)\b", re.IGNORECASE)
_OTHER_PLACE = re.compile(
    r"\b(?:kecamatan|kec|tempat|nggon|panggenan|lokasi|daerah)\s+(?:lain|lainnya|liyane|liyo|liya|sanes|sanesipun|"
    r"laen|laennah|laenna)\b", re.IGNORECASE)


def other_visit_wish(text: str) -> str | None:
    """"sooner" (a sooner visit, or one in another kecamatan), "other" (another date or day), or None."""
    text = text or ""
    if (_SOONER.search(text) and _SOONER_ABOUT.search(text)) or _OTHER_PLACE.search(text):
        return "sooner"
    if _MOVE.search(text):
        return "other"
    return None


_CANT_COME = re.compile(
    r"\b(?:gak|ga|gk|ngga|nggak|enggak|ndak|nda|tidak|tdk|ora|mboten|boten|tak|ta')\s+"
    r"(?:iso|isa|bisa|bs|bisoh|saged|sempat|sempet|kober)\s+"
    r"(?:teko|teka|datang|dtg|dateng|rawuh|dhateng|dugi|mrene|mrana|ke\s+sana|mangkat|budhal|entar|dhatengah)\b|"
    r"\b(?:berhalangan|halangan|ada\s+acara|onok\s+acara|ono\s+acara|wonten\s+acara|repot)\b", re.IGNORECASE)
# "… gak sido teko", "gak jadi datang", "mboten sios rawuh": not coming at all.
_NOT_COMING = re.compile(
    r"\b(?:gak|ga|gk|ngga|nggak|enggak|ndak|tidak|tdk|ora|mboten|boten|tak|ta')\s+(?:jadi|jd|sido|sios|dadi|dhaddhi)\s+"
    r"(?:teko|teka|datang|dtg|dateng|rawuh|dhateng|mrene|melok|ikut|daftar|entar)\b", re.IGNORECASE)
# "tiketku", "pendaftaranku apa aja", "tiketku saiki opo ae", "tiket kula menapa mawon", "tiket kaule apa bhai",
# "aku daftar opo ae?", "saya punya tiket apa saja": the list of the resident's own tickets.
_MINE = (r"(?:tiketku|tiket\s+(?:saya|sy|aku|kula|kulo|ku|kaule|engkok|dalem)|pendaftaranku|pendaftaran\s+(?:saya|sy|aku|kula|"
         r"kulo|ku|kaule|engkok)|daftaranku|daftaran\s+(?:saya|aku|kula|kulo|kaule)|registrasiku|tiket\s+sing\s+tak\s+daftar|"
         r"kode\s+tiketku|kode\s+tiket\s+(?:saya|aku|kula))")
_WHAT_ALL = (r"(?:(?:apa|opo|napa|nopo|menapa)\s+(?:aja|saja|ae|wae|bae|bhai|beih|mawon|sih)|ada\s+apa|onok\s+opo|ono\s+opo|"
             r"enek\s+opo|wonten\s+(?:menapa|napa|nopo)|bada\s+apa|mana\s+(?:aja|saja)|endi\s+(?:ae|wae)|pundi\s+mawon|"
             r"(?:ada\s+|onok\s+|ono\s+|wonten\s+)?(?:piro|pira|pinten|berapa|brp|baramma))")
_NOW = r"(?:saiki|skrg|sekarang|sakniki|saniki|sakmenika|samenika|sapunika|samangke|samangken|sateya|saat\s+ini)"
_TAIL = r"(?:\s+(?:ya|yo|yaa|nggih|ngih|njih|kak|min|pak|bu|mas|mbak|sih|deh|lur|cak|nak|dong|ta|tah|to|toh|a|yah))*"
_LIST = re.compile(
    rf"^\W*(?:(?:tolong|coba|mohon)\s+)?(?:cek\s+|lihat\s+|liat\s+|deleng\s+|delok\s+)?{_MINE}(?:\s+{_NOW})?"
    rf"(?:\s+{_WHAT_ALL})?{_TAIL}\W*$|"
    rf"^\W*(?:aku|saya|sy|kula|kulo|engkok|kaule)\s+(?:{_NOW}\s+)?(?:wis\s+|sudah\s+|udah\s+|sampun\s+)?"
    rf"(?:daftar|ndaftar|duwe\s+tiket|punya\s+tiket|gadhah\s+tiket|ada\s+tiket|andi'\s+tiket)\s+{_WHAT_ALL}{_TAIL}\W*$",
    re.IGNORECASE)
# "kapan aku kudu teko?", "tanggal berapa saya datang?", "jadwalku kapan": the resident's own date.
_WHEN = re.compile(
    rf"\b{dates.WHEN}\b.*"
    r"\b(?:aku|saya|sy|kula|kulo|kaule|engkok|awakku|aq)\s+(?:\w+\s+)?(?:datang|dtg|dateng|teko|teka|rawuh|dhateng|"
    r"kesana|ke\s+sana|mrono|mrana|entar|ngurus|dilayani)\b|"
    r"\b(?:jadwalku|jadwal\s+(?:saya|aku|kula|kulo|sy)|giliranku|tiketku\s+(?:kapan|tanggal|tgl))\b",
    re.IGNORECASE)
# "jangan dibatalkan", "ojo dibatalno", "bukan, …", "tetap datang": keeping the ticket, never a cancel.
_KEEP = re.compile(
    r"\b(?:jangan|jgn|ojo|ojok|aja|ampun|ja'|gak\s+usah|ga\s+usah|ndak\s+usah|nggak\s+usah|tidak\s+usah|tdk\s+usah|"
    r"ora\s+usah|ora\s+sah|rasah|mboten\s+usah|boten\s+usah|sanes|bukan|bkn|duduk|dudu)\s+"
    r"(?:(?:usah|sah|sampai|sampe|nganti|ngantos|dipun|pun|kok|lho|ya|yo)\s+)?(?:di|e)?batal\w*|\b(?:tetap|tetep|tetep\s+wae|tetap\s+saja)\s+(?:datang|teko|dateng|rawuh|dhateng|daftar|entar)\b",
    re.IGNORECASE)
# "jadwal gempol batal ta?", "apa kenduren mas e dibatalkan?": asking whether the VISIT is off, not a wish.
_VISIT_OFF_QUESTION = re.compile(
    r"\b(?:jadwal\w*|kenduren|acara\w*|kegiatan\w*|mobil\w*|kunjungan\w*|layanan\w*)\b.*\b(?:di)?batal\w*\b"
    r"(?:.*\?|(?:\W*(?:ta|tah|kah|ya|yo|gak|nggak|ngga|ga|ora|apa|opo|nopo|tidak|mboten|napa|enggak|a|belum|durung)){1,2}\W*$)|"
    r"\b(?:apa|apakah|opo|nopo|menapa|napa)\b.*\b(?:jadwal\w*|kenduren|acara\w*|kegiatan\w*)\b.*\b(?:di)?batal\w*",
    re.IGNORECASE)


# Postponing: "undur", "diundur", "mundur", "ditunda", "dipun undur", "engko wae" — a later visit than the ticket's.
_LATER = re.compile(r"\b(?:di|dipun\s+)?(?:undur|mundur|tunda|undurkan|undurno|undhur|mundhur)\w*\b|\b(?:lebih|luwih|langkung)\s+"
                    r"(?:akhir|belakang|suwe|mburi|telat)\b", re.IGNORECASE)


# A move verb ("pindahno nang Beji", "dipindah ke yang di Beji", "digeser teng Bangil"): with a kecamatan named, a
# move there. Said denied ("bukan dipindah, batalkan") it is no move.
_MOVE_VERB = re.compile(r"\b(?:di|ke|dipun\s+|pun\s+)?(?:pindah|mindah|geser|alih|ngalih|pendhâ|pinda)\w*", re.IGNORECASE)
_MOVE_DENIED = re.compile(r"\b(?:bukan|bkn|dudu|duduk|sanes|benten|bunten|ora|gak|ga|nggak|ndak|tidak|jangan|ojo|ojok|mboten)"
                         r"\s+(?:di|ke|dipun\s+)?(?:pindah|mindah|geser|alih)\w*", re.IGNORECASE)


def moves_to_kecamatan(turn: Turn) -> str | None:
    """The kecamatan a move verb sends the ticket to ("pindahno nang Beji"), or None."""
    text = turn.text or ""
    found = turn.entities.get("kecamatan")
    said = _MOVE_DENIED.sub(" ", text)
    # "pindahno nang Beji", and "ganti tanggal dados ingkang Beji" / "ganti jadwal sing gempol" (a date change naming it)
    if not found or not (_MOVE_VERB.search(said) or _MOVE.search(said)):
        return None
    return found


def wish_of(text: str) -> str | None:
    """What a message wants of the resident's own ticket: "cancel", "move", "either" (cannot come:
    ask which), "list", or None when it is not about one."""
    text = text or ""
    if _KEEP.search(text) or _VISIT_OFF_QUESTION.search(text):
        return None
    if _LIST.search(text):
        return "list"
    if other_visit_wish(text):
        return "move"
    if _NOT_COMING.search(text):
        return "cancel"
    if _CANT_COME.search(text):
        return "either"
    if _CANCEL.search(text):
        return "cancel"
    if _WHEN.search(text):
        return "when"
    return None


def about_own_ticket(turn: Turn) -> str | None:
    """The wish, when the message is about a ticket the resident holds (else None: read it as usual)."""
    wish = "move" if moves_to_kecamatan(turn) else wish_of(turn.text)
    if wish is None:
        return None
    # the list is answered also with none held ("Belum ada tiket …"), never read as another question
    return wish if wish == "list" or turn.facts.own_tickets() else None


def own_ticket_first(registry, flow: str | None, turn: Turn, state: str | None = None):
    """For the policy: a message about coming, the date or cancelling, from a resident holding an
    open ticket, outside a flow that would lose something, starts this flow (dispatch.Outcome), else None.
    Naming one of their own ticket codes with the wish ("BATAL tiket KM-1234") is about that ticket in any
    flow: one that would lose typed answers asks first (dispatch.switch_flow)."""
    from flows.dispatch import leaves_something, start as start_flow, switch_flow

    current = registry.flows.get(flow or "")
    if flow == FLOW.name:
        return None
    wish = about_own_ticket(turn)
    if wish is None or wish in ("list", "when") and current is not None and leaves_something(current):
        return None
    if current is not None and leaves_something(current):
        kode = (turn.entities.get("kode") or "").upper()
        if not kode or all(t.kode != kode for t in turn.facts.own_tickets()):
            return None
        return switch_flow(registry, flow, state, turn, FLOW.name)
    return start_flow(registry, FLOW.name, turn, {"wish": wish})


def _person(t: OwnTicket) -> str:
    return t.nama or "-"


def _card(t: OwnTicket) -> Say:
    v = t.visit
    if v is None:
        return say("tiket.card_no_visit", kode=t.kode, layanan=t.layanan, nama=_person(t))
    return say("tiket.card", kode=t.kode, layanan=t.layanan, nama=_person(t), tanggal=v.tanggal_text,
               jam=v.jam_text, lokasi=v.lokasi, kecamatan=v.kecamatan)


def _chosen_by_text(turn: Turn, tickets: Sequence[OwnTicket]) -> OwnTicket | None:
    kode = (turn.entities.get("kode") or "").upper()
    if kode:
        return next((t for t in tickets if t.kode == kode), None)
    on_day = dates.dated(turn.text, [t.visit for t in tickets if t.visit], turn.now.date())
    if on_day is not None and len(on_day) == 1:
        return next(t for t in tickets if t.visit is on_day[0])
    return None


def tickets_said(turn: Turn) -> list[Say]:
    """The resident's open tickets with their dates (asked beside another question: "pengingat sy apa aja, sama
    tiket sy apa aja")."""
    tickets = list(turn.facts.own_tickets())
    if not tickets:
        return [say("tiket.none_short")]
    return [say("tiket.when_all", items=Bullets([_card(t) for t in tickets]))]


def start(turn: Turn) -> Step:
    tickets = list(turn.facts.own_tickets())
    if not tickets:
        return Step([say("tiket.none")], None)
    wish = turn.slots.get("wish") or ("move" if moves_to_kecamatan(turn) else wish_of(turn.text))
    chosen = _chosen_by_text(turn, tickets)
    kode = (turn.entities.get("kode") or "").upper()
    if kode and chosen is None:  # a code not among theirs: said so, and their tickets listed (never another's acted on)
        key = "tiket.mine" if wish in (None, "list", "when") else f"tiket.which_{wish}"
        return Step([say("status.not_found", kode=kode), say(key, options=[_card(t) for t in tickets])],
                    S.CHOOSE_TICKET, {"wish": wish, "kodes": [t.kode for t in tickets]})
    if chosen is None and len(tickets) == 1:
        chosen = tickets[0]
    if wish == "when" and chosen is None:  # all of them with their dates, and how to change one
        return Step([say("tiket.when_all", items=Bullets([_card(t) for t in tickets]))], None)
    if chosen is None:
        key = "tiket.mine" if wish in (None, "list") else f"tiket.which_{wish}"
        return Step([say(key, options=[_card(t) for t in tickets])], S.CHOOSE_TICKET,
                    {"wish": wish, "kodes": [t.kode for t in tickets]})
    return _act(turn, chosen, wish)


def _ticket(turn: Turn, kode: str | None) -> OwnTicket | None:
    return next((t for t in turn.facts.own_tickets() if t.kode == kode), None)


def _act(turn: Turn, t: OwnTicket, wish: str | None) -> Step:
    slots = {"kode": t.kode}
    if wish == "cancel":
        return Step([say("tiket.confirm_cancel", card=_card(t), options=CONFIRM_CANCEL.labels())],
                    S.CONFIRM_CANCEL, slots)
    if wish == "move":
        return _offer_visits(turn, t)
    if wish == "when":
        v = t.visit
        return Step([say("tiket.when", card=_card(t))], None)
    lead = "tiket.cant_come" if wish == "either" else "tiket.one"
    return Step([say(lead, card=_card(t), options=WHAT.labels())], S.WHAT, slots)


def choose_ticket(turn: Turn) -> Step:
    tickets = [t for t in turn.facts.own_tickets() if t.kode in (turn.slots.get("kodes") or [])]
    labels = [_card(t) for t in tickets]
    chosen = _chosen_by_text(turn, tickets)
    if chosen is None:
        i = turn.pick_index(labels)
        chosen = tickets[i] if i is not None else None
    if chosen is None:
        return unhandled(say("common.choose_again", options=labels), state=S.CHOOSE_TICKET)
    return _act(turn, chosen, turn.slots.get("wish") if turn.slots.get("wish") != "list" else None)


def what(turn: Turn) -> Step:
    t = _ticket(turn, turn.slots.get("kode"))
    if t is None:
        return Step([say("tiket.none")], None)
    between = _between_places(turn, _other_visits(turn, t, limit=None))
    if between:  # "yg pandaan ato beji ada gk?": those listed to pick from, never a keep or a move at once
        return _pick_among(turn, t, between)
    answer = turn.pick(WHAT)
    if answer is None:
        answer = "move" if moves_to_kecamatan(turn) else {"move": "move", "cancel": "cancel"}.get(wish_of(turn.text) or "")
    if answer == "keep":
        return _kept(t)
    if answer in ("move", "cancel"):
        return _act(turn, t, answer)
    return unhandled(say("common.choose_again", options=WHAT.labels()), state=S.WHAT)


def _kept(t: OwnTicket) -> Step:
    v = t.visit
    return Step([say("tiket.kept", kode=t.kode, tanggal=v.tanggal_text if v else "-", lokasi=v.lokasi if v else "-")],
                None)


def confirm_cancel(turn: Turn) -> Step:
    t = _ticket(turn, turn.slots.get("kode"))
    if t is None:
        return Step([say("tiket.none")], None)
    answer = "no" if _KEEP.search(turn.text or "") else turn.pick(CONFIRM_CANCEL)
    if answer is None and wish_of(turn.text) == "cancel" and answers.yes_no(turn.text) is not False:
        answer = "yes"  # "iyo batalno", "nggih, mboten sios"
    if answer == "yes":
        return Step([say("tiket.cancelled", kode=t.kode, opd=t.opd.singkatan)], None,
                    effects=[CancelTicket(kode=t.kode)])
    if answer == "no":
        return _kept(t)
    if moves_to_kecamatan(turn) or wish_of(turn.text) == "move":
        return _offer_visits(turn, t)
    return unhandled(say("common.choose_again", options=CONFIRM_CANCEL.labels()), state=S.CONFIRM_CANCEL)


def _other_visits(turn: Turn, t: OwnTicket, limit: int | None = MOVE_OPTIONS) -> list[VisitView]:
    """The visits the ticket may move to (that dinas comes): the soonest near the resident's home first
    (distance between kecamatan offices, the wilayah coordinates), then the soonest anywhere."""
    current = t.visit.id if t.visit else None
    fit = [v for v in turn.facts.next_visits(None, limit=30)
           if v.status == "planned" and v.id != current and any(o.key == t.opd.key for o in v.opd)]
    home = turn.resident.kecamatan
    near = [n.visit for n in nearby_visits(turn.facts, home, limit=MOVE_OPTIONS, exclude={current} if current else set(),
                                           where=lambda v: any(o.key == t.opd.key for o in v.opd))] if home else []
    own = [v for v in fit if v.kecamatan == home][:1]  # the home kecamatan's own next visit, when it is not the ticket's
    near_ids = {v.id for v in [*own, *near]}
    return [*sorted([*own, *near], key=lambda v: v.tanggal), *(v for v in fit if v.id not in near_ids)][:limit]


def _km_from_home(turn: Turn) -> dict[int, int]:
    home = turn.resident.kecamatan
    return {n.visit.id: n.km for n in turn.facts.visits_near(home, limit=30)} if home else {}


def _visit_label(v: VisitView, km: dict[int, int] | None = None, home: str | None = None) -> Say:
    if home and v.kecamatan == home:
        return say("layanan.visit_option_home", kecamatan=v.kecamatan, tanggal=v.tanggal_text)
    if km and v.id in km:
        return say("layanan.visit_option_km", kecamatan=v.kecamatan, tanggal=v.tanggal_text, km=km[v.id])
    return say("layanan.visit_option", kecamatan=v.kecamatan, tanggal=v.tanggal_text)


def _labels(turn: Turn, visits: Sequence[VisitView]) -> list[Say]:
    km = _km_from_home(turn)
    return [_visit_label(v, km, turn.resident.kecamatan) for v in visits]


def _moved(t: OwnTicket, v: VisitView) -> Step:
    return Step([say("tiket.moved", kode=t.kode, tanggal=v.tanggal_text, jam=v.jam_text, lokasi=v.lokasi,
                     opd=t.opd.singkatan)], None, effects=[MoveTicket(kode=t.kode, visit_id=v.id)])


def _offer_visits(turn: Turn, t: OwnTicket) -> Step:
    there = moves_to_kecamatan(turn)
    if there is not None:  # "pindahno nang Beji": there, when that dinas comes; else why not, and where it does
        at = [v for v in _other_visits(turn, t, limit=None) if v.kecamatan == there]
        if at:
            return _moved(t, at[0])
        if t.visit is not None and t.visit.kecamatan == there:
            return Step([say("tiket.already_there", kode=t.kode, kecamatan=there, tanggal=t.visit.tanggal_text)], None)
    visits = _other_visits(turn, t)
    if there is None and turn.choice is None:
        fit = _other_visits(turn, t, limit=None)
        if _LATER.search(turn.text or "") and t.visit is not None:
            # "undur minggu ngarep", "ditunda wae": postponed — only visits after the ticket's own
            fit = [v for v in fit if v.tanggal > t.visit.tanggal]
        named = dates.dated(turn.text, fit, turn.now.date())
        if named and len(named) == 1 and re.search(r"\d", turn.text):  # "pindah tanggal 23": that visit, at once
            return _moved(t, named[0])
        visits = (named or fit)[:MOVE_OPTIONS] or visits
    lead = [say("tiket.not_there", kecamatan=there, opd=t.opd.singkatan)] if there else []
    if not visits:
        return Step([*lead, say("tiket.no_other_visit", kode=t.kode, opd=t.opd.singkatan)], None)
    return Step([*lead, say("tiket.pick_visit", kode=t.kode, opd=t.opd.singkatan, options=_labels(turn, visits))],
                S.PICK_VISIT, {"kode": t.kode, "visit_ids": [v.id for v in visits]})


def _between_places(turn: Turn, visits: Sequence[VisitView]) -> list[VisitView]:
    """The visits of two or more kecamatan the message names ("yg pandaan ato beji ada gk?", "beji apa bangil"),
    each kecamatan's soonest; [] when it names fewer than two."""
    said = " ".join(answers.words(turn.text))
    first: dict[str, VisitView] = {}
    for v in sorted(visits, key=lambda v: v.tanggal):
        if v.kecamatan not in first and re.search(rf"\b{re.escape(v.kecamatan.lower())}\b", said):
            first[v.kecamatan] = v
    return sorted(first.values(), key=lambda v: v.tanggal) if len(first) >= 2 else []


def _pick_among(turn: Turn, t: OwnTicket, visits: Sequence[VisitView]) -> Step:
    return Step([say("tiket.pick_visit", kode=t.kode, opd=t.opd.singkatan, options=_labels(turn, visits))],
                S.PICK_VISIT, {"kode": t.kode, "visit_ids": [v.id for v in visits]})


def pick_visit(turn: Turn) -> Step:
    t = _ticket(turn, turn.slots.get("kode"))
    if t is None:
        return Step([say("tiket.none")], None)
    visits = [v for v in (turn.facts.visit(i) for i in turn.slots.get("visit_ids") or []) if v]
    labels = _labels(turn, visits)
    between = _between_places(turn, [*visits, *_other_visits(turn, t, limit=None)])
    if between:  # a question between two places: listed and asked, never the first one named taken at once
        return _pick_among(turn, t, between)
    i = turn.pick_index(labels)
    if i is None:
        # A kecamatan named beyond the few offered ("gempol wae"): its next visit where that dinas comes.
        found = turn.entities.get("kecamatan")
        at = [v for v in (visits + _other_visits(turn, t, limit=None)) if found and v.kecamatan == found]
        if not at:
            return unhandled(say("common.choose_again", options=labels), state=S.PICK_VISIT)
        v = at[0]
    else:
        v = visits[i]
    return _moved(t, v)


FLOW = Flow(
    name="tiket", entry_intents=(), start=start,
    steps={S.CHOOSE_TICKET: choose_ticket, S.WHAT: what, S.CONFIRM_CANCEL: confirm_cancel, S.PICK_VISIT: pick_visit},
    keywords=("tiketku", "tiket saya", "pendaftaranku", "pendaftaran saya"),
    asks={S.WHAT: Ask(WHAT), S.CONFIRM_CANCEL: Ask(CONFIRM_CANCEL)},
    effects=(CancelTicket, MoveTicket),
)
