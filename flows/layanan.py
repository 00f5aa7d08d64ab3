"""daftar_layanan — register a service need and get a ticket code plus the officer's contact."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Mapping, Sequence

from flows import answers, dates, info
from flows.effects import CreateTicket
from flows.engine import GROUPS_MAX, Ask, Bullets, Flow, Group, Grouped, Say, Step, Turn, choices, say, unhandled
from flows.facts import Facts, LayananView
from flows.langganan import asks_reminder, refuses_reminders
from flows.person import (
    age_in, holder_name_in, introduced_name, read_person, relation_in, rename_in, says_name_wrong, says_self,
    stated_name, stated_person_name, two_requests,
)
from flows.phones import NIK_PATTERN, mask_nik
from flows.tiket import other_visit_wish
from flows.places import (
    KECAMATAN_CONFIRMATION, desa_named, home_desa_answer, kecamatan_answer, kecamatan_confirmation,
    kecamatan_named, nearby_visits, outside_answer,
    outside_regency, says_home, with_areas, without_negated_places,
)


# Services the caravan does not offer, asked for by name ("mau daftar bpjs kesehatan pbi", "arep gawe sim", "badhe
# ngurus paspor", "ngurus sertifikat tanah"): said not to be Kenduren Mas', never mapped to a nearby one (PBI is no
# bansos registration). No office is named: none is in the sourced data.
_NOT_OFFERED = {"bpjs": "BPJS Kesehatan", "pbi": "BPJS Kesehatan PBI", "sim": "SIM", "paspor": "Paspor",
                "sertifikat": "Sertifikat tanah", "sertipikat": "Sertifikat tanah"}
_ASKED_NOT_OFFERED = re.compile(
    r"\b(?:daftar\w*|ndaftar\w*|bikin|gawe|nggawe|damel|ndamel|urus|ngurus|ngurusi|mengurus|buat|perpanjang\w*|"
    r"nyuwun|minta|njaluk)\s+(?:\w+\s+)?(bpjs|pbi|sim|paspor|(?:sertifikat|sertipikat)(?=\s+(?:tanah|lemah|tanahe|lemahe)))\b")


def not_offered(text: str) -> str | None:
    """The name of a service asked for that Kenduren Mas does not offer, or None."""
    m = _ASKED_NOT_OFFERED.search(" ".join(answers.words(text)))
    return _NOT_OFFERED[m.group(1)] if m else None


class S:
    CHOOSE_LAYANAN = "choose_layanan"
    ASK_KECAMATAN = "ask_kecamatan"
    CONFIRM_KECAMATAN = "confirm_kecamatan"
    CHOOSE_VISIT = "choose_visit"
    PICK_OTHER_VISIT = "pick_other_visit"
    ASK_NAME = "ask_name"
    ASK_DESA = "ask_desa"
    CHOOSE_DESA = "choose_desa"
    ASK_NOTE = "ask_note"
    CONFIRM = "confirm"
    CHANGE_WHAT = "change_what"


VISIT = choices(("register", say("opt.register_this_date")), ("other", say("opt.other_date")), yes="register", no="other")
CONFIRM = choices(("register", say("opt.yes_register")), ("change", say("opt.change")), ("cancel", say("opt.cancel")),
                  yes="register", no="change")  # "gak" to "Cek lagi ya" = not right: change, never drop
# The own kecamatan's next visit this far away: the sooner visits nearby are offered too.
FAR_DAYS = 28
NEARBY_OFFERED = 5
MOVE_LISTED = 5  # visits listed when a date named at the summary fits several
# Who KIA is not for (it is the children's identity card, under 17).
ADULT_RELATIONS = frozenset({"ibu", "bapak", "suami", "istri", "pasangan", "mbah", "mertua"})
KIA = frozenset({"kia", "kia_ganti"})
# "Desa Gerbo, Kec. Purwodadi? 1. Ya 2. Lain": a desa already known is offered, not asked again.
KNOWN_DESA = choices(("yes", say("opt.yes")), ("other", say("opt.other_desa")), yes="yes", no="other")
CHANGE = choices(("nama", say("opt.change_name")), ("desa", say("opt.change_desa")), ("catatan", say("opt.change_note")),
                 ("jadwal", say("opt.change_visit")), ("layanan", say("opt.change_service")))


# A NIK typed raw, or already masked at the webhook's edge (one definition: flows.phones).
_NIK = NIK_PATTERN


def strip_nik(text: str) -> tuple[str, str | None]:
    """Text without any NIK typed into it, and the NIK masked (we never ask for it)."""
    m = _NIK.search(text)
    if not m:
        return text, None
    return re.sub(r"\s+", " ", _NIK.sub("", text)).strip(" ,.-"), mask_nik(m.group(1))




def requirement_lines(lay: LayananView) -> Say:
    """What to bring (documents) as bullets; then what is done there and the conditions of the person,
    apart: "Sehat, cukup tidur dan sudah makan" is not a paper to photocopy."""
    def line(r):
        return say("layanan.req", text=r.text) if r.confirmed else say("layanan.req_unconfirmed", text=r.text)

    documents = [line(r) for r in lay.persyaratan if r.kind == "dokumen"]
    others = [line(r) for r in lay.persyaratan if r.kind != "dokumen"]
    return say("layanan.req_block", documents=Bullets(documents) if documents else say("layanan.req_none"),
               others=say("layanan.req_others", items=Bullets(others)) if others else "")


def _service_intro(lay: LayananView) -> Say:
    return say("layanan.intro", layanan=lay.nama_pendek, opd=lay.opd.singkatan, syarat=requirement_lines(lay),
               selesai=say(f"layanan.selesai.{lay.selesai_di_tempat}"))


def start(turn: Turn) -> Step:
    # The service named now, or the one in context (a change of mind carried it over).
    key = turn.entities.get("layanan") or turn.nlu.match_layanan(turn.text) or turn.slots.get("layanan")
    carried = {k: turn.slots[k] for k in ("visit_id", "kecamatan", "visit_ids") if turn.slots.get(k)}
    pair = _two_in_one(turn)
    if pair is not None:
        # "daftarin KTP buat aku sama KIA anakku", "aku karo bojoku arep gawe ktp": the first now, the second said to
        # follow (and again after the ticket) — never dropped.
        first_key, first_relation, second_key, second_relation = pair
        key = first_key or key
        if key is not None and turn.facts.layanan(key) is not None:
            carried.update(also_relasi=second_relation, also_layanan=second_key if second_key != key else None)
            if first_relation:
                carried["relasi"] = first_relation
            lead = say("layanan.second_follows", layanan=turn.facts.layanan(key).nama_pendek, who=_who(carried),
                       other=_also_other(turn.facts, carried), command=_also_command(turn.facts, carried))
            return _prepend(lead, _after_layanan(turn, key, carried))
    if key is None or turn.facts.layanan(key) is None:
        return _ask_layanan(turn, carried)
    if turn.entities.get("kecamatan"):
        carried["kecamatan"] = turn.entities["kecamatan"]
    # What the first message already said is not asked again; the summary shows it, to change there.
    named = desa_named(turn.entities)
    if named:
        carried.update(desa=named[0], desa_kecamatan=named[1])
        carried.setdefault("kecamatan", named[1])
    # Whom the ticket is for comes from the request: "saged dipun urusaken putu kula?" asks whether a grandson
    # may come in her place — the ticket is still hers.
    relation = relation_in(turn.text) if info.topic_of(turn.text) != "diwakilkan" else None
    if relation:
        carried["relasi"] = relation
        # "… untuk anak saya, namanya Raka"; "nama saya Slamet, … bapak saya": Slamet holds the ticket, not its name.
        name = stated_person_name(turn.text, relative=True)
        holder = holder_name_in(turn.text)
        if holder:
            carried["holder_nama"] = holder
    else:
        name = stated_name(turn.text) or introduced_name(turn.text)
    if name:
        carried["stated_name"] = name
    age = age_in(turn.text)
    if age is not None:
        carried["umur"] = age
    outside = outside_regency(turn.text)
    if outside and carried.get("kecamatan") and registers_someone(turn.text):
        # "sy warga kota pasuruan, mau daftarin ibu sy ktp, ibu tinggal di gempol": the mother's kecamatan is the
        # visit's; the resident's own home stays outside (never "kecamatan Anda", never their home).
        carried["outside_home"] = outside[0]
    if outside and not carried.get("kecamatan"):
        # "domisili kota pasuruan, mau bikin ktp": said kindly at once (with the city's own Dispendukcapil for
        # its documents) and the nearest visit, instead of asking the kecamatan they already said. Asked as a
        # question ("iso ngurus KTP nang kenduren mas ora?") it is answered and starts nothing.
        asked = answers.is_question(turn.text) and not registers_someone(turn.text) and (
            turn.nlu is None or "daftar_layanan" not in turn.nlu.said_requests(turn.text))
        answer = outside_answer(replace(turn, slots={**carried, "layanan": key}), S.ASK_KECAMATAN)
        return Step(answer.replies, None) if asked and answer is not None else answer
    if turn.slots.get("then_remind") or asks_reminder(turn.text):
        # "… sekalian ingatkan saya": said to follow, and asked once the ticket is made (never dropped).
        carried["then_remind"] = True
        return _prepend(say("layanan.reminder_follows"), _after_layanan(turn, key, carried))
    return _after_layanan(turn, key, carried)


def _two_in_one(turn: Turn) -> tuple[str | None, str | None, str | None, str] | None:
    """(first service, first relation, second service, second relation) when one message registers two people or
    two services ("… buat aku sama KIA anakku"); None when it holds one."""
    if info.topic_of(turn.text) == "diwakilkan":
        return None
    pair = two_requests(turn.text)
    if pair is None:
        return None
    first, second = pair
    first_relation = relation_in(first)
    if first_relation is None and not says_self(first):
        return None
    return (turn.nlu.match_layanan(first), first_relation, turn.nlu.match_layanan(second), relation_in(second))


def _also_other(facts: Facts, slots: Mapping[str, Any]) -> Say:
    who = say(f"relasi.{slots['also_relasi']}") if slots.get("also_relasi") else say("relasi.anda")
    lay = facts.layanan(slots["also_layanan"]) if slots.get("also_layanan") else None
    if lay is not None:
        return say("layanan.other_service", layanan=lay.nama_pendek, who=who)
    return _other_person(slots.get("also_nama"), slots.get("also_relasi"))


def _also_command(facts: Facts, slots: Mapping[str, Any]) -> str:
    lay = facts.layanan(slots["also_layanan"]) if slots.get("also_layanan") else None
    if lay is None:
        return "daftar"
    short = re.search(r"\(([^)]+)\)", lay.nama_pendek)  # "Kartu Identitas Anak (KIA)": "daftar KIA"
    return f"daftar {short.group(1) if short else lay.nama_pendek}"


def _service_option(s: LayananView) -> Say:
    return say("layanan.option", layanan=s.nama_pendek, opd=s.opd.singkatan)


def _ask_layanan(turn: Turn, slots: Mapping[str, Any], lead: Say | None = None) -> Step:
    services = turn.facts.layanan_list()
    options = [_service_option(s) for s in services]
    replies = [lead] if lead else []
    slots = {k: v for k, v in slots.items() if k != "layanan_within"}
    return Step([*replies, say("layanan.choose", options=options, groups=_by_dinas(services))], S.CHOOSE_LAYANAN,
                {**slots, "layanan_keys": [s.key for s in services]})


def dinas_groups(services: Sequence[LayananView]) -> list[list[LayananView]]:
    """The services by dinas, in the list's order; past ten dinas the last ones share one group
    ("Layanan lain"), so the groups fit one WhatsApp list."""
    by_dinas: dict[str, list[LayananView]] = {}
    for s in services:
        by_dinas.setdefault(s.opd.key, []).append(s)
    groups = list(by_dinas.values())
    if len(groups) > GROUPS_MAX:
        groups = [*groups[:GROUPS_MAX - 1], [s for g in groups[GROUPS_MAX - 1:] for s in g]]
    return groups


def _by_dinas(services: Sequence[LayananView]) -> Grouped:
    """The 19 services as a list of dinas first (WhatsApp); SMS and the chat keep the numbered list."""
    groups = []
    for members in dinas_groups(services):
        dinas = {s.opd.key for s in members}
        label = say("layanan.dinas_option", opd=members[0].opd.singkatan) if len(dinas) == 1 else say(
            "layanan.other_dinas_option")
        groups.append(Group(label, say("layanan.dinas_services", layanan=", ".join(s.nama_pendek for s in members))))
    return Grouped(tuple(groups), hint=say("layanan.choose_dinas_hint"))


def _ask_within(turn: Turn, members: Sequence[LayananView], slots: Mapping[str, Any]) -> Step:
    """A dinas tapped in the list of dinas: its services, and a way back to the other dinas."""
    one = len({s.opd.key for s in members}) == 1
    question = say("layanan.choose_within", opd=members[0].opd.singkatan, options=_within_labels(members)) if one \
        else say("layanan.choose_other", options=_within_labels(members))
    return Step([question], S.CHOOSE_LAYANAN, {**slots, "layanan_within": [s.key for s in members]})


def _within_labels(members: Sequence[LayananView]) -> list[Say]:
    one = len({s.opd.key for s in members}) == 1
    labels = [say("layanan.option_within", layanan=s.nama_pendek) if one else _service_option(s) for s in members]
    return [*labels, say("opt.other_dinas")]


def choose_layanan(turn: Turn) -> Step:
    back = _back_to_summary(turn, "layanan.nothing_changed")
    if back is not None:
        return back
    keys = turn.slots.get("layanan_keys") or []
    within = turn.slots.get("layanan_within")
    if turn.group is not None and not within:
        # A dinas tapped in the list of dinas (WhatsApp): its services; a dinas with one picks it at once.
        groups = dinas_groups([s for s in (turn.facts.layanan(k) for k in keys) if s])
        if 1 <= turn.group <= len(groups):
            members = groups[turn.group - 1]
            if len(members) == 1:
                return _after_layanan(turn, members[0].key, dict(turn.slots))
            return _ask_within(turn, members, turn.slots)
        return unhandled(say("layanan.unknown", n=len(keys)), state=S.CHOOSE_LAYANAN)
    key = None
    if turn.choice is None:
        key = turn.entities.get("layanan") or turn.nlu.match_layanan(turn.text)
    if key is None and within:
        members = [s for s in (turn.facts.layanan(k) for k in within) if s]
        i = turn.pick_index(_within_labels(members))
        if i is not None and i == len(members):  # "Pilih dinas lain"
            return _ask_layanan(turn, turn.slots)
        key = members[i].key if i is not None else None
        if key is None:
            return unhandled(say("layanan.unknown", n=len(members) + 1), state=S.CHOOSE_LAYANAN)
    if key is None:
        services = [s for s in (turn.facts.layanan(k) for k in keys) if s]
        i = turn.pick_index([_service_option(s) for s in services])
        key = services[i].key if i is not None else None
        if key is None:  # asked again with the list of dinas to tap (WhatsApp); the text is as before
            return unhandled(say("layanan.unknown", n=len(keys), groups=_by_dinas(services)), state=S.CHOOSE_LAYANAN)
    return _after_layanan(turn, key, dict(turn.slots))


def _after_layanan(turn: Turn, key: str, slots: dict[str, Any]) -> Step:
    lay = turn.facts.layanan(key)
    slots = {**{k: v for k, v in slots.items() if k != "layanan_within"}, "layanan": key}
    if slots.get("editing") and slots.get("nama") and slots.get("visit_id"):
        return _service_changed(turn, slots)  # chosen from the list after "ganti layanan" at the summary
    intro = _service_intro(lay)
    if turn.resident.kecamatan and not slots.get("home_kecamatan"):
        slots["home_kecamatan"] = turn.resident.kecamatan
    if slots.get("visit_id"):
        visit = turn.facts.visit(slots["visit_id"])
        if visit and visit.status == "planned":
            return _prepend(intro, _ask_name(turn, slots))
    if slots.get("visit_ids"):  # several visits shown at once ("kapan ke gempol karo beji?"): which one
        offered = [v for v in _visits_offered(turn, slots) if v.status == "planned"]
        if offered:
            return _prepend(intro, Step([say("layanan.pick_visit", options=[_visit_label(v) for v in offered])],
                                        S.PICK_OTHER_VISIT, {**slots, "visit_ids": [v.id for v in offered]}))
    kecamatan = slots.get("kecamatan") or turn.resident.kecamatan
    if kecamatan:
        # The visit offered is that kecamatan's; it is the home only when the resident said so (their record, or
        # "aku wong …"): "mau ikut kenduren di Purwosari" names where to go, never where they live.
        home = slots.get("home_kecamatan") or (
            kecamatan if kecamatan == turn.resident.kecamatan or says_home(turn.text) else None)
        return _prepend(intro, _offer_visit(turn, {**slots, "kecamatan": kecamatan,
                                                   **({"home_kecamatan": home} if home else {})}))
    return Step([intro, with_areas(say("layanan.ask_kecamatan"))], S.ASK_KECAMATAN, slots)


def _prepend(reply: Say, step: Step) -> Step:
    return _prepend_all([reply], step)


def _prepend_all(replies: list[Say], step: Step) -> Step:
    return Step([*replies, *step.replies], step.next_state, step.slots, step.effects, step.switch_to)


def _kecamatan_chosen(turn: Turn, kecamatan: str) -> Step:
    # The answer to "tinggal di kecamatan mana?" is the home — except from a resident who said they live outside
    # the regency (Kota Pasuruan): theirs is only the visit they will come to.
    home = {} if turn.slots.get("outside_home") else {"home_kecamatan": kecamatan}
    slots = {**turn.slots, "kecamatan": kecamatan, **home}
    named = desa_named(turn.entities)
    if named and named[1] == kecamatan and not slots.get("desa"):
        # "tutur, desa ngadirejo", "kula saking ngadirejo tutur": the desa too, never asked again.
        slots.update(desa=named[0], desa_kecamatan=named[1])
    return _offer_visit(turn, slots)


_KECAMATAN_STATES = dict(unknown=say("layanan.kecamatan_unknown"), ask_state=S.ASK_KECAMATAN,
                         confirm_state=S.CONFIRM_KECAMATAN, then=_kecamatan_chosen)


def ask_kecamatan(turn: Turn) -> Step:
    return kecamatan_answer(turn, **_KECAMATAN_STATES)


def confirm_kecamatan(turn: Turn) -> Step:
    return kecamatan_confirmation(turn, ask_again=say("layanan.ask_kecamatan_again"), **_KECAMATAN_STATES)


def _offer_visit(turn: Turn, slots: dict[str, Any]) -> Step:
    visits = [v for v in turn.facts.next_visits(slots["kecamatan"], limit=3) if v.status == "planned"]
    if not visits:
        return _pick_other(turn, slots, lead=say("layanan.no_visit_here", kecamatan=slots["kecamatan"]))
    v = visits[0]
    nearby = _sooner_nearby(turn, slots["kecamatan"], v)
    if nearby:
        # Weeks away: the soonest visits nearby too (this is why residents travel).
        weeks = max(2, round((v.tanggal - turn.now.date()).days / 7))
        slots = {**slots, "visit_ids": [v.id, *(n.visit.id for n in nearby)],
                 "visit_km": {str(n.visit.id): n.km for n in nearby}, "with_other": True}
        # "near you" only of the resident's own kecamatan; else near the kecamatan they named
        key = "layanan.far_visit" if slots.get("home_kecamatan") == v.kecamatan else "layanan.far_visit_there"
        return Step([say(key, kecamatan=v.kecamatan, tanggal=v.tanggal_text, minggu=weeks,
                         options=_visit_labels(turn, slots))], S.PICK_OTHER_VISIT, slots)
    return Step([say("layanan.next_visit_here", kecamatan=v.kecamatan, tanggal=v.tanggal_text, jam=v.jam_text,
                     lokasi=v.lokasi, options=VISIT.labels())],
                S.CHOOSE_VISIT, {**slots, "visit_id": v.id})


def _sooner_nearby(turn: Turn, kecamatan: str, own) -> list:
    """Visits to other kecamatan nearby before the own kecamatan's, when that one is weeks away."""
    if (own.tanggal - turn.now.date()).days <= FAR_DAYS:
        return []
    return _nearby_before(turn, kecamatan, own)


