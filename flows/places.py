"""Asking for a desa/kelurahan: forgiving match, and a numbered choice when the name is ambiguous
(17 village names occur in more than one kecamatan; the kecamatan is confirmed before a desa is fixed)."""

from __future__ import annotations

import math
import re
from typing import Any, Callable, Mapping

from dataclasses import replace

from flows.engine import Ask, Group, Grouped, Say, Step, Turn, choices, say, unhandled

MIN_SCORE = 85  # below this a "match" is more likely another word than a typo of a desa
MARGIN = 8      # candidates this close to the best are offered as choices
YES_NO = choices(("yes", say("opt.yes")), ("no", say("opt.no")), yes="yes", no="no")
# What "Maksudnya Kecamatan …? 1. Ya 2. Bukan" asks, for the flows to declare: without it the policy
# took a typed "Ya" there for a closing word ("Baik 🙏") and the resident stayed stuck.
KECAMATAN_CONFIRMATION = Ask(YES_NO)


# Visits this far between kecamatan offices count as nearby (offered when the own visit is far, or asked for).
NEAR_KM = 30

def desa_candidates(nlu, text: str, kecamatan: str | None) -> list[tuple[str, str]]:
    """(desa, kecamatan) pairs the text may mean, best first; more than one means: ask."""
    matches = [m for m in nlu.match_desa(text, kecamatan=kecamatan) if m.score >= MIN_SCORE]
    if not matches:
        return []
    best = matches[0].score
    return [(m.name, m.kecamatan) for m in matches if m.score >= best - MARGIN][:6]


def desa_answer(
    turn: Turn,
    *,
    kecamatan: str | None,
    choose_state: str,
    retry_state: str,
    then: Callable[[Turn, dict[str, Any]], Step],
) -> Step:
    options: list[list[str]] = turn.slots.get("desa_options") or []
    if options:
        labels = _option_labels([tuple(o) for o in options])
        i = turn.pick_index(labels)
        if i is not None:
            desa, kec = options[i]
            return then(turn, _fixed(turn.slots, desa, kec))
        if turn.choice is not None:
            return unhandled(say("common.choose_again", options=labels), state=choose_state)
    if turn.location is not None and not turn.text.strip():
        # A pin (📎 → Lokasi) at the desa question: the desa it falls in (nearest desa centre).
        found = turn.facts.nearest_desa(*turn.location)
        if found is not None and kecamatan in (None, found.kecamatan):
            # The pin is where the matter is: kept with it (a proposal carries it as its location).
            lat, lng = turn.location
            return then(turn, {**_fixed(turn.slots, found.nama, found.kecamatan), "lat": lat, "lng": lng})
    if turn.skipped():  # "mboten wonten", "ndak onok": the desa is needed here, not left out
        return unhandled(say("places.desa_needed"), state=retry_state)
    candidates = desa_candidates(turn.nlu, turn.text, kecamatan)
    if not candidates:
        return unhandled(desa_not_found(turn.nlu, kecamatan), state=retry_state)
    return _one_or_ask(turn, candidates, then, choose_state)


def _one_or_ask(turn: Turn, candidates: list[tuple[str, str]], then: Callable[[Turn, dict[str, Any]], Step],
                choose_state: str) -> Step:
    """One desa found: taken; several: which one?"""
    if len(candidates) == 1:
        desa, kec = candidates[0]
        return then(turn, _fixed(turn.slots, desa, kec))
    return Step([which_desa(candidates)], choose_state, {**turn.slots, "desa_options": [list(c) for c in candidates]})


def desa_not_found(nlu, kecamatan: str | None, key: str = "places.desa_not_found_in") -> Say:
    """No such desa: in a known kecamatan ("saya lupa nama desanya"), its own list to pick from."""
    if kecamatan:
        return say(key, kecamatan=kecamatan, names=", ".join(nlu.desa_in(kecamatan)))
    return say("places.desa_not_found")


def _option_labels(candidates: list[tuple[str, str]]) -> list[Say]:
    return [say("places.desa_option", desa=d, kecamatan=k) for d, k in candidates]


