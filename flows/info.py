"""Which dinas come to a visit, and what each offers there — answered from data.

The schedule card names four OPD and "dan N dinas lain"; a resident who asks "sing teko dinas opo
ae?" or "apa ada dispenduk?" wants the whole list, or a yes/no for the one named. The list is the
visit's own OPD (an admin may send fewer than the 14), each with its name as people know it and the
services of the reference data it runs at the caravan, so the answer follows the schedule and the
service list without a text to keep in step. Pure: flows/jadwal.py decides when to answer it.
"""

from __future__ import annotations

import math
import re

from flows import answers
from flows.antrean import place_line
from flows.engine import Bullets, Say, Turn, say
from flows.facts import OpdRef, ProposalView, TicketView, VisitView


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
    """The short name people use, with the full one when it says more ("DPKH" → what it is)."""
    if opd.nama == opd.singkatan:
        return say("info.opd_name", singkatan=opd.singkatan)
    return say("info.opd_name_full", singkatan=opd.singkatan, nama=opd.nama)


def _offers(opd: OpdRef, offers: dict[str, list[str]], key: str) -> Say | str:
    """Its services at the caravan; nothing for a dinas without one in the reference (Diskominfo)."""
    services = offers.get(opd.key)
    return say(key, layanan=", ".join(services)) if services else ""


def _line(opd: OpdRef, offers: dict[str, list[str]]) -> Say:
    return say("info.opd_line", opd=_name(opd), layanan=_offers(opd, offers, "info.opd_line_offers"))


# — sourced answers: the questions residents ask around a service —————————————————————————————
#
# "boleh diwakilkan istri saya?", "fotokopi piro lembar?", "gratis ta?", "kalau telat gimana?", "sapi
# saya birahi", "usulan saya kapan dibangun?": answered from storage/reference/tanya_jawab.csv, in the
# context of the service at hand (named in the message, the conversation's, or the resident's ticket),
# short, one message, with its source; an unconfirmed answer is said with care; a question of a known
# topic with no answer for that service says so and offers a petugas.

# A service of layanan.csv → the key its answers are filed under in tanya_jawab.csv.
DATA_SERVICE = {"ktp_ganti": "ktp", "kk_ganti": "kk", "kia_ganti": "kia"}
DUKCAPIL = frozenset({"ktp", "ktp_ganti", "kk", "kk_ganti", "akta", "akta_kematian", "kia", "kia_ganti"})


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_MINE = r"(?:saya|sy|aku|aq|kula|kulo|dalem|kaula|kaule|engkok|sengko)"
_PERSON = (r"(?:istri\w*|isteri\w*|suami\w*|mbah\w*|simbah\w*|mertua\w*|morotuo\w*|maratuwa\w*|bojo\w*|garwa\w*|semah\w*|anak\w*|putra\w*|putri\w*|cucu\w*|putu\w*|ana|kompoy\w*|bine|bini|lake|keluarga\w*|saudara\w*|sedulur\w*|tetangga\w*|tonggo\w*|emak\w*|wong liy[ao]|orang lain|tiyang sanes|oreng laen|"
           # Words that also address the reader ("bisa ingatkan saya mbak …", "kak"): a person only as one's own.
           r"(?:adik|kakak|mbak|mas|bapak|ibu|mbok)(?:ku|ne|e|nya|ipun)|(?:adik|kakak|mbak|mas|bapak|ibu|mbok)\s+" + _MINE + r")")
_COME = r"(?:datang|teko|rawuh|dateng|dhateng|mangkat|berangkat|ngurus\w*|ngurusaken|ngurusin|mengurus\w*|entar|ambil|njupuk|mundut|wakil\w*)"
_CAN = r"(?:boleh|oleh|angsal|bisa|bs|iso|saget|saged|olle|isa)"
# "KTP kula saged dipun urusaken putu kula?": done for the resident by the person named after it.
_DONE_BY = r"(?:di|dipun\s*)(?:urus|ambil|jupuk|pundhut|pendhet|wakil)\w*"
# "usulanku diterusno sopo", "usulan kula dipun terasaken dhateng sinten", "sing nampa usulanku sopo": who
# receives a proposal, where it goes ("sampai mana" is its progress: a status question).
_WHO = r"(?:siapa|sapa|sopo|sinten|sapah|sapa'|sape|kemana|ke mana|nang endi|nang ndi|nandi|nang ngendi|menyang endi|dhateng pundi|teng pundi|ke dinas apa|dinas apa|dinas opo)"
_USULAN_WHO = (r"\busul\w*\b(?!.*\b(?:sampai|sampe|tekan|nyampe|nyampek|dugi)\s+(?:mana|ngendi|endi|pundi)\b).*\b" + _WHO + r"\b"
               r"|\b" + _WHO + r"\b.*\b(?:nerima|menerima|nampa|nompo|nampi|ngurus|ngurusi|mengurus|nangani|menangani|ditangani|"
               r"diteruskan|diterusno|diterusne|diterusake|dikirim\w*|terasaken)\b.*\busul\w*")
# Stepping out of the caravan's queue: "aku metu sedelo sarapan, antrianku ilang ta?", "nomerku hangus gak
# nek ditinggal?", Madurese "kaluar sakejjhe', antrean ilang?". Not "nomer antrianku piro?" (the live queue).
_QUEUE = r"\b(?:antre\w*|antri\w*|ngantri|ngantre|(?:nomer|nomor|no) urut\w*|giliran\w*|urutan\w*)\b"
_LOST = r"\b(?:ilang|hilang|ical|kelangan|hangus|angus|gugur|batal|dibatalkan|berlaku|lumaku|ditinggal\w*|tinggal|keri|kelewat\w*|terlewat\w*|dilewati|dilewat|dilompati|diganti|direbut|mulai dari awal|ulang)\b"
# "nomerku hangus gak nek ditinggal?": a (queue) number lost by leaving; never "hapus nomer saya" (a stop).
_LEAVE = r"\b(?:ditinggal\w*|ninggal\w*|keluar|metu|kaluar|medal|kesah)\b"
_NUMBER_LEFT = (r"\b(?:nomer|nomor)\w*\b.*\b(?:hangus|angus|gugur|ilang|hilang|ical)\b.*" + _LEAVE
                + r"|" + _LEAVE + r".*\b(?:nomer|nomor)\w*\b.*\b(?:hangus|angus|gugur|ilang|hilang|ical)\b")