def _nearby_before(turn: Turn, kecamatan: str, own) -> list:
    """Visits to other kecamatan within NEAR_KM before `own`: the soonest and the nearest (flows.places)."""
    return nearby_visits(turn.facts, kecamatan, before=own.tanggal, exclude={own.id}, limit=NEARBY_OFFERED)


def _planned(turn: Turn, kecamatan: str | None, limit: int) -> list:
    return [v for v in turn.facts.next_visits(kecamatan, limit=limit) if v.status == "planned"]


def visits_in_words(turn: Turn, offered: Sequence[Any]) -> list | None:
    """The visits an answer names by place or date ("yang di purwodadi aja", "yg tgl 22 aja", "sing minggu
    ngarep", "ingkang tanggal 9 Desember"), offered ones first; None when it names neither. A kecamatan not
    offered names its next visit; a date is looked for among the offered, then every planned visit. An
    empty list: a date no visit has. Such answers were read as a new schedule question, and the
    registration was dropped."""
    if turn.choice is not None:
        return None
    named = turn.entities.get("kecamatan")
    offered = list(offered)
    seen = {o.id for o in offered}
    pool = [*offered, *(v for v in _planned(turn, None, 30) if v.id not in seen)]
    by_date = dates.dated(turn.text, pool, turn.now.date())
    if named:
        at = [v for v in offered if v.kecamatan == named] or _planned(turn, named, 3)
        if by_date:
            at = [v for v in at if v in by_date] or at
        return at[:1] if at else None
    if by_date is None:
        return None
    mine = [v for v in by_date if v in offered]
    return mine or by_date