def which_desa(candidates: list[tuple[str, str]]) -> Say:
    choices = _option_labels(candidates)
    if len({d for d, _ in candidates}) == 1:
        return say("places.desa_in_many", desa=candidates[0][0], options=choices)
    return say("places.desa_which", options=choices)


def desa_named(entities: Mapping[str, Any]) -> tuple[str, str] | None:
    """The (desa, kecamatan) a message named beyond doubt, else None: a desa whose name occurs in one
    kecamatan only, or in the kecamatan named with it ("Desa Ngerong, Kecamatan Gempol"). A name
    shared by several kecamatan with none named, or a kecamatan that has no such desa, is asked."""
    desa, kecamatan = entities.get("desa"), entities.get("kecamatan")
    where = list(entities.get("desa_kecamatan") or [])
    if not desa:
        return None
    if kecamatan:
        return (desa, kecamatan) if kecamatan in where else None
    return (desa, where[0]) if len(where) == 1 else None


def _fixed(slots: Mapping[str, Any], desa: str, kecamatan: str) -> dict[str, Any]:
    fixed = {k: v for k, v in slots.items() if k != "desa_options"}
    fixed.update(desa=desa, desa_kecamatan=kecamatan)
    return fixed


# The 24 kecamatan in eight areas, for the kecamatan question as a WhatsApp list (≤ 10 items) of areas
# first, then the area's kecamatan. Grouped by the kecamatan centres of storage/reference/pasuruan_kecamatan.csv
# (cahyadsn/wilayah_boundaries, MIT): each kecamatan is nearer its own area's centre than any other's
# (tests/flows/test_grouped_questions.py checks it). Not an official division of the regency: none
# could be confirmed offline (the RTRW's development areas were not at hand), so the names say where.
AREAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Barat laut", ("Gempol", "Beji", "Bangil")),
    ("Barat", ("Pandaan", "Prigen", "Sukorejo")),
    ("Barat daya", ("Purwosari", "Purwodadi")),
    ("Utara", ("Rembang", "Kraton", "Pohjentrek")),
    ("Tengah", ("Wonorejo", "Kejayan", "Pasrepan")),
    ("Timur", ("Gondangwetan", "Rejoso", "Winongan")),
    ("Pesisir timur", ("Grati", "Lekok", "Nguling")),
    ("Pegunungan selatan", ("Tutur", "Puspo", "Tosari", "Lumbang")),
)


def with_areas(question: Say) -> Say:
    """The kecamatan question, with the areas as its groups (a list to tap on WhatsApp; typing stays)."""
    groups = tuple(Group(say("places.area", area=name), ", ".join(members)) for name, members in AREAS)
    return Say(question.key, {**question.params, "groups": Grouped(groups, hint=say("places.area_hint"))})


def _area_labels(members: tuple[str, ...]) -> list[Say]:
    return [say("places.kecamatan_option", kecamatan=k) for k in members]


def kecamatan_in_area(turn: Turn, ask_state: str) -> Step | str | None:
    """An area tapped (Turn.group): its kecamatan asked as a list; a pick from that list (its number
    or a name in it): the kecamatan; anything else: None, read as a typed kecamatan."""
    slots = {k: v for k, v in turn.slots.items() if k != "kecamatan_area"}
    if turn.group is not None and 1 <= turn.group <= len(AREAS):
        name, members = AREAS[turn.group - 1]
        return Step([say("places.kecamatan_in_area", area=name, options=_area_labels(members))], ask_state,
                    {**slots, "kecamatan_area": turn.group})
    area = turn.slots.get("kecamatan_area")
    if isinstance(area, int) and 1 <= area <= len(AREAS):
        members = AREAS[area - 1][1]
        i = turn.pick_index(_area_labels(members))
        if i is not None:
            return members[i]
    return None