# Away from the queue for a while ("kulo tasih ngantri, menawi kulo tumut sholat dhuhur riyin antrian kulo
# pripun?"): a meal, the toilet, a prayer, said with the queue.
_AWAY_FOR = (r"\b(?:sarapan|maem|mangan|nedha|ngopi|toilet|wc|kamar mandi|pipis|kencing|sholat|solat|shalat|salat|"
             r"dhuhur|duhur|zuhur|ashar|asar|jumatan|jum'atan)\b")
_STEP_OUT = (r"\b(?:keluar|metu|medal|kaluar|pergi|lungo|lunga|kesah|tindak|minggat|ninggal\w*|ditinggal\w*|nilar)\b.*\b(?:sebentar|sebentaran|"
             r"sedelo|sedela|sedhela|sedelok|sedilut|sediluk|dilut|diluk|sakejjhe|sakejjha|sekedhap|sekedap|sekejap|"
             r"sarapan|maem|mangan|nedha|ngopi|toilet|wc|kamar mandi|pipis|kencing|sholat|solat|jumatan)\b"
             r"|\b(?:sarapan|ngopi|toilet|kamar mandi|sholat|solat)\b.*\b(?:keluar|metu|medal|kaluar|ninggal\w*|ditinggal\w*)\b"
             r"|\b(?:nang|ke|teng|dhateng|ka)\s+(?:masjid|mesjid|musholla|mushola|langgar|warung|wc|toilet|jeding|pasar)\b.*" + _QUEUE)

# "KK ku wis dadi durung?", "KTP saya sudah jadi belum?": a document's readiness, answered with when and
# where it is collected (and the resident's ticket's status, when they hold one).
_DOC_READY = (r"\b(?:ktp\w*|kk\w*|kartu\w*|akta\w*|akte\w*|kia|surat\w*|dokumen\w*|berkas\w*)\b.*\b(?:sudah|udah|wis|wes|uwis|"
              r"sampun|dah|belum|durung|dereng|gurung|urung|gung)\s+(?:jadi|dadi|dados|rampung|terbit|dicetak|jadine|dadine)\b")

# Going to the dinas' own office instead of waiting for the caravan: "bs langsung ke kantor dinasnya?",
# "kantor dukcapil buka tiap hari gk?", "KTP ilang, butuh senin", "ora iso ngenteni kenduren". Answered
# with the office (address and hours, with care) and the caravan still offered.
_DINAS = r"(?:dinas\w*|dukcapil|capil|dispenduk\w*|disduk\w*|kependudukan|raci|pemkab|mpp|mal pelayanan\w*)"
_SOON = (r"(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|besok|sesuk|mbesok|mbenjing|benjing|lusa|segera|"
         r"secepat\w*|cepet|cepat|ndang|enggal|mendesak|buru[- ]?buru|minggu (?:ngarep|depan|ajeng))")
_KANTOR = r"\bkantor(?!\s+(?:kecamatan|kec|desa|kelurahan|camat|balai))\w*"
_OFFICE = (_KANTOR + r"\b.*\b" + _DINAS + r"\b|\b" + _DINAS + r"\b.*" + _KANTOR + r"|\blangsung\s+(?:ke|nang|neng|teng|dhateng|"
           r"menyang|nyang|dateng|datang|teko|mrono|marani)\b.*(?:" + _KANTOR + r"|\b" + _DINAS + r")\b|\b(?:ke|nang|neng|teng|dhateng|menyang|nyang|dateng|datang|teko)\s+(?:raci|mpp|mal pelayanan)\b"
           r"|\b(?:ktp\w*|kk\w*|akta\w*|akte\w*|kia|dokumen\w*|surat\w*)\b.*\b(?:butuh|butuhe|perlu|dibutuhkan|dibutuhno|"
           r"kudu|kedah|harus|dienggo|kangge|kanggo|buat|gae)\b.*\b" + _SOON + r"\b"
           r"|\b(?:gak|ga|tidak|ora|ndak|nggak|mboten|boten|gk|tdk|tak)\s+(?:bisa|iso|isa|saged|sempat|sempet|kuat|betah)\s+"
           r"(?:nunggu|menunggu|nenggo|ngenteni|nengga|ngrantos|ngantos|ngenteni|ngentos)\b"
           # "mendesak pak, butuh cepat, piye?" after an answer about a document: where to get it sooner.
           r"|\b(?:mendesak|urgent|urgen|butuh\s+(?:cepat|cepet|segera|sesegera)|penting\s+(?:banget|sekali|pol|sanget)|"
           r"buru[- ]?buru|kesusu|ndang\s+butuh)\b.*\b(?:piye|pripun|gimana|gmn|bagaimana|yok\s+opo|yak\s+apa|kudu\s+opo|harus\s+apa|"
           r"kedah\s+menapa|napa|apa\s+yang|opo\s+sing)\b")
_LOST_CARD = r"\b(?:hilang|ilang|ical|kelangan|kecopetan|dicopet|rusak|sobek|patah|ketlisut|lenyap)\b"

# "kapan", "tanggal pinten", "wonten pundi": when or where — "kula kedah rawuh tanggal pinten lan wonten pundi?"
# asks the schedule, not who must come.
_WHEN_WHERE = (r"(?:kapan|kpn|tanggal|tgl|jam|pukul|hari apa|dino opo|dinten menapa|pundi|mana|endi|ngendi|nandi|dimana|"
               r"di mana|ndi|kemana|ke mana|dimma|dhimma|kamma)")
# An age is asked ("umur berapa bisa bikin ktp?", "umur 16 iso gawe ktp ta?"), not stated: "DAFTAR CEK KESEHATAN,
# UMUR KAULA 60 TAON" and "bapak saya umur 72" give the age of the person, with no question about it.
_AGE = r"\b(?:umur|usia|yuswa|umure|usiane|umurnya|yuswanipun|omor)\b"
_AGE_NUMBER = r"(?:\d+|\w*puluh|\w*belas|\w*likur|seket|sewidak|setengah|pitung|wolung|sangang|tengang)"
_AGE_QUESTION = (r"(?:berapa|brp|piro|pira|pinten|berempa|minimal|minimum|maksimal|batas\w*|boleh|bisa|iso|isa|saged|saget|"
                 r"angsal|olle|oleh|apa|apakah|opo|nopo|menapa|ponapa|syarat\w*)")