def _named_visit(turn: Turn, visits: Sequence[Any]) -> int | None:
    """An offered visit named by its kecamatan or date amid other words ("adoh kabeh, sing beji wae", "kejayan
    gpp biar cepet", "sing tgl 9 wae"): that one, when exactly one offered visit is named."""
    named = visits_in_words(turn, visits) or []
    at = [j for j, v in enumerate(visits) if v in named]
    return at[0] if len(at) == 1 and len(named) == 1 else None


def _other_visit_named(turn: Turn, offered: Sequence[Any]) -> Step | None:
    """Words naming a visit other than the one(s) offered: a choice goes on with it ("yang di puspo aja"),
    a question or a bare name shows its card to register for ("kalau gempol kapan?"), several are offered as a
    list, a date without a visit says so with the list. "aku wong gempol" is where the person lives: read as
    the kecamatan answer (its visit offered), never taken as a visit pick."""
    if says_home(turn.text) and turn.entities.get("kecamatan"):
        return _kecamatan_chosen(turn, turn.entities["kecamatan"])
    named = visits_in_words(turn, offered)
    if named is None:
        return None
    slots = {k: v for k, v in turn.slots.items() if k not in ("visit_km", "with_other")}
    if not named:
        return _pick_other(turn, slots, lead=say("layanan.no_visit_on_date"))
    if len(named) > 1:
        return Step([say("layanan.pick_visit", options=[_visit_label(v) for v in named])], S.PICK_OTHER_VISIT,
                    {**slots, "visit_ids": [v.id for v in named]})
    v = named[0]
    if dates.asks_when(turn.text) or len(answers.words(turn.text)) < 2:
        return Step([say("layanan.next_visit_here", kecamatan=v.kecamatan, tanggal=v.tanggal_text, jam=v.jam_text,
                         lokasi=v.lokasi, options=VISIT.labels())], S.CHOOSE_VISIT,
                    {**slots, "visit_id": v.id, "kecamatan": v.kecamatan})
    return _prepend(say("layanan.visit_chosen", kecamatan=v.kecamatan, tanggal=v.tanggal_text, jam=v.jam_text,
                        lokasi=v.lokasi),
                    _after_visit(turn, {**slots, "visit_id": v.id, "kecamatan": v.kecamatan}))