def kecamatan_answer(turn: Turn, *, unknown: Say, ask_state: str, confirm_state: str,
                     then: Callable[[Turn, str], Step]) -> Step:
    """A typed kecamatan: taken when sure, asked back ("Maksudnya Kecamatan Gempol?") when not; a place
    outside the regency (Kota Pasuruan, Sidoarjo …) is said kindly, with the nearest visit. On WhatsApp
    an area of the list is tapped first, then its kecamatan (`kecamatan_in_area`)."""
    in_area = kecamatan_in_area(turn, ask_state)
    if isinstance(in_area, Step):
        return in_area
    turn = replace(turn, slots={k: v for k, v in turn.slots.items() if k != "kecamatan_area"})
    if in_area is not None:
        return then(turn, in_area)
    if turn.location is not None and not turn.text.strip():
        near = turn.facts.nearest_kecamatan(*turn.location)  # a pin: the kecamatan it falls in
        if near is not None:
            return then(turn, near)
    outside = outside_answer(turn, ask_state)
    if outside is not None:
        return outside
    found = turn.nlu.match_kecamatan(turn.text)
    if found is None:
        return unhandled(with_areas(unknown), state=ask_state)
    if not found.certain:
        return Step([say("common.did_you_mean_kecamatan", kecamatan=found.name, options=YES_NO.labels())],
                    confirm_state, {**turn.slots, "kecamatan_guess": found.name})
    return then(turn, found.name)


def kecamatan_confirmation(turn: Turn, *, ask_again: Say, unknown: Say, ask_state: str, confirm_state: str,
                           then: Callable[[Turn, str], Step]) -> Step:
    """The answer to "Maksudnya Kecamatan …? 1. Ya 2. Bukan"; another name typed is read afresh."""
    answer = turn.pick(YES_NO)
    if answer == "yes":
        return then(turn, turn.slots["kecamatan_guess"])
    if answer == "no":
        return Step([with_areas(ask_again)], ask_state, {k: v for k, v in turn.slots.items() if k != "kecamatan_guess"})
    return kecamatan_answer(turn, unknown=unknown, ask_state=ask_state, confirm_state=confirm_state, then=then)


def kecamatan_named(turn: Turn) -> list[str]:
    """Every kecamatan the message names, in its order: the recogniser's (typos too), then any other
    written out ("ingetno gempol karo pandaan")."""
    found = [turn.entities["kecamatan"]] if turn.entities.get("kecamatan") else []
    places = getattr(turn.nlu, "places", None)
    if places is None:
        return found
    from flows.nlu.normalise import tokenise
    from flows.nlu.places import name_key

    tokens = tokenise(turn.text)
    for n in (3, 2, 1):
        for i in range(len(tokens) - n + 1):
            name = places.kecamatan_of_key(name_key("".join(tokens[i:i + n])))
            if name and name not in found:
                found.append(name)
    return found


# A visit this near (between kecamatan offices) is "nearby": offered beside the own kecamatan's when that one is
# weeks away (flows/layanan.py), and first when a ticket moves (flows/tiket.py).
NEAR_KM = 30


SOONEST_KEPT = 2  # of the nearby visits offered, this many are the soonest; the rest the nearest


def nearby_visits(facts, kecamatan: str, *, before=None, exclude: frozenset[int] | set[int] = frozenset(),
                  limit: int = 4, where: Callable[[Any], bool] | None = None) -> list:
    """Visits to other kecamatan within NEAR_KM of `kecamatan` (before the date `before`, when given), one per
    kecamatan: the soonest few AND the nearest (a neighbour a few km away is never pushed out by sooner visits
    farther off: a Pandaan resident is offered Purwosari, Sukorejo and Prigen beside Purwodadi), by date.
    The one rule of "nearby" for every place that offers it (registration, moving a ticket, the schedule)."""
    seen: set[str] = set()
    near = []
    for n in facts.visits_near(kecamatan, limit=60, within_km=NEAR_KM):
        v = n.visit
        if v.kecamatan == kecamatan or v.kecamatan in seen or v.id in exclude or (before is not None and v.tanggal >= before):
            continue
        if where is not None and not where(v):
            continue
        seen.add(v.kecamatan)
        near.append(n)
    soonest = near[:SOONEST_KEPT]
    nearest = [n for n in sorted(near, key=lambda n: (n.km, n.visit.tanggal)) if n not in soonest]
    chosen = [*soonest, *nearest][:limit]
    return sorted(chosen, key=lambda n: (n.visit.tanggal, n.km))


