"""usulan — a development proposal for a desa, or support for a similar one already made."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flows import answers
from flows.effects import CreateProposal, SupportProposal
from flows.facts import Attachment
from flows.dates import tanggal_pendek
from flows.engine import Ask, Flow, Say, Step, Turn, say, unhandled
from flows.places import YES_NO, desa_answer, which_desa

KATEGORI = ("jalan", "jembatan", "irigasi", "drainase", "lampu_jalan", "air_bersih", "sampah", "tanggul",
            "fasilitas_umum", "lainnya")
MIN_WORDS = 3
# The Musrenbang form's volume and satuan, asked where a category has a natural measure: how many
# meters of road, drainage or embankment, how many street lamps. Other categories leave them to the
# admin (the console's Musrenbang columns).
SATUAN = {"jalan": "meter", "jembatan": "meter", "irigasi": "meter", "drainase": "meter", "tanggul": "meter",
          "lampu_jalan": "titik"}
MAX_VOLUME = 100_000  # 100 km of road, or lamps: beyond is a typo (a phone number, a year)
_UNIT_WORDS = {"meter": ("m", "meter", "mtr", "meteran", "km", "kilo", "kilometer"),
               "titik": ("titik", "lampu", "tiang", "buah", "unit", "biji", "titik lampu")}
_KM = ("km", "kilo", "kilometer")
# "I don't know" in the registers residents write: the measure is left to the admin, like a skip.
_DONT_KNOW = re.compile(r"\b(?:(?:tidak|gak|ga|nggak|ndak|gk|tdk|ora|mboten|belum|blm|kurang)\s*(?:tau|tahu|tw|ngerti|ngertos|"
                        r"paham|yakin)|embuh|mboh|duka|kurang\s*ngerti|tak\s*taoh|ta\s*taoh)\b")
_QTY = re.compile(r"(?<![\w.,])(\d{1,6}(?:[.,]\d{1,2})?)(?![\d.,]*\d)\s*(?:an\b)?\s*([a-z]+)?")


class S:
    ASK_KATEGORI = "ask_kategori"
    ASK_DESA = "ask_desa"
    CHOOSE_DESA = "choose_desa"
    CONFIRM_PLACE = "confirm_place"
    ASK_DESKRIPSI = "ask_deskripsi"
    OFFER_SUPPORT = "offer_support"
    ASK_VOLUME = "ask_volume"
    ASK_FOTO = "ask_foto"


def _kategori_say(key: str):
    return say(f"usulan.kategori.{key}")


def start(turn: Turn) -> Step:
    slots: dict[str, Any] = {}
    kategori = turn.entities.get("kategori") or turn.nlu.match_kategori(turn.text)
    if kategori in KATEGORI:
        slots["kategori"] = kategori
    # A message that already describes the problem is kept as the description draft.
    if kategori and len(turn.text.split()) >= MIN_WORDS + 1:
        slots["deskripsi"] = turn.text.strip()[:1000]
    desa = turn.entities.get("desa")
    candidates = turn.entities.get("desa_kecamatan") or []
    kecamatan = turn.entities.get("kecamatan")
    if desa and kecamatan and kecamatan in candidates:
        candidates = [kecamatan]
    if desa and len(candidates) == 1:
        slots.update(desa=desa, desa_kecamatan=candidates[0])
    lead = [say("usulan.thanks")]
    kept = turn.facts.recent_attachment()  # a photo or pin sent alone just before (kept 30 minutes)
    if turn.media_url and turn.text:  # the photo's caption is the proposal: "mau usul jalan rusak" + 📷
        kept = Attachment(media_url=turn.media_url, lat=None, lng=None)
    if kept is not None:
        slots.update({k: v for k, v in (("media_url", kept.media_url), ("lat", kept.lat), ("lng", kept.lng)) if v is not None})
        lead.append(say("usulan.attached"))
    if "kategori" not in slots:
        return Step([*lead, _ask_kategori()], S.ASK_KATEGORI, slots)
    if desa and len(candidates) > 1:
        # A desa name found in several kecamatan: the kecamatan is confirmed before it is fixed.
        options = [(desa, k) for k in candidates]
        return Step([*lead, which_desa(options)], S.CHOOSE_DESA,
                    {**slots, "desa_options": [list(o) for o in options]})
    if "desa" not in slots:
        return Step([*lead, say("usulan.ask_desa", kategori=_kategori_say(slots["kategori"]))], S.ASK_DESA, slots)
    return Step([*lead, say("usulan.confirm_place", kategori=_kategori_say(slots["kategori"]), desa=slots["desa"],
                            kecamatan=slots["desa_kecamatan"], options=YES_NO.labels())],
                S.CONFIRM_PLACE, slots)


def _ask_kategori():
    return say("usulan.ask_kategori", options=[_kategori_say(k) for k in KATEGORI])


def ask_kategori(turn: Turn) -> Step:
    kategori = turn.nlu.match_kategori(turn.text) if turn.choice is None else None
    if kategori not in KATEGORI:
        i = turn.pick_index([_kategori_say(k) for k in KATEGORI])
        kategori = KATEGORI[i] if i is not None else None
    if kategori is None:
        return unhandled(_ask_kategori(), state=S.ASK_KATEGORI)
    slots = {**turn.slots, "kategori": kategori}
    if slots.get("desa"):
        return _after_place(turn, slots)
    return Step([say("usulan.ask_desa", kategori=_kategori_say(kategori))], S.ASK_DESA, slots)


def ask_desa(turn: Turn) -> Step:
    return desa_answer(turn, kecamatan=turn.entities.get("kecamatan"), choose_state=S.CHOOSE_DESA,
                       retry_state=S.ASK_DESA, then=_after_place)


def confirm_place(turn: Turn) -> Step:
    answer = turn.pick(YES_NO)
    if answer == "yes":
        return _after_place(turn, dict(turn.slots))
    if answer == "no":
        slots = {k: v for k, v in turn.slots.items() if k not in ("desa", "desa_kecamatan")}
        return Step([_ask_kategori()], S.ASK_KATEGORI, {k: v for k, v in slots.items() if k != "kategori"})
    return unhandled(say("common.choose_again", options=YES_NO.labels()), state=S.CONFIRM_PLACE)


def _after_place(turn: Turn, slots: dict[str, Any]) -> Step:
    if not slots.get("deskripsi"):
        return Step([say("usulan.ask_deskripsi", desa=slots["desa"])], S.ASK_DESKRIPSI, slots)
    return _check_similar(turn, slots)


def ask_deskripsi(turn: Turn) -> Step:
    text = turn.text.strip()
    if turn.choice is not None or len(text.split()) < MIN_WORDS:
        return unhandled(say("usulan.deskripsi_too_short"), state=S.ASK_DESKRIPSI)
    return _check_similar(turn, {**turn.slots, "deskripsi": text[:1000]})


def _check_similar(turn: Turn, slots: dict[str, Any]) -> Step:
    similar = list(turn.facts.similar_proposals(slots["desa"], slots["desa_kecamatan"], slots["deskripsi"]))[:3]
    if not similar:
        return _ask_volume(slots)
    # What, where, when and how many: never another resident's own words.
    shown = [[p.kode, p.kategori, p.desa, p.created.isoformat(), p.support_count] for p in similar]
    options = _support_options(shown)
    return Step([say("usulan.similar_found", desa=slots["desa"], options=options)], S.OFFER_SUPPORT,
                {**slots, "similar": shown})


def _support_option(entry) -> Say:
    if len(entry) == 5:
        kode, kategori, desa, created, n = entry
        return say("usulan.support_option", kode=kode, kategori=say(f"usulan.kategori.{kategori}"), desa=desa,
                   tanggal=tanggal_pendek(date.fromisoformat(created)), n=n)
    return say("usulan.support_option_kode", kode=entry[0], n=entry[-1])  # a conversation begun before


def _support_options(similar) -> list:
    return [*(_support_option(entry) for entry in similar), say("opt.mine_is_different")]


def offer_support(turn: Turn) -> Step:
    similar = [list(p) if isinstance(p, list) else [p, 0] for p in turn.slots.get("similar") or []]
    options = _support_options(similar)
    i = turn.pick_index(options, no=len(similar))
    if i is not None and i < len(similar):
        kode = similar[i][0]
        return Step([say("usulan.supported", kode=kode)], None, effects=[SupportProposal(kode=kode)])
    if i == len(similar):
        return _ask_volume(dict(turn.slots))
    return unhandled(say("common.choose_again", options=options), state=S.OFFER_SUPPORT)


def quantity(text: str, satuan: str, *, unit_required: bool = False) -> float | None:
    """A measure in the resident's words: "300", "300 m", "1,5 km" (1500 meter), "sekitar 200an meter",
    "5 titik", "lima". With `unit_required` (reading a description), only a number followed by a word
    of the unit counts, so "RT 3" or "sejak 2019" is no length."""
    text = (text or "").casefold()
    for m in _QTY.finditer(text):
        value, unit = float(m.group(1).replace(",", ".")), m.group(2) or ""
        if unit and unit not in _UNIT_WORDS[satuan] and unit not in ("an",):
            if unit_required:
                continue
            unit = ""
        if unit_required and not unit:
            continue
        if satuan == "meter" and unit in _KM:
            value *= 1000
        if 0 < value <= MAX_VOLUME:
            return round(value, 2)
    if not unit_required:  # a number word in a short answer: "lima", "lampune mati telu"
        said = [answers.NUMBER_WORDS[w] for w in answers.words(text) if w in answers.NUMBER_WORDS]
        if len(said) == 1 and len(text.split()) <= 5:
            return float(said[0])
    return None


def _ask_volume(slots: dict[str, Any]) -> Step:
    satuan = SATUAN.get(slots.get("kategori", ""))
    if satuan is None or slots.get("volume"):
        return _ask_foto(slots)
    found = quantity(slots.get("deskripsi", ""), satuan, unit_required=True)
    if found:  # "jalan berlubang sepanjang 300 m": already said
        return _ask_foto({**slots, "volume": found, "satuan": satuan})
    return Step([say(f"usulan.ask_volume.{satuan}", kategori=_kategori_say(slots["kategori"]))], S.ASK_VOLUME, slots)


def ask_volume(turn: Turn) -> Step:
    slots = dict(turn.slots)
    satuan = SATUAN.get(slots.get("kategori", ""), "meter")
    if turn.skipped() or answers.is_none(turn.text) or _DONT_KNOW.search(answers.normalise(turn.text)):
        return _ask_foto(slots)
    found = quantity(turn.text, satuan)
    if found is None:
        return unhandled(say(f"usulan.ask_volume_again.{satuan}"), state=S.ASK_VOLUME)
    return _ask_foto({**slots, "volume": found, "satuan": satuan})


def _ask_foto(slots: dict[str, Any]) -> Step:
    if slots.get("media_url") or slots.get("lat") is not None:
        return submitted(slots)  # sent before the proposal began: attached already
    return Step([say("usulan.ask_foto")], S.ASK_FOTO, slots)


def ask_foto(turn: Turn) -> Step:
    slots = dict(turn.slots)
    if turn.media_url:
        slots["media_url"] = turn.media_url
    if turn.location:
        slots["lat"], slots["lng"] = turn.location
    typed = turn.text.strip()
    skipped = turn.choice == 1 or turn.skipped()
    if typed and not skipped and turn.choice is None and len(typed.split()) >= MIN_WORDS:
        # More words instead of a photo: they belong to the description.
        slots["deskripsi"] = f"{slots['deskripsi']}. {typed}"[:1000]
    elif not (turn.media_url or turn.location or skipped):
        return unhandled(say("usulan.ask_foto_again"), state=S.ASK_FOTO)
    return submitted(slots)


def submitted(slots: dict[str, Any]) -> Step:
    """The proposal is saved and the resident told its code. Shared with the Rasa action."""
    photo, pin = bool(slots.get("media_url")), slots.get("lat") is not None
    what = "both" if photo and pin else "photo" if photo else "pin" if pin else None
    return Step(
        [say("usulan.created", kategori=_kategori_say(slots["kategori"]), desa=slots["desa"],
             lampiran=say("usulan.summary_attached", what=say(f"usulan.summary_{what}")) if what else "")],
        None,
        effects=[CreateProposal(kategori=slots["kategori"], desa=slots["desa"], desa_kecamatan=slots["desa_kecamatan"],
                                deskripsi=slots["deskripsi"], media_url=slots.get("media_url"), lat=slots.get("lat"),
                                lng=slots.get("lng"), volume=slots.get("volume"), satuan=slots.get("satuan"))],
    )


FLOW = Flow(
    name="usulan", keywords=("usulan", "usul", "kirim usulan"),
    entry_intents=("usulan",),
    start=start,
    steps={S.ASK_KATEGORI: ask_kategori, S.ASK_DESA: ask_desa, S.CHOOSE_DESA: ask_desa,
           S.CONFIRM_PLACE: confirm_place, S.ASK_DESKRIPSI: ask_deskripsi, S.OFFER_SUPPORT: offer_support,
           S.ASK_VOLUME: ask_volume, S.ASK_FOTO: ask_foto},
    menu_label="menu.item.usulan",
    asks={S.CONFIRM_PLACE: Ask(YES_NO), S.ASK_DESKRIPSI: Ask(free_text=True),
          S.ASK_VOLUME: Ask(free_text=True, optional=True, short=True),
          S.ASK_FOTO: Ask(free_text=True, optional=True)},
    effects=(CreateProposal, SupportProposal),
    typed=("deskripsi",),
)