_AGE_ASKED = (_AGE + r"(?!\s+(?:\w+\s+){0,2}" + _AGE_NUMBER + r"\b)|" + _AGE + r".*\b" + _AGE_QUESTION + r"\b|\b"
              + _AGE_QUESTION + r"\b.*" + _AGE)

# A body in danger now, in any register: what the person has ("ibu sesak napas", "anakku kejang", "bapak mendadak ora
# iso ngomong", "mbah semaput"), or "sakit" said with how bad ("sakit parah", "gerah sanget", "sakit mendadak").
# "ibu sakit, jadi saya yang ngurus kk" is no emergency: an illness is background until it is urgent.
_ACUTE = (r"\b(?:sesak\w*|sesek|ngos ngosan|megap\w*|kejang\w*|kejet\w*|stroke|struk|setruk|pingsan|semaput|klenger|"
          r"(?:ndak|gak|ga|tidak|ora|mboten|boten|tak|ta')\s+(?:sadar|sadarkan diri|eling|iso ngomong|bisa bicara|bisa ngomong|"
          r"iso obah|bisa gerak|napas|nafas|ambegan)|muntah darah|muntah getih|berdarah\w*|getihen|pendarahan|perdarahan|"
          r"ketuban\w*|kontraksi|mules mau melahirkan|(?:mau|arep|ajeng|badhe|kari) (?:melahirkan|lahiran|nglairake|nglairno|babaran)|"
          r"keracunan|keracunen|digigit ular|dicokot ula|dipatok ula|nyeri dada|dada\w* (?:sakit|nyeri|lara|sesak)|"
          r"demam tinggi|panas tinggi|panase duwur|step|lumpuh mendadak|mendadak lumpuh|koma|kritis|sekarat|"
          r"(?:sakit|lara|gerah|sakite)\s+(?:parah|keras|nemen|banget|sanget|mendadak|dadakan|ndadak|gawat|kritis))\b")

# Where (or when) a finished document is collected: "diambil dmn?", "njupuke nang ndi?", "mendhetipun wonten pundi?",
# "èkala' è dimma?" — any form of the verb, with where or when.
_COLLECT = (r"(?:di|ng|me|nge)?ambil\w*|n?jupuk\w*|dijupuk\w*|mundh?ut\w*|dipundh?ut\w*|dipendh?et\w*|mendh?et\w*|"
            r"(?:è|e)?ngala'?\w*|(?:è|e)kala'?\w*|diparingaken|diterima|ditampa")
_COLLECT_WHERE = r"(?:mana|ngendi|endi|ndi|nandi|pundi|dimana|di mana|dmn|dmana|dimna|kapan|kpn|dimma|dhimma|kamma)"

# What makes "… sudah jadi" a question ("kk ku wes dadi urung", "KTP saya sudah jadi belum"), not news.
_ASKED_READY = re.compile(r"\b(?:belum|blm|durung|urung|dereng|gurung|gung|apa|apakah|opo|nopo|menapa|kapan|kpn|piye|pripun|"
                          r"gimana|berapa|brp|piro|pinten|mana|ngendi|endi|ndi|pundi|dimana|dmn|dimma|bila|ta|tah|toh|a)\b")

# Topics answered only when asked (a statement about a price or a finished document is no question); a report of
# being asked for money ("dimintai duit", "pungli") is answered as it is: the services are free.
_ASKED_ONLY = frozenset({"waktu_jadi", "biaya"})
_PAID_UNASKED = re.compile(r"\b(?:pungli|dipalak|dimintai|dijaluki|disuruh bayar|dikon mbayar|kon mbayar|minta uang|njaluk duit)\b")