def km_between(lat1: float, lng1: float, lat2: float, lng2: float) -> int:
    """Great-circle distance in whole kilometres (between two kecamatan offices)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2)
    return round(2 * 6371 * math.asin(math.sqrt(a)))


# "bkn purwodadi", "dudu desa Gerbo", "sanes Tutur": a place the resident says is not theirs.
_NEGATED_PLACE = re.compile(
    r"(?<![\w'])(?:bukan|bkn|bukane|dudu|duduk|sanes|benten|bunten|bhunten|banne|bhanne|tidak\s+di|gak\s+di|ora\s+ing)\s+"
    r"(?:(?:desa|ds|kec|kecamatan|kelurahan|kel|wong|org|orang|tiyang|oreng|warga)\.?\s+)?[\w'-]+",
    re.IGNORECASE)


# "aku wong gempol", "kula tiyang tosari", "sy tinggal di beji", "omahku pandaan", "kaule oreng lekok": where
# the person lives (their home), not which visit they pick.
_LIVES_IN = re.compile(
    r"\b(?:wong|org|orang|tiyang|oreng|warga|wrg|asli|asal|domisili|tinggal|omahku|omah\s*(?:ku|kula|saya)|"
    r"rumahku|rumah\s+(?:saya|aku)|griya\s+kula|dalem\s+kula|manggon|manggen|pomah|bengko|"
    # the address on one's documents: "alamat saya gempol", "ktp saya bangil", "KK kula alamat pandaan"
    r"alamat\w*|(?:ktp|kk)\s*(?:ku|saya|sy|aku|kula|kulo|kaule)(?:\s+(?:alamat\w*|alamate|ing|di|nang|neng))?|"
    r"(?:aku|saya|sy|kula|kulo|kaule|engkok|awakku)\s+(?:dari|dr|saking|seko|soko|teka|asale))\b", re.IGNORECASE)


def says_home(text: str) -> bool:
    """The words say where someone lives ("aku wong gempol"), not a place to go to."""
    return bool(_LIVES_IN.search(text or ""))


# "bs ikut yg d prigen gk", "angsal nderek ingkang wonten bangil?", "olle norok se e grati?": whether one may join
# (come to) a visit, said beside one's home.
_MAY_JOIN = re.compile(
    r"\b(?:ikut|ikot|ikutan|melu|milu|nderek|ndherek|nderek\w*|ndherek\w*|tumut|norok|noro|gabung|datang|dateng|dtg|rawuh|teka|teko|mrono|"
    r"mrana|mriko|mrika|kesana|ksana|entar|mlebu|hadir)\b", re.IGNORECASE)


def visit_elsewhere(turn: Turn) -> tuple[str, str] | None:
    """(home, asked): a resident of one kecamatan asking whether they may join another's visit ("aku org
    pandaan bs ikut yg d prigen gk", "engkok oreng lekok, olle norok se e grati?"). The kecamatan right
    after the home words is the home; the other named is the visit asked. None when the message is not that."""
    text = turn.text or ""
    home_word = _LIVES_IN.search(text)
    # the join may come first: "kalau saya ikut yang di Beji padahal KTP saya Bangil, bisa?"
    if home_word is None or not _MAY_JOIN.search(text):
        return None
    named = kecamatan_named(turn)
    places = getattr(turn.nlu, "places", None)
    if len(named) != 2 or places is None:
        return None
    from flows.nlu.normalise import tokenise
    from flows.nlu.places import name_key

    before = len(tokenise(text[:home_word.end()]))
    tokens = tokenise(text)
    first_at: dict[str, int] = {}
    for n in (3, 2, 1):
        for i in range(len(tokens) - n + 1):
            name = places.kecamatan_of_key(name_key("".join(tokens[i:i + n])))
            if name in named:
                first_at[name] = min(first_at.get(name, i), i)
    # The home follows its word closely ("aku org pandaan", "kula tiyang desa …"); the other may be a typo only
    # the recogniser read ("yg d gempl").
    near = sorted((i, k) for k, i in first_at.items() if before <= i <= before + 2)
    if not near:
        return None
    home = near[0][1]
    return home, next(k for k in named if k != home)


def home_stated(turn: Turn) -> tuple[str | None, str] | None:
    """(desa or None, kecamatan) where the message says the person lives — a desa named beyond doubt
    ("sugeng enjing, kula tiyang desa gerbo", "jadwal desa kutorejo kapan?"), a kecamatan said as home
    ("domisili gempol", "aku wong beji"), a pin sent alone — for the resident's record; None when it says
    no home. A place outside the regency is no home here."""
    if turn.location is not None and not turn.text.strip():
        found = turn.facts.nearest_desa(*turn.location)
        return (found.nama, found.kecamatan) if found is not None else None
    if outside_regency(turn.text):
        return None
    named = desa_named(turn.entities)
    if named:  # a desa is no visit's place: named, it is where the person (or their family) lives
        return named
    elsewhere = visit_elsewhere(turn)
    if elsewhere is not None:  # "aku org pandaan bs ikut yg d prigen gk": Pandaan is home, Prigen the visit
        return None, elsewhere[0]
    kecamatan = turn.entities.get("kecamatan") if says_home(turn.text) else None
    return (None, kecamatan) if kecamatan else None


def without_negated_places(text: str) -> str:
    return re.sub(r"\s+", " ", _NEGATED_PLACE.sub(" ", text or "")).strip()


def home_desa_answer(
    turn: Turn,
    *,
    prefer: list[str],
    choose_state: str,
    retry_state: str,
    then: Callable[[Turn, dict[str, Any]], Step],
    ask_in: Callable[[Turn, str], Step],
) -> Step:
    """Where the person lives, which need not be where the visit is: any desa of the regency.

    The kecamatan in `prefer` (home first, then the visit's) are looked at first, then the whole
    regency. "desa X kecamatan Y", "wong X", "aku tinggal di X" and "sy org gempol bkn purwodadi"
    are read; a kecamatan named without a desa (`ask_in`) asks for the desa there."""
    from flows.nlu.normalise import tokenise

    options: list[list[str]] = turn.slots.get("desa_options") or []
    if options:
        labels = _option_labels([tuple(o) for o in options])
        i = turn.pick_index(labels)
        if i is not None:
            desa, kec = options[i]
            return then(turn, _fixed(turn.slots, desa, kec))
        if turn.choice is not None:
            return unhandled(say("common.choose_again", options=labels), state=choose_state)
    if turn.location is not None and not turn.text.strip():
        found = turn.facts.nearest_desa(*turn.location)  # a pin: the desa it falls in
        if found is not None:
            return then(turn, _fixed(turn.slots, found.nama, found.kecamatan))
    if turn.skipped():
        return unhandled(say("places.desa_needed"), state=retry_state)
    outside = outside_at_desa(turn, retry_state)
    if outside is not None:
        return outside
    text = without_negated_places(turn.text)
    prefer = [k for k in dict.fromkeys(prefer) if k]
    places = getattr(turn.nlu, "places", None)
    found = places.find(tokenise(text)) if places is not None else None
    named_kec = found.kecamatan.name if found and found.kecamatan and found.kecamatan.certain else None
    candidates: list[tuple[str, str]] = []
    if found and found.desa and named_kec and named_kec not in found.desa_kecamatan:
        # "kalianyar tutur": the kecamatan said decides — never the desa of another kecamatan stored unasked; the
        # desa is asked there (with that kecamatan's list).
        return ask_in(turn, named_kec)
    if found and found.desa:
        where = list(found.desa_kecamatan)
        if named_kec in where:
            where = [named_kec]
        candidates = [(found.desa, k) for k in where]
    elif named_kec:
        # A kecamatan's name alone: a desa of that name where the person may live, else the kecamatan. Beside the
        # kecamatan ("wates, lekok"), a desa of that kecamatan said in full is the one.
        exact = [(m.name, m.kecamatan) for m in turn.nlu.match_desa(text) if m.score >= 100]
        chosen = [c for k in [named_kec, *prefer] for c in exact if c[1] == k and c[0] != k][:1] or \
            [c for k in prefer for c in exact if c[1] == k][:1]
        if chosen:
            candidates = chosen
        else:
            return ask_in(turn, named_kec)
    else:
        for k in prefer:
            candidates = desa_candidates(turn.nlu, text, k)
            if candidates:
                break
        else:
            candidates = desa_candidates(turn.nlu, text, None)
    if len(candidates) > 1:
        # A name shared by several kecamatan: the one where the person lives or the visit is.
        in_preferred = next(([c for c in candidates if c[1] == k] for k in prefer
                             if any(c[1] == k for c in candidates)), None)
        candidates = in_preferred or candidates
    if not candidates:
        home = prefer[0] if prefer else None
        return unhandled(desa_not_found_anywhere(turn.nlu, home), state=retry_state)
    return _one_or_ask(turn, candidates, then, choose_state)


def desa_not_found_anywhere(nlu, kecamatan: str | None) -> Say:
    """No such desa in the regency: the home kecamatan's list when known, and how to name another."""
    return desa_not_found(nlu, kecamatan, key="places.desa_not_found_in_any")


# — outside the regency —
# Kota Pasuruan (a separate city inside the regency) and the neighbours' common names, each with the
# regency's kecamatan next to it (where the nearest visit is looked for). Kenduren Mas is Kabupaten
# Pasuruan's; a resident from there is told so kindly, and offered the nearest visit if they can come.
OUTSIDE: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Kabupaten Sidoarjo", ("sidoarjo", "sidoardjo", "porong", "tanggulangin", "krembung", "jabon", "sda"),
     ("Gempol", "Beji", "Bangil")),
    ("Kota Surabaya", ("surabaya", "suroboyo", "sby"), ("Gempol", "Beji", "Bangil")),
    ("Kabupaten Mojokerto", ("mojokerto", "ngoro", "trawas", "pacet", "mojosari"), ("Prigen", "Gempol", "Pandaan")),
    ("Kabupaten Malang", ("malang", "lawang", "singosari", "jabung", "poncokusumo", "tumpang"),
     ("Purwodadi", "Tutur", "Prigen")),
    ("Kota Batu", ("kota batu",), ("Prigen", "Purwodadi")),
    ("Kabupaten Probolinggo", ("probolinggo", "tongas", "sumberasih", "sukapura"),
     ("Nguling", "Lumbang", "Tosari")),
    # Last: "aku wong kota" names Kota Pasuruan only when no other city is named ("wong kota batu").
    ("Kota Pasuruan", ("kota pasuruan", "kodya pasuruan", "kota psr", "kotamadya pasuruan", "pasuruan kota",
                       "kutha pasuruan", "kodya", "kota pas", "wong kota", "wong kutho", "wong kutha", "tiyang kota",
                       "tiyang kutha", "oreng kota", "warga kota", "domisili kota", "orang kota", "org kota",
                       "penduduk kota", "ktp kota", "purworejo", "bugul kidul", "bugulkidul", "bugul", "gadingrejo",
                       "gading rejo", "panggungrejo", "panggung rejo", "pohjentrek kota"),
     ("Pohjentrek", "Kraton", "Gondangwetan", "Rejoso", "Bangil")),
)
_OUTSIDE_RE = [(label, re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(n).replace(r"\ ", r"\s*") for n in names)
                                  + r")(?![\w'])", re.IGNORECASE), near)
               for label, names, near in OUTSIDE]