def choose_visit(turn: Turn) -> Step:
    offered = [v for v in [turn.facts.visit(turn.slots["visit_id"])] if v] if turn.slots.get("visit_id") else []
    if offered and _asks_sooner_than(turn, offered[0].kecamatan):
        # "sing cedhak tosari tapi luwih ndisik ono ra?": the sooner visits nearby, never the same card again.
        return _sooner_offer(turn, offered[0])
    named = visits_in_words(turn, offered)
    if named and len(named) == 1 and named[0] in offered and not dates.asks_when(turn.text):
        return _after_visit(turn, dict(turn.slots))  # "sing minggu ngarep wae" names the visit offered
    if named is not None and not (named and named[0] in offered):
        return _other_visit_named(turn, offered)
    answer = turn.pick(VISIT)
    if answer is None and other_visit_wish(turn.text):
        answer = "other"  # "ubah tgl", "ganti hari", "yg lbh cpt dmn?": the date choice
    if answer == "register":
        return _after_visit(turn, dict(turn.slots))
    if answer == "other":
        return _pick_other(turn, dict(turn.slots))
    return unhandled(say("common.choose_again", options=VISIT.labels()), state=S.CHOOSE_VISIT)


def _asks_sooner_than(turn: Turn, kecamatan: str | None) -> bool:
    """A wish for a sooner visit that names no other kecamatan than `kecamatan` ("sing cedhak tosari tapi luwih
    ndisik?"); "sing nang lumbang ae, luwih cepet" names its pick."""
    if turn.choice is not None or other_visit_wish(turn.text) != "sooner":
        return False
    named = kecamatan_named(turn)
    return all(k == kecamatan for k in named)


def _sooner_offer(turn: Turn, own) -> Step:
    """Visits nearby before `own` (distance between kecamatan offices), own included to keep; none: said, and
    every next visit listed."""
    near = _nearby_before(turn, own.kecamatan, own)
    slots = {**turn.slots, "home_kecamatan": turn.slots.get("home_kecamatan") or own.kecamatan}
    if not near:
        return _pick_other(turn, slots, lead=say("jadwal.none_sooner", kecamatan=own.kecamatan, tanggal=own.tanggal_text))
    slots = {**slots, "visit_ids": [n.visit.id for n in near] + [own.id],
             "visit_km": {str(n.visit.id): n.km for n in near}, "with_other": True}
    return Step([say("layanan.sooner_nearby", kecamatan=own.kecamatan, tanggal=own.tanggal_text,
                     options=_visit_labels(turn, slots))], S.PICK_OTHER_VISIT, slots)


def _after_visit(turn: Turn, slots: dict[str, Any]) -> Step:
    if slots.pop("editing", None):
        return _confirm(turn, slots)
    return _ask_name(turn, slots)


def _pick_other(turn: Turn, slots: dict[str, Any], lead: Say | None = None) -> Step:
    visits = [v for v in turn.facts.next_visits(None, limit=8) if v.status == "planned"][:5]
    if not visits:
        return Step([*([lead] if lead else []), say("layanan.no_visits_at_all")], None)
    slots = {k: v for k, v in slots.items() if k not in ("visit_km", "with_other")}
    slots["visit_ids"] = [v.id for v in visits]
    return Step([*([lead] if lead else []), say("layanan.pick_visit", options=_visit_labels(turn, slots))],
                S.PICK_OTHER_VISIT, slots)


def _visits_offered(turn: Turn, slots) -> list:
    return [v for v in (turn.facts.visit(i) for i in slots.get("visit_ids") or []) if v]


def _visit_label(v) -> Say:
    return say("layanan.visit_option", kecamatan=v.kecamatan, tanggal=v.tanggal_text)


def _visit_labels(turn: Turn, slots) -> list[Say]:
    km = slots.get("visit_km") or {}
    home = slots.get("home_kecamatan")
    labels = []
    for v in _visits_offered(turn, slots):
        if str(v.id) in km:
            labels.append(say("layanan.visit_option_km", kecamatan=v.kecamatan, tanggal=v.tanggal_text, km=km[str(v.id)]))
        elif km and v.kecamatan == home and not slots.get("outside_home"):  # a Kota Pasuruan resident has none here
            labels.append(say("layanan.visit_option_home", kecamatan=v.kecamatan, tanggal=v.tanggal_text))
        else:
            labels.append(_visit_label(v))
    if slots.get("with_other"):
        labels.append(say("opt.other_date"))
    return labels


def pick_other_visit(turn: Turn) -> Step:
    back = _back_to_summary(turn, "layanan.visit_kept")
    if back is not None:
        return back
    visits = _visits_offered(turn, turn.slots)
    options = _visit_labels(turn, turn.slots)
    if _asks_sooner_than(turn, turn.slots.get("home_kecamatan")):
        # "sing cedhak pandaan tapi luwih ndisik?" names the home, but asks for sooner: never taken as a pick.
        if turn.slots.get("with_other"):
            return _pick_other(turn, dict(turn.slots))
        own = next((v for v in visits if v.kecamatan == turn.slots.get("home_kecamatan")), visits[0] if visits else None)
        if own is not None:
            return _sooner_offer(turn, own)
    i = turn.pick_index(options)
    if i is None:
        i = _named_visit(turn, visits)
    if i is None:
        other = _other_visit_named(turn, visits)
        if other is not None:
            return other
        if other_visit_wish(turn.text) and turn.slots.get("with_other"):
            return _pick_other(turn, dict(turn.slots))  # "yg lbh cpt dmn?" at the nearby list: every next visit
        return unhandled(say("common.choose_again", options=options), state=S.PICK_OTHER_VISIT)
    if i >= len(visits):  # "Pilih tanggal lain"
        return _pick_other(turn, dict(turn.slots))
    visit = visits[i]
    slots = {k: v for k, v in turn.slots.items() if k not in ("visit_km", "with_other")}
    return _after_visit(turn, {**slots, "visit_id": visit.id, "kecamatan": visit.kecamatan})