# Each topic: how residents ask it, and which answer (kunci) fits, first match wins:
# (words that refine it or None, the services it is for or None, kunci).
TOPICS: tuple[tuple[str, re.Pattern[str], tuple[tuple[re.Pattern[str] | None, frozenset[str] | None, str], ...]], ...] = (
    # "rumah kebanjiran, kk sama ktp hanyut semua": the documents lost in a disaster are replaced free (and 112 first
    # while there is danger) — before "darurat", which would only give the emergency number.
    ("bencana_dokumen", _re(r"^(?=.*\b(?:ktp\w*|kk\w*|kartu keluarga|akta\w*|akte\w*|kia|ijazah\w*|dokumen\w*|berkas\w*|surat surat|surat2)\b)"
                            r"(?=.*\b(?:\w*banjir\w*|\w*longsor\w*|kebakaran|kobong|terbakar|kebakar|bencana|gempa|angin kencang|"
                            r"puting beliung|rob)\b)"
                            r"(?=.*\b(?:hilang|ilang|ical|kelangan|hanyut|keli|kintir|rusak|ruksak|basah|terbakar|kobong|kebakar|"
                            r"habis|entek|musnah|lenyap|terendam|kerendem|kerem|ikut|melu)\b)"), (
        (None, None, "hilang_bencana.dokumen"),
    )),
    ("darurat", _re(_ACUTE + r"|\bbirahi\b|\bbrahi\b|minta kawin|\b(?:sapi|ternak|kambing|wedhus|embek|sapine|sapiku)\w*\b.*\b(?:sakit|ngiler|lumpuh|mati|demam|lara|gerah)\b|\b(?:sakit|ngiler|lumpuh|lara)\b.*\b(?:sapi|ternak|kambing|wedhus)\w*\b|\b(?:\w*banjir\w*|\w*longsor\w*|kebakaran|angin kencang|puting beliung)\b.*\b(?:lapor\w*|mana|nandi|ngendi|endi|pundi|gimana|bagaimana|piye|pripun|yok opo|yak apa|tolong|tulung|hubungi|telepon|telpon)\b|\b(?:lapor\w*|hubungi|telepon|telpon)\b.*\b(?:\w*banjir\w*|\w*longsor\w*|kebakaran|angin kencang|puting beliung)\b|\bdarurat\b|\bkecelakaan\b|\bgawat darurat\b|sakit parah|\bpingsan\b|\bambulan\w*"), (
        (_re(r"birahi|brahi|kawin"), None, "darurat.sapi_birahi"),
        (_re(r"sapi|ternak|kambing|wedhus|embek"), None, "darurat.ternak_sakit"),
        (_re(r"banjir|longsor|kebakaran|angin|puting"), None, "darurat.bencana"),
        # A body in danger is the ambulance's, whatever else is named; "darurat" said of a lost or needed
        # document (a KTP for an operation next week) is where to get that document fast, not 119.
        (_re(r"pingsan|ambulan|kecelakaan|sakit parah|sesak|kejang|berdarah|ndak sadar|gak sadar|tidak sadar|" + _ACUTE),
         None, "darurat.kesehatan"),
        (_re(r"\b(?:ktp\w*|kk|kartu keluarga|akta\w*|akte\w*|kia|surat pindah|dokumen\w*|berkas\w*)\b"), None, "terlewat.dukcapil"),
        (None, None, "darurat.kesehatan"),
    )),
    ("kematian", _re(r"\b" + _PERSON + r"\b\s+(?:\w+\s+)?(?:wis|wes|sudah|udah|sampun|dah)\s+(?:ora ono|ora ana|gak ono|ga ono|"
                     r"nggak ada|gak ada|ga ada|tiada|tidak ada|mboten wonten|boten wonten|enggak ada|ndak ada|gak enek)\b"
                     r".*\b(?:kk\w*|kartu keluarga)\b|\b(?:meninggal\w*|mninggal|wafat|seda|sedo|sedho|tilar donya|pejah|mate|almarhum\w*|almarhumah|alm|"
                     r"kematian)\b.*\b(?:kk\w*|kartu keluarga)\b|\b(?:kk\w*|kartu keluarga)\b.*\b(?:meninggal\w*|mninggal|wafat|"
                     r"seda|sedo|sedho|tilar donya|pejah|mate|almarhum\w*|alm|kematian)\b"), (
        (None, None, "kk.kematian"),
    )),
    ("musrenbang", _re(_USULAN_WHO + r"|\bmusrenbang\b|musyawarah desa|\bmusdes\b|\b(?:kapan|kpn|kapa|bila|kira2 kapan|kiro2 kapan)\b.*\b(?:di)?(?:bangun\w*|kerjakan|garap\w*|aspal\w*|perbaik\w*|benah\w*|benak\w*|bener[kn]\w*|dandan\w*|realisasi\w*|cor|dicor\w*)\b|\b(?:di)?(?:bangun|dikerjakan|digarap|diaspal|diperbaiki|direalisasi\w*|terealisasi|dicor)\b.*\bkapan\b|\b(?:di)?usul\w*\b.*\b(?:kapan|dibahas|langsung)\b|\b(?:kapan|dibahas)\b.*\busulan\w*|langsung (?:di)?(?:kerjakan|bangun|garap)|\bdana desa\b"), (
        (_re(_USULAN_WHO), None, "usulan.diteruskan musrenbang.dibahas"),
        (_re(r"langsung|kenduren"), None, "musrenbang.kenduren_mas"),
        (_re(r"dibahas|musyawarah|musdes|musrenbang"), None, "musrenbang.dibahas"),
        (_re(r"dana desa|\bgang\b|saluran desa|jalan desa|skala desa|lewat mana"), None, "musrenbang.skala_desa"),
        (None, None, "musrenbang.dibangun"),
    )),
    ("syarat_donor", _re(r"\bdonor\w*\b.*\b(?:syarat\w*|boleh|oleh|angsal|olle|umur|usia|berat|hamil|menyusui|tato\w*|tindik|flu|demam|pilek|sakit|sebelum|persiapan|makan|tidur|begadang)\b|\b(?:syarat\w*|boleh|oleh|angsal|umur|usia|hamil|menyusui|tato\w*|flu|demam|sebelum)\b.*\bdonor\w*"), (
        (_re(r"sebelum|persiapan|makan|tidur|begadang|siap"), None, "syarat_donor.persiapan"),
        (_re(r"flu|demam|pilek|batuk|sakit"), None, "syarat_donor.flu"),
        (_re(r"hamil|menyusui|tato|tindik|melahirkan|nyusoni"), None, "syarat_donor.hamil_tato"),
        (_re(r"umur|usia"), None, "umur.donor_darah"),
        (None, None, "syarat_donor.siapa"),
    )),
    ("diwakilkan", _re(r"\b(?:di|me|ng|è)?wakil\w*|\bèwakèlè|\b[eè]wak[eè]l\w*|\bmakele|\btitip\w*|\bnitip\w*|\bdi(?:gantikan|gantiin)\b|\bganti(?:kan|in)\b|\bdi(?:ganti|gantos)\s+(?:karo|sama|kalih|kaliyan|ambi|oleh|dening|bi)\b|\bwong liy[ao]\b|\borang lain\b|\btiyang sanes\b|\boreng laen\b|\b(?:datang|hadir|teko|rawuh|dateng) (?:sendiri|dewe|piyambak|dhibi)\b|^(?!.*\b" + _WHEN_WHERE + r"\b).*\b(?:harus|kudu|wajib|kedah|kodu) (?:ikut|melu|tumut|hadir|teko|datang|rawuh|dateng)\b|\b" + _CAN + r"\b.*\b" + _PERSON + r"\b.*\b" + _COME + r"\b|\b" + _PERSON + r"\b.*\b" + _CAN + r"\b.*\b" + _COME + r"\b|\b" + _CAN + r"\b.*\b" + _DONE_BY + r"\b.*\b" + _PERSON + r"\b|\b" + _PERSON + r"\b.*\b(?:saja|aja|ae|mawon|beih|bae|thok)\b.*\b(?:yang|sing|ingkang|se)\b.*\b" + _COME + r"\b"
                       # "ibu sakit, jadi saya yang ngurus kk, boleh?": the writer does it for the person named.
                       r"|\b" + _PERSON + r"\b.*\b" + _MINE + r"\s+(?:yang|sing|seng|ingkang|se)\s+(?:urus\w*|" + _COME + r")\b"), (
        (_re(r"sakit|sepuh|tua|lumpuh|stroke|gerah|lara|mboten saged|ora iso metu"), frozenset({"ktp", "ktp_ganti"}), "diwakilkan.ktp.sakit"),
        (_re(r"ambil|njupuk|mundut|jupuk|pundhut"), frozenset({"ktp", "ktp_ganti"}), "diwakilkan.ktp.ambil"),
        (None, frozenset({"ktp", "ktp_ganti"}), "diwakilkan.ktp.rekam"),
        (None, frozenset({"kk", "kk_ganti"}), "diwakilkan.kk"),
        (None, frozenset({"akta"}), "diwakilkan.akta"),
        (None, frozenset({"akta_kematian"}), "diwakilkan.akta_kematian"),
        (None, frozenset({"kia", "kia_ganti"}), "diwakilkan.kia"),
        (None, frozenset({"kb"}), "diwakilkan.kb"),
        (None, frozenset({"cek_kesehatan"}), "diwakilkan.cek_kesehatan"),
        (None, frozenset({"donor_darah"}), "diwakilkan.donor_darah"),
        (None, frozenset({"peternakan"}), "diwakilkan.peternakan"),
        (None, frozenset({"bansos"}), "diwakilkan.bansos"),
        (None, frozenset({"kartu_kuning"}), "diwakilkan.kartu_kuning"),
        (None, frozenset({"perizinan"}), "diwakilkan.perizinan"),
        (None, None, "diwakilkan.ktp.rekam diwakilkan.kb diwakilkan.kk"),  # no service: who must come, who may not
    )),
    ("denda", _re(r"\b(?:di)?(?:denda|dendo|dedenda)\w*|\bsanksi\w*|\bhukuman\w*|\bdihukum\b"), (
        (_re(r"lapor|urus|ngurus|akta|akte|kelahiran|kematian|lahir|meninggal|pindah|perubahan|\bkk\b"), None,
         "denda.terlambat_lapor"),
        (None, None, "denda.tidak_datang"),
    )),
    ("keluar_antrean", _re(_QUEUE + r".*" + _LOST + r"|" + _LOST + r".*" + _QUEUE + r"|" + _STEP_OUT + r"|" + _NUMBER_LEFT
                           + r"|" + _LEAVE + r"\s+(?:\w+\s+)?" + _QUEUE  # "klo keluar antrian gimana", "metu seko antrian"
                           + r"|" + _QUEUE + r".*" + _AWAY_FOR + r"|" + _AWAY_FOR + r".*" + _QUEUE), (
        (None, None, "antrean.keluar"),
    )),
    ("kantor", _re(_OFFICE), (
        (_re(r"kesehatan|\bkb\b|\bnib\b|kartu kuning|\bckg\b|puskesmas|disnaker|dinkes"), None, "terlewat.dinas_lain"),
        (None, frozenset({"cek_kesehatan", "kb", "perizinan", "kartu_kuning"}), "terlewat.dinas_lain"),
        (_re(_LOST_CARD + r".*\b(?:kk|kartu keluarga)\b|\b(?:kk|kartu keluarga)\b.*" + _LOST_CARD), None,
         "kantor.dukcapil hilang_rusak.kk"),
        (_re(_LOST_CARD + r".*\bktp\w*|\bktp\w*.*" + _LOST_CARD), None, "kantor.dukcapil hilang_rusak.ktp"),
        (_re(_LOST_CARD + r".*\bak[tc][ae]\w*|\bak[tc][ae]\w*.*" + _LOST_CARD), None, "kantor.dukcapil hilang_rusak.akta"),
        (_re(_LOST_CARD + r".*\bkia\b|\bkia\b.*" + _LOST_CARD), None, "kantor.dukcapil hilang_rusak.kia"),
        (None, None, "kantor.dukcapil"),
    )),
    ("terlewat", _re(r"\bterlambat\b|\btelat\b|kesiangan|\bkeri\b|\bterlewat\w*|\bkelewat\w*|ketinggalan|\b(?:gak|ga|tidak|ora|ndak|nggak|mboten|boten|gk|tdk|ta)\s+(?:sempat|sempet|iso teko|bisa datang|saged rawuh|saged dateng|teko|datang|hadir)\b|berhalangan|keluar (?:dari )?antre\w*|\bninggal\w*\b.*\bantre\w*|(?:tinggal|pergi|keluar|metu|medal) (?:sebentar|sedhela|sedelok|sek|disik|riyin)|\bsarapan\b|\bke toilet\b|\bke kamar mandi\b|\bsholat\b|\bsolat\b|\b(?:masih|isih|sik|taksih|tasih|gik)\b.*\b(?:dilayan\w*|dipun layani|diladeni)\b|\b(?:datang|dateng|teko|nyampe|nyampek|sampai|sampe|tekan|rawuh|dugi)\b.*\bjam\s*(?:\d|setengah|sewelas|sebelas|rolas|dua belas|siji|satu|loro|dua|telu|tiga)\w*\b.*\b(?:masih|isih|taksih|bisa|iso|saged|oleh|boleh)\b"), (
        (_re(r"terlambat|telat|kesiangan|keri|antre|nomor|nomer|dipanggil|sebentar|sedhela|sedelok|sek|disik|riyin|sarapan|toilet|kamar mandi|sholat|solat|masih|isih|taksih|tasih|\bjam\b"), None, "terlewat.terlambat"),
        # "lek aku gak teko, tiketku angus ta?": not coming, asked of the ticket (no penalty; move or cancel it).
        (_re(r"\btiket\w*|\bhangus|\bangus|\bgugur|\bdenda|\bdendo|\bsanksi|\bdiblokir"), None, "denda.tidak_datang"),
        (_re(r"kesehatan|\bkb\b|\bnib\b|kartu kuning|dinas lain|\bckg\b"), None, "terlewat.dinas_lain"),
        (None, frozenset({"cek_kesehatan", "kb", "perizinan", "kartu_kuning"}), "terlewat.dinas_lain"),
        (None, None, "terlewat.dukcapil"),
    )),
    ("biaya", _re(r"\bbayar\w*|\bmbayar\w*|\bmayar\w*|\bmajar\w*|\bebayar\w*|\bbiaya\w*|\bongkos\w*|\btarif\w*|\bpungli\b|\bduit\w*|\bbênnyar|\bbennyar|\bajar\b|\bgratis\b\W*\b(?:ta|to|a|kah|kan|ya|yo|nggak|ngga|gak|ga|tidak|nopo|mboten|napa|ora|ndak|gk|tah|toh)\b|\b(?:apa|apakah|opo|nopo|menapa|napa|apa ya)\b.*\bgratis\b|\bgratis\b.*\b(?:apa|opo|nopo|napa)\b|\bharga\w*|\bregane\b|\bberapa duit\b"), (
        (_re(r"polisi|kehilangan|polsek"), None, "biaya.ktp_surat_polisi"),
        (None, DUKCAPIL | {None}, "biaya.umum"),
        (None, frozenset({"cek_kesehatan"}), "biaya.cek_kesehatan"),
        (None, frozenset({"kb"}), "biaya.kb"),
        (None, frozenset({"kartu_kuning"}), "biaya.kartu_kuning"),
        (None, frozenset({"perizinan"}), "biaya.perizinan"),
        (_re(r"pmk|vaksin"), frozenset({"peternakan"}), "biaya.peternakan_pmk"),
        (None, frozenset({"peternakan"}), "biaya.peternakan_ib"),
    )),
    ("fotokopi", _re(r"\bfoto ?ko?pi\w*|\bfoto ?cop[iy]\w*|\bpoto ?ko?pi\w*|\bfotocopi\w*|\bfc\b|\bfc an\b|\bkopian\w*|\b(?:perlu|harus|kudu|wajib|apa|apakah|opo|nopo|usah)\b.*\blegalisir\w*|\bdilegalisir\b"), (
        (_re(r"legalisir|hvs"), frozenset({"kk", "kk_ganti", "akta", "akta_kematian"}), "fotokopi.kk"),
        (_re(r"staples|berkali|sering|chip|cip"), None, "fotokopi.ktp"),
        (None, frozenset({"kartu_kuning"}), "fotokopi.kartu_kuning"),
        (None, DUKCAPIL | {None}, "fotokopi.umum"),
    )),
    ("waktu_jadi", _re(_DOC_READY + r"|\b(?:kapan|berapa lama|brp lama|piro suwe|pinten dinten|sampai kapan|sampe kapan|berapa hari|piro dino)\b.*\b(?:jadi\w*|dadi\w*|dados\w*|rampung|terbit|jadine|dadine)\b|\b(?:jadi\w*|dadi\w*|dados\w*|jadine|dadine|rampung|terbit)\b.*\b(?:kapan|berapa lama|piro suwe|pinten|lama|suwe)\b|\b" + _COLLECT + r"\b.*\b" + _COLLECT_WHERE + r"\b|\b" + _COLLECT_WHERE + r"\b.*\b" + _COLLECT + r"\b|\blangsung jadi\b|\bjadi hari itu\b|\bhari itu juga\b|\bberlaku berapa\b"), (
        (None, frozenset({"ktp", "ktp_ganti"}), "waktu_jadi.ktp"),
        (None, frozenset({"kk", "kk_ganti"}), "waktu_jadi.kk"),
        (None, frozenset({"akta", "akta_kematian", "kia", "kia_ganti"}), "waktu_jadi.akta"),
        (None, frozenset({"kartu_kuning"}), "waktu_jadi.kartu_kuning"),
        (None, frozenset({"perizinan"}), "waktu_jadi.perizinan"),
        (None, frozenset({"bansos"}), "waktu_jadi.bansos"),
    )),
    ("hilang_rusak", _re(r"\b(?:surat|keterangan)\b.*\b(?:polisi|kepolisian|polsek|kehilangan)\b|\b(?:polisi|kepolisian|polsek)\b"), (
        (None, frozenset({"kk", "kk_ganti"}), "hilang_rusak.kk"),
        (None, frozenset({"kia", "kia_ganti"}), "hilang_rusak.kia"),
        (None, frozenset({"akta", "akta_kematian"}), "hilang_rusak.akta"),
        (None, None, "hilang_rusak.ktp"),
    )),
    ("umur", _re(_AGE_ASKED), (
        (None, frozenset({"ktp", "ktp_ganti"}), "umur.ktp"),
        (None, frozenset({"kia", "kia_ganti"}), "umur.kia"),
        (None, frozenset({"cek_kesehatan"}), "umur.cek_kesehatan"),
        (None, frozenset({"kartu_kuning"}), "umur.kartu_kuning"),
        (None, frozenset({"donor_darah"}), "umur.donor_darah"),
    )),
)
# Topics whose answer needs a service; asked without one (and none in context) → which service?
NEEDS_SERVICE = frozenset({"waktu_jadi", "umur", "biaya"})