_KABUPATEN_PASURUAN = re.compile(r"\b(?:kab(?:upaten)?\.?\s*pasuruan|kab\s*psr)\b", re.IGNORECASE)


def outside_regency(text: str) -> tuple[str, tuple[str, ...]] | None:
    """(the place's name, the regency's kecamatan next to it) when the text names a place outside
    Kabupaten Pasuruan; None otherwise ("bangil kabupaten pasuruan" is inside)."""
    text = text or ""
    for label, pattern, near in _OUTSIDE_RE:
        m = pattern.search(text)
        if m is None:
            continue
        if label != "Kota Pasuruan" and _KABUPATEN_PASURUAN.search(text):
            continue
        return label, near
    return None


def nearest_visit_to(turn: Turn, near: tuple[str, ...]):
    """The soonest planned visit among these kecamatan (None: none planned)."""
    visits = [v for k in near for v in turn.facts.next_visits(k, limit=1) if v.status == "planned"]
    return min(visits, key=lambda v: v.tanggal) if visits else None


def outside_place(turn: Turn, label: str):
    """Where outside the regency the words say the person lives, as a kecamatan of storage/reference/
    luar_kabupaten.csv ("sy org porong" → Porong, Kab. Sidoarjo; "lumbang probolinggo" → Lumbang, Kab. Probolinggo);
    Kota Pasuruan named alone: its middle (the city is small); else None (only the regency said)."""
    text = turn.text or ""
    mine = [p for p in turn.facts.outside_places() if p.wilayah == label]
    for p in mine:
        if re.search(r"(?<![\w'])" + re.escape(p.nama).replace(r"\ ", r"\s*") + r"(?![\w'])", text, re.IGNORECASE):
            return p
    if label == "Kota Pasuruan" and mine:
        from records import OutsidePlace

        return OutsidePlace("", "Kota Pasuruan", label, sum(p.lat for p in mine) / len(mine),
                            sum(p.lng for p in mine) / len(mine))
    return None