def _who(slots: Mapping[str, Any]) -> Say:
    return say(f"relasi.{slots['relasi']}") if slots.get("relasi") else say("relasi.anda")


def _for_child(slots: Mapping[str, Any]) -> bool:
    return slots.get("layanan") in KIA and slots.get("relasi") is None


def _ask_name(turn: Turn, slots: dict[str, Any]) -> Step:
    # A name said in the first message is offered, not taken: one "1" confirms it.
    if _for_child(slots):
        slots = {**slots, "relasi": "anak"}  # KIA is a child's card: the child's name is asked
    slots = {k: v for k, v in slots.items() if k != "name_offer"}
    if slots.get("relasi"):
        offer = slots.get("stated_name")
        if offer:
            return Step([say("layanan.ask_name_offer", name=offer)], S.ASK_NAME, {**slots, "name_offer": offer})
        return Step([say("layanan.ask_name_for", who=_who(slots))], S.ASK_NAME, slots)
    offer = slots.get("stated_name") or turn.resident.name or turn.resident.profile_name
    if offer:
        return Step([say("layanan.ask_name_offer", name=offer)], S.ASK_NAME, {**slots, "name_offer": offer})
    return Step([say("layanan.ask_name")], S.ASK_NAME, slots)


def ask_name(turn: Turn) -> Step:
    """The person's name, taken out of the sentence it came in; who it is for and their age too."""
    back = _back_to_summary(turn, "layanan.nothing_changed", strict=True)
    if back is not None:
        return back
    offered = bool(turn.slots.get("name_offer")) and (turn.choice == 1 or turn.yes())
    slots = dict(turn.slots)
    lead: list[Say] = []
    if offered:
        name = slots["name_offer"]
    else:
        text, nik = strip_nik(turn.text.strip())
        if nik:
            slots["nik_masked"] = nik
            lead.append(say("layanan.nik_not_needed"))
        if turn.choice is not None:
            return unhandled(*lead, say("layanan.name_invalid"), state=S.ASK_NAME)
        answer = read_person(text)
        if answer.name is None and answer.relation is None and not answer.self_ and answer.age is None:
            switched = _service_switched(turn, S.ASK_NAME, anywhere=True)
            if switched is not None:
                return switched
            home = desa_named(turn.entities)
            if home is not None:
                # "kula saking ngadirejo tutur" at the name question: the desa is kept (not asked later), the
                # name asked again.
                slots.update(desa=home[0], desa_kecamatan=home[1])
                return _prepend_all([*lead, say("layanan.desa_noted", desa=home[0], kecamatan=home[1])],
                                    _ask_name(turn, slots))
            if slots.get("name_offer") and answers.yes_no(text) is False:
                # "Nama sesuai KK? 1. Sumarti" → "ga": not that name; asked plainly, "ga" never stored.
                return Step([*lead, say("layanan.ask_name_typed")], S.ASK_NAME,
                            {k: v for k, v in slots.items() if k != "name_offer"})
        if answer.relation and answer.relation != slots.get("relasi"):
            slots["relasi"] = answer.relation
            slots.pop("name_offer", None)  # the offer was the resident's own name
        elif answer.self_ and slots.get("relasi") and not _for_child(slots):
            slots["relasi"] = None  # cleared (slots merge over the conversation's: a dropped key would come back)
            slots["stated_name"] = None
        if answer.age is not None:
            slots["umur"] = answer.age
        if answer.holder and answer.relation:
            slots["holder_nama"] = answer.holder  # "kula Slamet, badhe ndaftaraken bapak kula": the holder's own
        name = answer.name
        if name and (answer.other_name or answer.other_relation):
            # "Parmin kaliyan garwa kula Tumini": Parmin now; Tumini's own registration follows (never dropped).
            slots["also_nama"], slots["also_relasi"] = answer.other_name, answer.other_relation
            lead.append(say("layanan.one_person_each", name=name, other=_other_person(answer.other_name,
                                                                                  answer.other_relation)))
        if name is None:
            if answer.self_ and not slots.get("relasi"):
                return _prepend_all(lead, _ask_name(turn, slots))
            if answer.relation or answer.age is not None:
                # "bapak saya umur 72 tahun": who it is for, not yet the name.
                return Step([*lead, say("layanan.ask_name_for", who=_who(slots))], S.ASK_NAME,
                            {k: v for k, v in slots.items() if k != "name_offer"})
            return unhandled(*lead, say("layanan.name_invalid"), state=S.ASK_NAME)
    slots["nama"] = name[:120]
    lead.extend(_age_rules(slots))
    if slots.pop("editing", None):
        return _prepend_all(lead, _confirm(turn, slots))
    if slots.get("desa"):  # named in the first message (start)
        return _prepend_all([*lead, say("layanan.desa_from_message", desa=slots["desa"],
                                        kecamatan=slots["desa_kecamatan"])], _ask_note(turn, slots))
    return _prepend_all(lead, _ask_desa(turn, slots))


def _other_person(name: str | None, relation: str | None) -> Say:
    who = say(f"relasi.{relation}") if relation else None
    if name:
        return say("layanan.other_person_named", name=name, who=who) if who else say("layanan.other_person_named_bare",
                                                                                     name=name)
    return say("layanan.other_person_unnamed", who=who)


# Said beside another service mid-way: "ganti, daftar bansos pkh wae", "salah, maksudku KK", "sanes KTP, KIA mawon".
_CHANGE_WORDS = re.compile(
    r"(?<![\w'])(?:ganti|gantos|gentos|ganteh|salah|sala|lepat|keliru|sanes|bukan|bkn|dudu|maksud\w*|karepku|"
    r"malah|(?:gak|ga|ora|mboten|tak|nggak)\s+(?:jadi|sido|sios|dhaddhi))(?![\w'])", re.IGNORECASE)


def _service_switched(turn: Turn, state: str, *, anywhere: bool = False) -> Step | None:
    """Another service named mid-way (with a word of change, or `anywhere` at a question no service name
    answers): the registration goes on with it, the answers so far kept, the same question asked again."""
    if turn.choice is not None or not (anywhere or _CHANGE_WORDS.search(turn.text)):
        return None
    key = turn.nlu.match_layanan(without_negated_places(turn.text))
    if key is None or key == turn.slots.get("layanan") or turn.facts.layanan(key) is None:
        return None
    lay = turn.facts.layanan(key)
    slots = {k: v for k, v in turn.slots.items() if k not in ("layanan_keys", "layanan_within")}
    slots["layanan"] = key
    replies: list[Say] = [_service_intro(lay), say("layanan.service_changed_midway", layanan=lay.nama_pendek)]
    visit = turn.facts.visit(slots["visit_id"]) if slots.get("visit_id") else None
    if visit is not None and visit.opd and lay.opd.key not in {o.key for o in visit.opd}:
        slots.pop("visit_id", None)
        return _prepend_all(replies, _pick_other(turn, slots, lead=say("layanan.service_not_at_visit",
                                                                       opd=lay.opd.singkatan)))
    if state in (S.CHOOSE_VISIT, S.PICK_OTHER_VISIT, S.ASK_KECAMATAN) or visit is None:
        return _prepend_all(replies, _after_layanan(turn, key, {k: v for k, v in slots.items() if k != "layanan"}))
    replies.extend(_age_rules(slots))
    if state == S.ASK_NAME or not slots.get("nama"):
        return _prepend_all(replies, _ask_name(turn, slots))
    if state == S.ASK_NOTE:
        return Step([*replies, say("layanan.ask_note")], S.ASK_NOTE, slots)
    return _prepend_all(replies, _ask_desa(turn, slots))