def topic_of(text: str) -> str | None:
    """The topic of a question around a service, or None ("daftar ktp" asks none)."""
    norm = " ".join(answers.words(text))
    if not norm:
        return None
    for name, asked, _ in TOPICS:
        if asked.search(norm):
            if name in _ASKED_ONLY and not _ASKED_READY.search(norm) and not answers.is_question(text) \
                    and not _PAID_UNASKED.search(norm):
                continue  # "alhamdulillah kk sudah jadi", "regane murah": news or a remark, not a question
            return name
    if norm == "gratis" and text.strip().endswith("?"):
        return "biaya"
    return None


# "fotokopi KK perlu berapa lembar?", "bawa KK asli?", "KTP-nya difotokopi?": a document named as a thing to
# bring, not the service wanted (a KTP-el repair asks for a KK photocopy).
_AS_DOCUMENT = re.compile(
    r"\b(?:fotokopi\w*|fotocopy\w*|fotokopian|fc|fcopy|copy\w*|kopi|kopian|salinan|lembar|rangkap|asli\w*|bawa\w*|"
    r"gowo\w*|nggowo\w*|beta|mbeta|betha|ngibe|ngiba|lampir\w*|scan|difoto|berkas\w*)\b", re.IGNORECASE)


def named_service(turn: Turn) -> str | None:
    """The service the message asks about by name — not one it names as a document to bring while
    another service is in context (then the context's is meant; asked alone, the named one)."""
    named = turn.entities.get("layanan")
    context = turn.slots.get("layanan")
    if named and context and named != context and _AS_DOCUMENT.search(" ".join(answers.words(turn.text))):
        return None
    return named