# An outsider's nearest visit is looked for this far from their own kecamatan (km between offices).
OUTSIDE_KM = 60


def nearest_visit_from(turn: Turn, place):
    """The planned visit whose kecamatan office is nearest the outside place (the soonest of the nearest)."""
    near = turn.facts.visits_from(place.lat, place.lng, limit=200, within_km=OUTSIDE_KM)
    return min(near, key=lambda n: (n.km, n.visit.tanggal)) if near else None


# Services bound to where one is registered as living (KK/KTP address): a Dispendukcapil document, bansos.
# An outsider is pointed to their own regency's office for them (Kota Pasuruan's Dispendukcapil with its address).
DOMICILE_BOUND_OPD = {"dispendukcapil": "places.own_dukcapil", "dinsos": "places.own_dinsos"}


def _own_office(turn: Turn, label: str) -> list[Say]:
    key = turn.slots.get("layanan")
    lay = turn.facts.layanan(key) if key else None
    if lay is None or lay.opd.key not in DOMICILE_BOUND_OPD:
        return []
    if label == "Kota Pasuruan" and lay.opd.key == "dispendukcapil":
        return [say("places.kota_dukcapil", **KOTA_PASURUAN_DUKCAPIL)]
    return [say(DOMICILE_BOUND_OPD[lay.opd.key], wilayah=label, layanan=lay.nama_pendek)]