def _known_desa(turn: Turn) -> tuple[str, str] | None:
    """The resident's desa already known (an earlier ticket, the kepala desa's link, a pin)."""
    r = turn.resident
    return (r.desa, r.kecamatan) if r.desa and r.kecamatan else None


def _ask_desa(turn: Turn, slots: dict[str, Any]) -> Step:
    known = _known_desa(turn)
    if known:
        return Step([say("layanan.desa_offer", who=_who(slots), desa=known[0], kecamatan=known[1],
                         options=KNOWN_DESA.labels())], S.ASK_DESA, {**slots, "desa_offer": list(known)})
    return Step([_ask_desa_say(slots)], S.ASK_DESA, slots)


def _age_rules(slots: dict[str, Any]) -> list[Say]:
    """Where age and relation decide: KIA is for children under 17, KTP-el from 17 (or married)."""
    age, relation = slots.get("umur"), slots.get("relasi")
    if slots.get("layanan") in KIA and ((age is not None and age >= 17) or relation in ADULT_RELATIONS):
        slots["layanan"] = "ktp" if slots["layanan"] == "kia" else "ktp_ganti"
        return [say("layanan.kia_adult")]
    if slots.get("layanan") == "ktp" and age is not None and age < 17:
        return [say("layanan.ktp_minor")]
    return []


def _ask_desa_say(slots: Mapping[str, Any]) -> Say:
    home = slots.get("home_kecamatan")
    if home:
        return say("layanan.ask_desa", who=_who(slots), kecamatan=home)
    return say("layanan.ask_desa_home", who=_who(slots))


def _desa_in(turn: Turn, kecamatan: str) -> Step:
    return Step([say("layanan.ask_desa_in", kecamatan=kecamatan, names=", ".join(turn.nlu.desa_in(kecamatan)))],
                S.ASK_DESA, {**{k: v for k, v in turn.slots.items() if k != "desa_options"},
                             "home_kecamatan": kecamatan})


def ask_desa(turn: Turn) -> Step:
    back = _back_to_summary(turn, "layanan.nothing_changed", strict=True)
    if back is not None:
        return back
    offer = turn.slots.get("desa_offer")
    if offer:
        answer = turn.pick(KNOWN_DESA)
        slots = {k: v for k, v in turn.slots.items() if k != "desa_offer"}
        if answer == "yes":
            return _ask_note(turn, {**slots, "desa": offer[0], "desa_kecamatan": offer[1]})
        if answer == "other":
            return Step([_ask_desa_say(slots)], S.ASK_DESA, slots)
        turn = replace(turn, slots=slots)  # another desa typed instead: read it
    visit = turn.facts.visit(turn.slots["visit_id"]) if turn.slots.get("visit_id") else None
    prefer = [turn.slots.get("home_kecamatan"), visit.kecamatan if visit else turn.slots.get("kecamatan")]
    return home_desa_answer(turn, prefer=prefer, choose_state=S.CHOOSE_DESA, retry_state=S.ASK_DESA,
                            then=_ask_note, ask_in=_desa_in)


def _ask_note(turn: Turn, slots: dict[str, Any]) -> Step:
    if slots.pop("editing", None):
        return _confirm(turn, slots)
    return Step([say("layanan.ask_note")], S.ASK_NOTE, slots)


def ask_note(turn: Turn) -> Step:
    back = _back_to_summary(turn, "layanan.nothing_changed", strict=True)
    if back is not None:
        return back
    slots = {k: v for k, v in turn.slots.items() if k != "editing"}
    lead = []
    if turn.choice == 1 or turn.skipped() or answers.is_affirmation(turn.text):
        slots["catatan"] = None  # "iyo wis bener", "nggih leres": agreeing, nothing to add (never stored)
    else:
        note, nik = strip_nik(turn.text.strip())
        slots["catatan"] = note[:500] or None
        if nik:
            slots["nik_masked"] = nik
            lead.append(say("layanan.nik_not_needed"))
    return _prepend_all(lead, _confirm(turn, slots))


def _confirm(turn: Turn, slots: dict[str, Any]) -> Step:
    lay = turn.facts.layanan(slots["layanan"])
    visit = turn.facts.visit(slots["visit_id"])
    untuk = say("layanan.untuk", who=_who(slots)) if slots.get("relasi") else ""
    return Step([say("layanan.confirm", layanan=lay.nama_pendek, opd=lay.opd.singkatan, nama=slots["nama"],
                     untuk=untuk, desa=slots["desa"], kecamatan=slots["desa_kecamatan"],
                     visit_kecamatan=visit.kecamatan, tanggal=visit.tanggal_text,
                     lokasi=visit.lokasi, catatan=slots.get("catatan") or "-",
                     options=CONFIRM.labels())],
                S.CONFIRM, {**slots, "editing": None, "undo_visit": None})  # merged over the conversation's: cleared


def registered(facts: Facts, slots: Mapping[str, Any]) -> Step:
    """The ticket is created and the resident told the code, what to bring and whom to contact.
    Shared by the WhatsApp flow and the Rasa action."""
    lay = facts.layanan(slots["layanan"])
    visit = facts.visit(slots["visit_id"])
    contact = facts.petugas_contact(lay.opd.key)
    opd = lay.opd.singkatan
    contact_line = (say("layanan.contact" if contact.phone_text else "layanan.contact_no_phone", name=contact.name, opd=opd,
                        phone=contact.phone_text)
                    if contact else say("layanan.contact_helpdesk", opd=opd))
    also = ([say("layanan.also_next_service", other=_also_other(facts, slots), command=_also_command(facts, slots))]
            if slots.get("also_layanan") else
            [say("layanan.also_next", other=_other_person(slots.get("also_nama"), slots.get("also_relasi")))]
            if slots.get("also_nama") or slots.get("also_relasi") else [])
    return Step(
        [say("layanan.created", opd=opd, syarat=requirement_lines(lay),
             tanggal=visit.tanggal_text, jam=visit.jam_text, lokasi=visit.lokasi, contact=contact_line), *also],
        None,
        effects=[CreateTicket(layanan=lay.key, visit_id=visit.id, nama=slots["nama"], desa=slots["desa"],
                              desa_kecamatan=slots["desa_kecamatan"], catatan=slots.get("catatan"),
                              nik_masked=slots.get("nik_masked"), staff_id=contact.staff_id if contact else None,
                              relasi=slots.get("relasi"),
                              holder_nama=slots.get("holder_nama") if slots.get("relasi") else None,
                              holder_outside=bool(slots.get("outside_home")))],
    )


def _corrected_person(turn: Turn) -> Step | None:
    """At the summary, "lho sanes putu kula, kula piyambak" / "bukan buat anakku, aku dewe" / "untuk ibu saya":
    the person the ticket is for changes, and their name is asked again (the resident's own offered)."""
    if turn.choice is not None:
        return None
    who = read_person(turn.text)
    # (Slots are merged over the conversation's: a key is cleared with None, not dropped.)
    slots = {**turn.slots, "nama": None, "stated_name": None}
    if who.self_ and who.relation is None and turn.slots.get("relasi"):
        return _ask_name(turn, {**slots, "relasi": None, "editing": True})
    if who.relation and who.relation != turn.slots.get("relasi") and who.name is None:
        return _ask_name(turn, {**slots, "relasi": who.relation, "editing": True})
    if who.relation and who.name:
        return _confirm(turn, {**turn.slots, "relasi": who.relation, "nama": who.name[:120]})
    return None