def _service_in_context(turn: Turn) -> str | None:
    """The service the question is about: named in it, the conversation's, or the resident's ticket."""
    named = named_service(turn) or turn.slots.get("layanan")
    if named:
        return named
    by_name = {s.nama_pendek: s.key for s in turn.facts.layanan_list()}
    for item in turn.facts.open_items_of_resident():
        key = by_name.get(getattr(item, "layanan", ""))
        if key:
            return key
    return None


def _pick(topic: str, norm: str, service: str | None) -> str | None:
    for name, _, rows in TOPICS:
        if name != topic:
            continue
        for refine, services, kunci in rows:
            if refine is not None and not refine.search(norm):
                continue
            if services is not None and service not in services:
                continue
            return kunci
    return None


def sourced_answer(turn: Turn, in_handoff: bool = False, about_proposal: bool = False) -> Say | None:
    """The answer to a question around a service, or None when the message asks none. `in_handoff`: a
    petugas holds (or is awaited in) the chat, so the answer says the chat goes on instead of offering one.
    `about_proposal`: asked with a proposal ("… usul dibenahi. gratis ta?"): a cost is the proposal's."""
    topic = topic_of(turn.text)
    if topic is None:
        return None
    return _answer(turn, topic, "usulan.gratis" if about_proposal and topic == "biaya" else None,
                   in_handoff=in_handoff, about_proposal=about_proposal)