def outside_found(turn: Turn):
    """(label, near) of a place outside the regency the words name, None when none (or a desa of ours:
    "pusung malang" is desa Pusungmalang, Puspo, not Kabupaten Malang)."""
    found = outside_regency(turn.text)
    if found is None:
        return None
    if found[0] != "Kota Pasuruan" and turn.nlu is not None:
        said = {re.sub(r"\W+", "", m.group(0).lower()) for label, pattern, _ in _OUTSIDE_RE if label == found[0]
                for m in pattern.finditer(turn.text or "")}
        ours = [re.sub(r"\W+", "", m.name.lower()) for m in turn.nlu.match_desa(turn.text) if m.score >= 100]
        # Every outside word is (in) one of our desa's names ("pusung malang", "wong tanggulangin": desa
        # Tanggulangin, Kejayan): ours. The regency said beside it ("tanggulangin sidoarjo", "lumbang
        # probolinggo"): outside.
        if said and all(any(w in d for d in ours) for w in said):
            return None
    return found


def outside_replies(turn: Turn, found) -> list[Say]:
    """Said kindly: Kenduren Mas is the regency's; the visit nearest THEIR place (by distance from their own
    kecamatan when known, luar_kabupaten.csv), and their own office for a domicile-bound service."""
    label, near = found
    place = outside_place(turn, label)
    own = _own_office(turn, label)
    nearest = nearest_visit_from(turn, place) if place is not None else None
    if nearest is not None:
        v = nearest.visit
        sooner = [n for n in turn.facts.visits_from(place.lat, place.lng, limit=1, within_km=NEAR_KM)
                  if n.visit.tanggal < v.tanggal]
        also = [say("places.outside_sooner", kecamatan=n.visit.kecamatan, tanggal=n.visit.tanggal_text, km=n.km)
                for n in sooner]
        return [say("places.outside_nearest_km", place=label, asal=place.nama, kecamatan=v.kecamatan,
                    tanggal=v.tanggal_text, lokasi=v.lokasi, km=nearest.km), *also, *own]
    visit = nearest_visit_to(turn, near)
    if visit is None:
        return [say("places.outside", place=label), *own]
    return [say("places.outside_nearest", place=label, kecamatan=visit.kecamatan, tanggal=visit.tanggal_text,
                lokasi=visit.lokasi), *own]