def _service_named_instead(turn: Turn) -> str | None:
    """At the summary, another service named ("salah, maksudku KK", "sanes KTP, KIA", "bukan ktp tapi akta",
    "KK"): its key; the service said not to be it is left out first. None when none other is named."""
    if turn.choice is not None or turn.pick(CONFIRM) == "register":
        return None
    key = turn.nlu.match_layanan(without_negated_places(turn.text))
    if key is None or key == turn.slots.get("layanan") or turn.facts.layanan(key) is None:
        return None
    return key


def _service_changed(turn: Turn, slots: dict[str, Any]) -> Step:
    """The service changed at the summary: the other answers are kept where they still apply — the name
    (a KIA is a child's: for the resident themself the child's name is asked), the desa, the note, and the
    visit when that dinas has a stand there (else another date is asked)."""
    slots = {k: v for k, v in slots.items() if k not in ("editing", "layanan_keys", "layanan_within")}
    lay = turn.facts.layanan(slots["layanan"])
    replies: list[Say] = [_service_intro(lay), say("layanan.service_changed", layanan=lay.nama_pendek)]
    if _for_child(slots):
        return _prepend_all(replies, _ask_name(turn, {**slots, "nama": None, "editing": True}))
    replies.extend(_age_rules(slots))
    visit = turn.facts.visit(slots["visit_id"])
    if visit is None or visit.status != "planned" or (visit.opd and lay.opd.key not in {o.key for o in visit.opd}):
        return _prepend_all(replies, _pick_other(turn, {**slots, "editing": True},
                                                 lead=say("layanan.service_not_at_visit", opd=lay.opd.singkatan)))
    return _prepend_all(replies, _confirm(turn, slots))


def confirm(turn: Turn) -> Step:
    renamed = rename_in(turn.text)  # "ubah nama Raka", "ubah nama, jenenge Raka tok": in one step
    if renamed is not None and renamed.name:
        return _confirm(turn, {**turn.slots, "nama": renamed.name[:120]})
    undone = _date_change_undone(turn)
    if undone is not None:
        return undone
    if turn.choice is None and says_name_wrong(turn.text):
        # "namanya salah, buat KK …" without the right name: the name is asked (a service word said beside it
        # is the reason, never a change of service).
        return _change(turn, "nama")
    yes_then = answers.opens_with_yes(turn.text) if turn.choice is None else None
    if yes_then is not None:
        said = read_person(yes_then)
        if said.relation and said.name is None and not says_name_wrong(yes_then) and not _CHANGE_WORDS.search(yes_then):
            # "Nggih, daftaraken kagem garwa kula", "iyo, daftarno kanggo bojoku": a yes, and whom it is for (the
            # name stands): registered with the relation, never renamed to the verb.
            return _register(replace(turn, slots={**turn.slots, "relasi": said.relation}))
        if refuses_reminders(yes_then) and not _CHANGE_WORDS.search(yes_then):
            # "nggih, nanging mboten usah dipun engetaken": a yes that only declines reminders registers (only).
            return _register(replace(turn, slots={**turn.slots, "then_remind": None}))
    corrected = _corrected_person(turn)
    if corrected is not None:
        return corrected
    instead = _service_named_instead(turn)
    if instead is not None:
        return _service_changed(turn, {**turn.slots, "layanan": instead})
    # "ta' usa", "mboten usah", "ora usah" at the summary: the resident drops it (a bare "gak" asks what to change).
    answer = "cancel" if answers.is_never_mind(turn.text) else turn.pick(CONFIRM)
    if answer is None and _yes_and_more(turn) is not None:
        answer = "register"  # "ya daftarin + ingetin sekalian": the registration is done, then the extra
    if answer == "register" and asks_reminder(turn.text):
        turn = replace(turn, slots={**turn.slots, "then_remind": True})
    if answer == "register":
        return _register(turn)
    if answer == "cancel":
        return Step(switch_to="menu", replies=[say("menu.cancelled")])
    what = turn.pick(CHANGE) if turn.choice is None else None  # "ubah nama" names what to change at once
    if what is None and turn.choice is None and (other_visit_wish(turn.text) or _DATE_CHANGE.search(turn.text)
                                                 or _names_a_date(turn)):
        # "ubah tgl", "ganti hari", "sing luwih gasik", "tanggal e diganti", "tgl 23 aja": the date, in one step
        what = "jadwal"
    if answer == "change" or what is not None:
        return _change(turn, what) if what else Step([say("layanan.change_what", options=CHANGE.labels())],
                                                     S.CHANGE_WHAT, {**turn.slots, "editing": True})
    return unhandled(say("common.choose_again", options=CONFIRM.labels()), state=S.CONFIRM)


def _date_change_undone(turn: Turn) -> Step | None:
    """Right after a date changed in one step from words ("tgl 23 aja"), a no ("gk", "gak jadi", "tetep"): the
    words were misread or the resident changed their mind — the earlier visit is put back, the rest kept."""
    earlier = turn.facts.visit(turn.slots["undo_visit"]) if turn.slots.get("undo_visit") else None
    if earlier is None or earlier.status != "planned" or turn.choice is not None:
        return None
    if not (answers.yes_no(turn.text) is False or _KEEP.search(turn.text) or answers.leaves_a_change(turn.text)):
        return None
    return _prepend(say("layanan.visit_restored", kecamatan=earlier.kecamatan, tanggal=earlier.tanggal_text),
                    _confirm(turn, {**turn.slots, "visit_id": earlier.id, "kecamatan": earlier.kecamatan}))


def _register(turn: Turn) -> Step:
    done = registered(turn.facts, turn.slots)
    if turn.slots.get("then_remind"):  # asked too: the reminders of the visit's kecamatan
        visit = turn.facts.visit(turn.slots["visit_id"])
        return Step(done.replies, None, {"kecamatan": visit.kecamatan}, done.effects, switch_to="langganan")
    return done


def _names_a_date(turn: Turn) -> bool:
    """A date said at the summary ("tgl 23 aja", "sing tanggal 30 wae", "ingkang 6 Januari"): the visit is changed
    (it was read as a new schedule question, and the registration was lost)."""
    if turn.entities.get("kecamatan") or answers.is_question(turn.text):
        return False
    return dates.dated(turn.text, _planned(turn, None, 30), turn.now.date()) is not None


# Between a yes and what else is asked: "ya daftarin + ingetin sekalian", "iyo daftarno, sekalian kabari aku",
# "nggih dipun daftaraken lan dipun engetaken".
_AND_MORE = re.compile(r"\s*(?:[+&,;]+|\b(?:dan|lan|karo|kaliyan|sareng|terus|trus|sekalian|sekalin|sisan|pisan|juga|jg|"
                       r"ugi|uga|ban|bân|plus)\b)\s*", re.IGNORECASE)


_BUT = re.compile(r"^\W*(?:tapi|tp|tpi|tapeh|tape|nanging|namung|namun|cuma|cuman|kecuali)\b", re.IGNORECASE)


def _yes_and_more(turn: Turn) -> str | None:
    """What follows a clear yes at the summary ("ingetin sekalian"), or None when the message is no such yes."""
    if turn.choice is not None:
        return None
    for m in _AND_MORE.finditer(turn.text or ""):
        head, rest = turn.text[:m.start()].strip(), turn.text[m.end():].strip()
        if _CHANGE_WORDS.search(rest) or (_BUT.match(rest) and not refuses_reminders(rest)):
            return None  # "iya, tapi nanti ganti namanya dulu": a yes with a change is no plain yes
        # "ya daftarkan, tapi gak usah diingatkan": a yes that only refuses the reminders registers (only)
        if head and answers.words(rest) and replace(turn, text=head).pick(CONFIRM) == "register":
            return rest
    return None