def _answer(turn: Turn, topic: str, kunci: str | None, in_handoff: bool = False,
            about_proposal: bool = False) -> Say | None:
    """The answer of a topic (`kunci` None: the row the service at hand picks) or of one row."""
    service = None if about_proposal else _service_in_context(turn)
    norm = " ".join(answers.words(turn.text))
    kunci = kunci or _pick(topic, norm, service)
    lay = turn.facts.layanan(service) if service else None
    if kunci is None:
        if service is None and topic in NEEDS_SERVICE:
            return say("info.which_service", topic=say(f"info.topic.{topic}"))
        return say("info.unknown", topic=say(f"info.topic.{topic}"),
                   layanan=lay.nama_pendek if lay else say("info.this_service"))
    visit_line = _own_context(turn, topic, kunci, lay)
    if visit_line is None:
        return None  # at the vehicle with a number: the queue flow knows where it stands
    rows = {a.kunci: a for a in turn.facts.sourced_answers()}
    found = [rows[k] for k in kunci.split() if k in rows]
    if not found:
        return say("info.unknown", topic=say(f"info.topic.{topic}"),
                   layanan=lay.nama_pendek if lay else say("info.this_service"))
    careful = not all(a.confirmed for a in found)
    about = say("info.about", layanan=lay.nama_pendek) if lay and len(found) == 1 and found[0].layanan != "umum" else ""
    return say("info.sourced", about=about, jawaban=" ".join(a.jawaban for a in found),
               care=say("info.care") if careful else "", visit=visit_line, sumber=_sources(found),
               more=say("info.more_in_handoff" if in_handoff else "info.more"))


def gives_a_number(turn: Turn) -> bool:
    """Whether the sourced answer to these words gives a number to call (112, 119): "nomer ambulans piro?"."""
    topic = topic_of(turn.text)
    kunci = _pick(topic, " ".join(answers.words(turn.text)), _service_in_context(turn)) if topic else None
    rows = {a.kunci: a for a in turn.facts.sourced_answers()} if kunci else {}
    return any(re.search(r"\b\d{3,}\b", rows[k].jawaban) for k in (kunci or "").split() if k in rows)


def _own_context(turn: Turn, topic: str, kunci: str, lay) -> Say | str | None:
    """What of the resident's own affairs the answer adds: their visit (late, missed, a penalty), where
    their number stands (stepping out of the queue), their ticket's status ("KK-ku wis dadi durung?"),
    their proposals (where a proposal goes). None: not this answer's to give."""
    if topic in ("terlewat", "denda", "keluar_antrean"):
        day = turn.facts.antrean_today()
        places = [p for v in day.visits for p in v.places]
        if kunci == "terlewat.terlambat" and places:
            return None
        if topic == "keluar_antrean":
            return say("info.extra", lines=Bullets([place_line(p) for p in places])) if places else ""
        t = day.upcoming_ticket
        if t is None:
            return ""
        return say("info.your_visit_cannot_come" if topic == "denda" else "info.your_visit",
                   kode=t.kode, tanggal=t.tanggal_text, jam=t.jam_text, lokasi=t.lokasi)
    if topic == "kantor":  # the office, and still the caravan: the resident's own visit, or the next one
        t = turn.facts.antrean_today().upcoming_ticket
        if t is not None:
            return say("info.your_visit", kode=t.kode, tanggal=t.tanggal_text, jam=t.jam_text, lokasi=t.lokasi)
        chosen = turn.facts.visit(turn.slots["visit_id"]) if turn.slots.get("visit_id") else None
        if chosen is not None:  # mid-registration: the visit being registered for, no "balas DAFTAR"
            return say("info.caravan_chosen", kecamatan=chosen.kecamatan, tanggal=chosen.tanggal_text,
                       jam=chosen.jam_text, lokasi=chosen.lokasi)
        dukcapil = kunci.startswith("kantor.dukcapil")
        kecamatan = turn.slots.get("kecamatan") or turn.resident.kecamatan
        visits = [v for v in turn.facts.next_visits(kecamatan, limit=3) or turn.facts.next_visits(None, limit=3)
                  if not dukcapil or any(o.key == "dispendukcapil" for o in v.opd)]
        if not visits:
            return ""
        v = visits[0]
        return say("info.caravan_too", kecamatan=v.kecamatan, tanggal=v.tanggal_text, jam=v.jam_text, lokasi=v.lokasi)
    if topic == "waktu_jadi" and lay is not None:
        mine = [i for i in turn.facts.open_items_of_resident()
                if isinstance(i, TicketView) and i.layanan == lay.nama_pendek]
        return say("info.extra", lines=Bullets([
            your_ticket(i) for i in mine[:2]])) if mine else ""
    if kunci.startswith(("usulan.diteruskan", "musrenbang.dibahas", "musrenbang.dibangun")):
        # "usulan kula dipun tindaklanjuti kapan?": the resident's own proposals beside the timeline.
        mine = [i for i in turn.facts.open_items_of_resident() if isinstance(i, ProposalView)]
        return say("info.extra", lines=Bullets([
            say("info.your_proposal", kode=i.kode, status=say(f"status.proposal.{i.status}"), updated=i.updated_text)
            for i in mine[:2]])) if mine else ""
    return ""


def your_ticket(t: TicketView) -> Say:
    """A ticket in an answer: for a visit, the visit's date and place (the date it was last changed read
    as the visit's); otherwise the last change, labelled so."""
    status = say(f"status.ticket.{t.status}")
    if t.visit is not None:
        return say("info.your_ticket_visit", kode=t.kode, status=status, tanggal=t.visit.tanggal_text,
                   lokasi=t.visit.lokasi)
    return say("info.your_ticket", kode=t.kode, status=status, updated=t.updated_text)