def outside_answer(turn: Turn, retry_state: str) -> Step | None:
    """Said kindly when a place outside the regency is named where a kecamatan/desa is asked."""
    found = outside_found(turn)
    if found is None:
        return None
    if retry_state is not None and turn.slots.get("outside_home") == found[0]:
        return outside_again(found[0])
    # Kept: a kecamatan typed next is the visit they can come to, never called their own ("kecamatan Anda").
    return Step(outside_replies(turn, found), retry_state, {**turn.slots, "outside_home": found[0]})


def outside_again(label: str) -> Step:
    """Outside said again where a kecamatan/desa of the regency is asked: never asked a third time (no loop);
    the flow ends kindly (what still stands is unchanged)."""
    return Step([say("places.outside_done", place=label)], None)


def outside_at_desa(turn: Turn, retry_state: str) -> Step | None:
    """At the desa question of a registration: a ticket is kept with the desa of the regency where the person it
    is for lives (the dinas follow it up there); one who lives outside is told so, with their own office for a
    domicile-bound service, and may still come and ask. Said again: the registration ends kindly (no loop)."""
    found = outside_found(turn)
    if found is None:
        return None
    if turn.slots.get("outside_home") == found[0] and turn.slots.get("outside_asked_desa"):
        return outside_again(found[0])
    return Step([say("places.outside_at_desa", place=found[0]), *_own_office(turn, found[0])], retry_state,
                {**turn.slots, "outside_home": found[0], "outside_asked_desa": True})


# Kota Pasuruan's own Dispendukcapil, for a resident of the city after a KTP-el/KK/akta. Source: the letterhead of
# "Keputusan Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Pasuruan Nomor 065/33/423.107/2016 tentang Standar
# Pelayanan Publik" (2016, as reproduced at fdokumen.com/document/dinas-kependudukan-dan-pencatatan-sipil-pelayanan-
# dan-acuan-penilaian-kualitas.html): "Jl. Pahlawan No. 22, Telp. (0343) 421717"; the website is the one the
# service requirements cite (data/layanan.csv). Dated 2016, so the message says to check it first.
KOTA_PASURUAN_DUKCAPIL = {"alamat": "Jl. Pahlawan No. 22, Kota Pasuruan", "telepon": "(0343) 421717",
                          "situs": "dispendukcapil.pasuruankota.go.id", "tahun": "2016"}