# "tanggal e diganti", "jadwale diubah", "dinten sanes mawon": the visit changed at the summary.
_DATE_CHANGE = re.compile(
    r"(?<![\w'])(?:tanggal|tgl|tangal|jadwal|dinten|dina|dino|hari|ari|bulan|wulan)\w{0,5}\s+(?:e\s+|ne\s+)?"
    r"(?:di)?(?:ganti|gantos|ganteh|ubah|rubah|owah|undur|pindah|geser|majukan|ajukan|mundur)\w*", re.IGNORECASE)


def _back_to_summary(turn: Turn, lead: str, *, strict: bool = False) -> Step | None:
    """While one answer is being changed at the summary, a no or a never-mind ("gak", "ora sido", "tetap
    aja") keeps everything as it was and shows the summary again: a finished registration is never lost.
    `strict` (a name or a note is asked, where "gak"/"gak ada" may be the answer): only "gak jadi", "batal",
    "tetap"."""
    if not turn.slots.get("editing") or turn.choice is not None or not turn.slots.get("nama"):
        return None
    loose = not strict and (answers.yes_no(turn.text) is False or answers.is_never_mind(turn.text))
    if loose or _KEEP.search(turn.text) or answers.leaves_a_change(turn.text):
        return _prepend(say(lead), _confirm(turn, {k: v for k, v in turn.slots.items() if k != "editing"}))
    return None


_KEEP = re.compile(r"^\W*(?:tetap|tetep|tetap\s+saja|tetep\s+ae|tetep\s+wae|sami\s+mawon|podo\s+wae|gak\s+sido|ora\s+sido|"
                   r"mboten\s+sios|ga\s+jadi|gak\s+jadi|nggak\s+jadi|tak\s+dhaddhi|yang\s+tadi\s+aja|sing\s+mau\s+wae)\b",
                   re.IGNORECASE)


def change_what(turn: Turn) -> Step:
    back = _back_to_summary(turn, "layanan.nothing_changed")
    if back is not None:
        return back
    what = turn.pick(CHANGE) or ("jadwal" if turn.choice is None and other_visit_wish(turn.text) else None)
    if what is None:
        return unhandled(say("common.choose_again", options=CHANGE.labels()), state=S.CHANGE_WHAT)
    return _change(turn, what)


def _change(turn: Turn, what: str) -> Step:
    """Ask only the one thing again, then come back to the summary."""
    slots = {**turn.slots, "editing": True}
    if what == "nama":
        return _ask_name(turn, slots)
    if what == "desa":
        slots.pop("desa_options", None)
        return Step([_ask_desa_say(slots)], S.ASK_DESA, slots)
    if what == "catatan":
        slots.pop("editing")
        return Step([say("layanan.ask_note")], S.ASK_NOTE, slots)
    if what == "layanan":  # "ganti layanan": the list; the other answers are kept (_service_changed)
        return _ask_layanan(turn, slots)
    # "tanggal e diganti sing minggu ngarep", "ganti sing tgl 20": the visits the words name; else the list.
    current = turn.facts.visit(slots["visit_id"]) if slots.get("visit_id") else None
    words = visits_in_words(turn, []) if turn.choice is None else None
    if words == []:
        return _pick_other(turn, slots, lead=say("layanan.no_visit_on_date"))
    named = [v for v in (words or []) if current is None or v.id != current.id]
    if len(named) == 1:
        v = named[0]
        step = _prepend(say("layanan.visit_chosen", kecamatan=v.kecamatan, tanggal=v.tanggal_text, jam=v.jam_text,
                            lokasi=v.lokasi),
                        _after_visit(turn, {**slots, "visit_id": v.id, "kecamatan": v.kecamatan}))
        if current is not None and step.next_state == S.CONFIRM:
            # changed in one step from words: a no right after ("gk", "gak jadi") puts the earlier date back
            step = replace(step, slots={**step.slots, "undo_visit": current.id})
        return step
    if named:
        return Step([say("layanan.pick_visit", options=[_visit_label(v) for v in named[:MOVE_LISTED]])],
                    S.PICK_OTHER_VISIT, {**slots, "visit_ids": [v.id for v in named[:MOVE_LISTED]]})
    return _pick_other(turn, slots)


# "nggih, daftaraken kula", "daftarno aku ae", "daftarkan saya", "daftarin ibu saya": a registration asked
# for (the recogniser read them as a greeting, a reminder or a status check).
_REGISTER_ME = re.compile(r"\b(?:daftar|ndaftar|daptar|ndaptar)(?:aken|ake|kan|kno|no|ne|in|ken)\s+(?:kula|kulo|saya|sy|aku|kaule|"
                          r"engkok|dalem)\b", re.IGNORECASE)


# Registering someone, in any register: "mendaftarkan suami saya", "ndaftaraken ibu kula", "ndaftarno mbokku",
# "daftarin anakku", "dipun daftaraken", Madurese "daftarragi". With a person named (a relation or the writer) it is a
# registration, whatever else the sentence holds (a kecamatan, "terdaftar", a group the news came from).
_REGISTER_SOMEONE = re.compile(r"\b(?:men|n|di|ng|dipun\s+|tak\s+|kula\s+)?(?:daftar|daptar)(?:aken|ake|kan|kno|no|ne|in|ken|ragi|raghi|agi)\b",
                               re.IGNORECASE)


def registers_someone(text: str) -> bool:
    """The message asks to register a person: the writer ("daftarkan saya") or a relative ("ndaftaraken ibu kula")."""
    text = text or ""
    verb = _REGISTER_SOMEONE.search(text)
    # the person right after the verb is whom it registers ("daftarkan suami", "ndaftarno simbok")
    return bool(_REGISTER_ME.search(text) or (verb and (relation_in(text) or relation_in(f"untuk {text[verb.end():]}"))))


def reads_intent(text: str, intent: str, confidence: float) -> tuple[str, float]:
    if intent != "daftar_layanan" and registers_someone(text) and not asks_reminder(text):
        return "daftar_layanan", max(confidence, 0.8)
    return intent, confidence


FLOW = Flow(
    name="layanan", keywords=("layanan", "daftar layanan"), reads_intent=reads_intent,
    entry_intents=("daftar_layanan",),
    start=start,
    steps={
        S.CHOOSE_LAYANAN: choose_layanan, S.ASK_KECAMATAN: ask_kecamatan, S.CONFIRM_KECAMATAN: confirm_kecamatan,
        S.CHOOSE_VISIT: choose_visit, S.PICK_OTHER_VISIT: pick_other_visit, S.ASK_NAME: ask_name,
        S.ASK_DESA: ask_desa, S.CHOOSE_DESA: ask_desa, S.ASK_NOTE: ask_note, S.CONFIRM: confirm,
        S.CHANGE_WHAT: change_what,
    },
    menu_label="menu.item.layanan",
    asks={S.CHOOSE_VISIT: Ask(VISIT), S.CONFIRM: Ask(CONFIRM), S.CHANGE_WHAT: Ask(CHANGE),
          S.CONFIRM_KECAMATAN: KECAMATAN_CONFIRMATION,
          S.ASK_NAME: Ask(free_text=True, yes=True, short=True), S.ASK_NOTE: Ask(free_text=True, optional=True),
          S.ASK_DESA: Ask(yes=True)},  # "nggih" to "Desa Gerbo? 1. Ya 2. Lain" is an answer, not a closing
    effects=(CreateTicket,),
    switches=("menu", "langganan"),
    typed=("nama", "catatan"),
)