def _sources(found) -> str:
    """The first source of each answer, short: "Kompas TV, 9 Mei 2024"; how many more there are."""
    shown, more = [], 0
    for a in found:
        sources = [s.strip() for s in a.sumber.split(" | ") if s.strip()]
        if sources:
            parts = [p.strip() for p in sources[0].split(" — ")]
            short = ", ".join(p for p in (parts[1] if len(parts) > 1 else parts[0], parts[-1] if len(parts) > 3 else "")
                              if p)
            if short not in shown:
                shown.append(short)
            more += len(sources) - 1
    return "; ".join(shown) + (f" (+{more} sumber lain)" if more else "")


# — the nearest question: what a message asks when no topic's words match ————————————————————————————
#
# Topic patterns catch the usual wordings; residents word the same question in many other ways ("kalo ga
# dateng pas jadwalnya, tiket hangus ga?"). Each question has examples in several registers
# (storage/reference/tanya_jawab_contoh.csv, through Facts.question_examples); a message is compared with
# them on the recogniser's normalised words (Javanese, Madurese and chat spellings mapped to Indonesian), as
# tf-idf vectors of character n-grams inside words plus the words themselves, by cosine. The best key above
# SURE is answered; above NEAR it is offered ("Maksud Anda …?"); below, the bot says it cannot answer yet.

SURE = 0.52
NEAR = 0.40
# The bot's own questions among the examples (not rows of tanya_jawab.csv).
SCHEDULE, REPLIES, ANNOUNCEMENT = "@jadwal", "@balasan", "@pengumuman"


def _features(text: str) -> dict[str, float]:
    counts: dict[str, float] = {}
    for word in text.split():
        counts["w:" + word] = counts.get("w:" + word, 0.0) + 1.0
        padded = f" {word} "
        for n in (3, 4, 5):
            for i in range(max(1, len(padded) - n + 1)):
                gram = padded[i:i + n]
                counts[gram] = counts.get(gram, 0.0) + 1.0
    return counts


class QuestionIndex:
    """tf-idf nearest neighbour over the examples (each a normalised text and its key)."""

    def __init__(self, examples: list[tuple[str, str]]):
        docs = [(key, _features(text)) for key, text in examples if text.strip()]
        df: dict[str, int] = {}
        for _, feats in docs:
            for f in feats:
                df[f] = df.get(f, 0) + 1
        n = len(docs)
        self.idf = {f: math.log((1 + n) / (1 + d)) + 1.0 for f, d in df.items()}
        # A word no example has ("imunisasi", "paspor") is what the question is about: it weighs as the rarest
        # feature, so a question that only shares "kenduren mas" with the examples stays far from them all.
        self.unseen = math.log(1 + n) + 1.0
        self.docs = [(key, self._vector(feats)) for key, feats in docs]
        # Each feature's examples and weights: a message is scored only against the examples sharing a
        # feature with it (a few hundred of the thousands of weights a full scan multiplies by zero).
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for number, (_, vec) in enumerate(self.docs):
            for f, v in vec.items():
                self.postings.setdefault(f, []).append((number, v))
        self._last: tuple[str, tuple[str | None, float]] | None = None

    def _vector(self, feats: dict[str, float]) -> dict[str, float]:
        vec = {f: (1.0 + math.log(c)) * self.idf.get(f, self.unseen) for f, c in feats.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {f: v / norm for f, v in vec.items()}

    def nearest(self, text: str) -> tuple[str | None, float]:
        last = self._last  # one message asks it up to three times (policy), each with the same text
        if last is not None and last[0] == text:
            return last[1]
        found = self._nearest(text)
        self._last = (text, found)
        return found

    def _nearest(self, text: str) -> tuple[str | None, float]:
        # The cosine of every example, summed in the query's feature order as a full scan would (the
        # same floats, so the same key wins), over only the examples that share a feature.
        scores: dict[int, float] = {}
        for f, w in self._vector(_features(text)).items():
            for number, v in self.postings.get(f, ()):
                scores[number] = scores.get(number, 0) + w * v
        best: dict[str, float] = {}
        for number in sorted(scores):
            key, score = self.docs[number][0], scores[number]
            if score > best.get(key, 0.0):
                best[key] = score
        if not best:
            return None, 0.0
        key = max(best, key=best.__getitem__)
        return key, best[key]


_INDEXES: dict[tuple[int, int], QuestionIndex] = {}


def _index(turn: Turn) -> QuestionIndex:
    examples = turn.facts.question_examples()
    cache_key = (id(turn.nlu), id(examples))
    index = _INDEXES.get(cache_key)
    if index is None:
        index = QuestionIndex([(key, _normalised(turn, text)) for key, text in examples])
        _INDEXES.clear()  # one recogniser and one reference per process
        _INDEXES[cache_key] = index
    return index


def _normalised(turn: Turn, text: str) -> str:
    if turn.nlu is not None:
        return turn.nlu.normalised(text)
    return " ".join(answers.words(text))


def normalised(turn: Turn) -> str:
    """The message's words as the recogniser reads them (registers mapped to Indonesian)."""
    return _normalised(turn, turn.text)


def nearest_question(turn: Turn) -> tuple[str | None, float]:
    """The key of the question the message is nearest to, and how near (0–1)."""
    return _index(turn).nearest(_normalised(turn, turn.text))


_TOPIC_OF_KUNCI = {kunci: name for name, _, rows in TOPICS for _, _, keys in rows for kunci in keys.split()}
TOPIC_NAMES = frozenset(name for name, _, _ in TOPICS)


def answer_by_key(turn: Turn, key: str, in_handoff: bool = False) -> Say | None:
    """The sourced answer of a key from the examples: a topic (the service at hand picks the row) or a kunci."""
    if key in TOPIC_NAMES:
        topic, kunci = key, None
    else:
        topic, kunci = _TOPIC_OF_KUNCI.get(key, key.split(".")[0]), key
    return _answer(turn, topic, kunci, in_handoff=in_handoff)


def question_label(turn: Turn, key: str) -> str | None:
    """How a key's question reads, for "Maksud Anda …?": the `pertanyaan` of its row (a kunci), else None."""
    if key.startswith("@"):
        return None
    if key in TOPIC_NAMES:
        return None
    return next((text for k, text in reversed(turn.facts.question_examples()) if k == key), None)
