"""Intent policy and entities of the recogniser (flows.nlu), as tables. No database needed."""

from __future__ import annotations

import pytest

from core.nlu import build_recogniser
from flows.nlu import INTENTS, LOW_CONFIDENCE, Understanding


@pytest.fixture(scope="module")
def nlu():
    return build_recogniser()


# The labelling policy of issue 4: the main request decides, not keywords.
POLICY = [
    # examples from the issue and CONVERSATIONS.md
    ("kpn kenduren mas nang gempl?", "jadwal"),
    ("mobil e stop nang endi minggu ngarep", "jadwal"),
    ("minggu depan di mana?", "jadwal"),
    ("hari ini di mana?", "jadwal"),
    ("sesok neng ngendi", "jadwal"),
    ("minggu depan ada apa di tv", "diluar_topik"),
    ("hari ini cuaca di mana yang cerah", "diluar_topik"),
    ("sy mw bikin ktp el, syarate opo ae", "daftar_layanan"),
    ("dalan nang desaku rusak parah pak", "usulan"),
    ("dalan nang desaku rusak parah pak, martopuro", "usulan"),
    ("ojok kirim pesen maneh", "berhenti"),
    ("P", "sapaan"),
    ("suwun", "sapaan"),
    ("status KM-4821", "cek_status"),
    ("aku njaluk ngomong karo wong, dudu mesin", "petugas"),
    # jadwal: when/where the caravan is, even naming a service; the vehicle stopping somewhere
    ("kapan dinsos ikut keliling lagi?", "jadwal"),
    ("mobile mandek nang endi sesok", "jadwal"),
    ("kenduren mas berhenti di kecamatan apa minggu depan", "jadwal"),
    # daftar_layanan: getting a service, even naming a kecamatan; "bantuan PKH" is a service
    ("mau ngurus kk nang kenduren mas bangil", "daftar_layanan"),
    ("bantuan PKH", "daftar_layanan"),
    ("bantuan sembako buat mbah saya", "daftar_layanan"),
    ("rumahku rusak kena angin puting beliung", "daftar_layanan"),
    # usulan: public infrastructure or a community need, incl. disaster damage
    ("kreteg e ambrol kena banjir", "usulan"),
    ("lampu jalan mati sebulan", "usulan"),
    ("banyu pdam gak mili", "usulan"),
    ("tanggul sungai jebol", "usulan"),
    ("sampah numpuk gak ada tps", "usulan"),
    # cek_status: something already submitted, even with "kapan"
    ("kapan ktp saya jadi?", "cek_status"),
    ("km 4821 sudah jadi?", "cek_status"),
    ("usulanku wis diproses durung", "cek_status"),
    # petugas needs an explicit wish for a human; "min"/"mbak"/"pak" as address is not it
    ("sambungkan ke petugas", "petugas"),
    ("min, kapan kenduren mas ke grati", "jadwal"),
    ("mbak syarat bikin akta apa", "daftar_layanan"),
    ("pak", "sapaan"),
    # berhenti: stopping messages; "berhenti kerja/merokok" is not
    ("stop", "berhenti"),
    ("berhenti", "berhenti"),
    ("unsubscribe", "berhenti"),
    ("jangan kirim pesan lagi", "berhenti"),
    ("berhenti merokok gimana caranya", "diluar_topik"),
    ("saya berhenti kerja dari pabrik", "diluar_topik"),
    # langganan, incl. mulai/start as re-opt-in
    ("ingatkan saya", "langganan"),
    ("mau dapat info jadwal", "langganan"),
    ("mulai", "langganan"),
    ("start", "langganan"),
    # sapaan and bantuan
    ("halo", "sapaan"),
    ("assalamualaikum", "sapaan"),
    ("matur nuwun", "sapaan"),
    ("menu", "bantuan"),
    ("bantuan", "bantuan"),
    ("tolong bantu saya", "bantuan"),
    ("bisa apa aja?", "bantuan"),
    # diluar_topik: services the caravan does not offer, directions, chit-chat
    ("perpanjang sim dimana", "diluar_topik"),
    ("bayar pajak motor di samsat", "diluar_topik"),
    ("listrik mati, pln kok lama", "diluar_topik"),
    ("lapor polisi motor ilang", "diluar_topik"),
    ("langganan indihome", "diluar_topik"),
    ("jadwal kereta surabaya malang", "diluar_topik"),
    ("kenduren", "diluar_topik"),
    ("kenduren nang omahe pak rt jam piro", "diluar_topik"),
    ("wkwkwk", "diluar_topik"),
    # issue 13: the register residents really write in, and a word of one intent in another's sense
    ("rebo ngarep mobil e nang ndi?", "jadwal"),
    ("jam 2 sik onok ta?", "jadwal"),
    ("kapan ada rekam ktp di bangil?", "jadwal"),
    ("jam piro bukane kenduren mas sesok?", "jadwal"),
    ("Nyuwun pirsa, Kenduren Mas benjing rawuh wonten Tosari kapan nggih?", "jadwal"),
    ("syarat KK apa aja", "daftar_layanan"),
    ("gowo opo ae gawe ngurus kk?", "daftar_layanan"),
    ("petugas dukcapil iso ngrekam ktp mbahku ning omah?", "daftar_layanan"),
    ("KTP saya hilang", "daftar_layanan"),
    ("aku pengen gawe ktp anakku wis 17th", "daftar_layanan"),
    ("bantuan BPNT ibuku kok gak cair", "daftar_layanan"),
    ("dalan nang desaku rusak, montorku sampe tibo", "usulan"),
    ("jalan menuju wisata bromo lewat desa kami rusak parah, mohon diperbaiki", "usulan"),
    ("Dengan hormat, kami warga RT 02 mengusulkan perbaikan saluran air yang tersumbat sehingga "
     "jalan desa selalu banjir saat hujan. Atas perhatiannya kami ucapkan terima kasih.", "usulan"),
    ("laporanku wis ditindaklanjuti?", "cek_status"),
    ("KM-4821 yok opo kabare?", "cek_status"),
    ("usulan dalan kemarin piye", "cek_status"),
    ("aku njaluk ngomong karo wong", "petugas"),
    ("admin ada?", "petugas"),
    ("batal langganan", "berhenti"),
    ("kabari aku lek onok jadwal nang Gempol", "langganan"),
    ("sugeng enjing", "sapaan"),
    ("halo min", "sapaan"),
    ("iki opo to?", "bantuan"),
    ("Kenduren Mas iku program apa?", "bantuan"),
    ("hadir", "antrean"),
    ("aku wis teko", "antrean"),
    ("sampun dugi", "antrean"),
    ("nomer antrianku piro?", "antrean"),
    ("kurang piro maneh?", "antrean"),
    ("antrean dispendukcapil piro?", "antrean"),
    ("bayar pajak mobil nang ndi?", "diluar_topik"),
    ("token listrik ku entek", "diluar_topik"),
    ("iuran bpjs kelas 3 berapa", "diluar_topik"),
    ("dodol sapi 2 ekor sopo minat", "diluar_topik"),
    ("tarif tol pandaan malang berapa", "diluar_topik"),
    ("galon aqua iso diter mrene?", "diluar_topik"),
]


@pytest.mark.parametrize(("text", "intent"), POLICY)
def test_policy(nlu, text, intent):
    assert nlu.understand(text).intent == intent


def test_understanding_shape(nlu):
    result = nlu.understand("kpn kenduren mas nang gempl?")
    assert isinstance(result, Understanding)
    assert result.intent in INTENTS
    data = result.as_dict()
    assert set(data) == {"intent", "entities", "confidence"}
    assert data["entities"] == {"kecamatan": "Gempol", "kecamatan_asal": "disebut"}
    assert 0 <= data["confidence"] <= 1 and round(data["confidence"], 3) == data["confidence"]
    with pytest.raises(AttributeError):
        result.intent = "sapaan"


def test_off_topic_gets_no_confident_in_scope_intent(nlu):
    for text in ["Tambahkan lagu ini ke playlist saya", "Apakah akan hujan minggu ini?", "pesan meja di restoran"]:
        assert nlu.understand(text).intent == "diluar_topik"


def test_unsure_when_classifier_and_gate_disagree(nlu):
    assert LOW_CONFIDENCE == 0.5
    assert nlu.understand("1").confidence < LOW_CONFIDENCE


# --- entities
KECAMATAN_TYPOS = [
    ("gempl", "Gempol"), ("purwosri", "Purwosari"), ("gdg wetan", "Gondangwetan"), ("pojentrek", "Pohjentrek"),
    ("purwodadu", "Purwodadi"), ("tutr", "Tutur"), ("puspoo", "Puspo"), ("lumbng", "Lumbang"),
    ("pasrpan", "Pasrepan"), ("kejyan", "Kejayan"), ("wonorjo", "Wonorejo"), ("sukorjo", "Sukorejo"),
    ("prign", "Prigen"), ("pndaan", "Pandaan"), ("bejii", "Beji"), ("bngil", "Bangil"), ("rembng", "Rembang"),
    ("kraon", "Kraton"), ("gondangwtan", "Gondangwetan"), ("winongn", "Winongan"), ("gratii", "Grati"),
    ("ngulin", "Nguling"), ("lkok", "Lekok"), ("rejosso", "Rejoso"), ("tosri", "Tosari"),
]
KECAMATAN_ALIASES = [
    ("nongkojajar", "Tutur"), ("nongko jajar", "Tutur"), ("Gondang Wetan", "Gondangwetan"),
    ("gondang-wetan", "Gondangwetan"), ("poh jentrek", "Pohjentrek"), ("tretes", "Prigen"),
    ("purwo sari", "Purwosari"), ("keraton", "Kraton"),
]


@pytest.mark.parametrize(("typed", "kecamatan"), KECAMATAN_TYPOS + KECAMATAN_ALIASES)
def test_kecamatan_in_a_message(nlu, typed, kecamatan):
    assert nlu.understand(f"kapan kenduren mas nang {typed}?").entities.get("kecamatan") == kecamatan


@pytest.mark.parametrize(("typed", "kecamatan"), KECAMATAN_TYPOS + KECAMATAN_ALIASES)
def test_match_kecamatan_answer(nlu, typed, kecamatan):
    match = nlu.match_kecamatan(typed)
    assert match is not None and match.name == kecamatan and 0 < match.score <= 100


@pytest.mark.parametrize("name", ["Gempol", "PURWOSARI", "kec. bangil", "di kecamatan Tosari pak", "nongkojajar"])
def test_exact_kecamatan_is_certain(nlu, name):
    match = nlu.match_kecamatan(name)
    assert match.certain and match.score == 100


@pytest.mark.parametrize("typed", ["gmpl", "pasrpn", "gratis"])
def test_far_typo_asks_first(nlu, typed):
    match = nlu.match_kecamatan(typed)
    assert match is not None and not match.certain


@pytest.mark.parametrize("typed", ["martopuro", "desa kalirejo", "halo", "jalan rusak",
                                   "mon engkok terro nyareh pole", "engkok ta' tao"])  # Madurese "engkok" = I
def test_no_kecamatan_guessed(nlu, typed):
    assert nlu.match_kecamatan(typed) is None


def test_kecamatan_is_never_guessed_from_a_desa(nlu):
    entities = nlu.understand("dalan nang desa martopuro rusak").entities
    assert entities["desa"] == "Martopuro"
    assert entities["desa_kecamatan"] == ["Purwosari"]
    assert "kecamatan" not in entities


def test_common_words_are_not_places(nlu):
    assert "kecamatan" not in nlu.understand("mau pasang kb gratis").entities  # gratis ~ Grati
    assert "desa" not in nlu.understand("jeruk e wis mateng").entities  # desa Jeruk, Rembang


def test_shared_desa_name_lists_every_kecamatan(nlu):
    entities = nlu.understand("jalan berlubang di desa kalirejo").entities
    assert entities["desa"] == "Kalirejo"
    assert entities["desa_kecamatan"] == ["Bangil", "Gondangwetan", "Kraton", "Sukorejo"]


def test_the_output_says_whether_the_kecamatan_was_named_or_inferred(nlu):
    named = nlu.understand("kapan kenduren mas nang kec kraton?").entities
    assert named["kecamatan"] == "Kraton" and named["kecamatan_asal"] == "disebut"
    inferred = nlu.understand("kapan kenduren mas nang sidogiri?").entities
    assert inferred["kecamatan"] == "Kraton" and inferred["kecamatan_asal"] == "dari_desa"
    both = nlu.understand("kapan kenduren mas nang desa sidogiri kecamatan kraton?").entities
    assert both["kecamatan_asal"] == "disebut"
    assert "kecamatan_asal" not in nlu.understand("dalan nang desa martopuro rusak").entities  # no kecamatan at all


def test_kecamatan_disambiguates_desa(nlu):
    entities = nlu.understand("jalan berlubang di desa kalirejo kec bangil").entities
    assert entities["kecamatan"] == "Bangil"
    assert entities["desa_kecamatan"] == ["Bangil"]


def test_desa_wonorejo_is_not_kecamatan_wonorejo(nlu):
    desa = nlu.understand("jalan rusak di desa wonorejo").entities
    assert desa["desa"] == "Wonorejo" and "kecamatan" not in desa
    assert set(desa["desa_kecamatan"]) == {"Lumbang", "Wonorejo"}
    kecamatan = nlu.understand("jalan rusak di kecamatan wonorejo").entities
    assert kecamatan["kecamatan"] == "Wonorejo" and "desa" not in kecamatan


def test_match_desa_ambiguous_and_restricted(nlu):
    matches = nlu.match_desa("kalirejo")
    assert [(m.name, m.kecamatan) for m in matches] == [
        ("Kalirejo", "Bangil"), ("Kalirejo", "Gondangwetan"), ("Kalirejo", "Kraton"), ("Kalirejo", "Sukorejo")
    ]
    assert [(m.name, m.kecamatan) for m in nlu.match_desa("kalirejo", kecamatan="Bangil")] == [("Kalirejo", "Bangil")]
    assert [(m.name, m.kecamatan) for m in nlu.match_desa("desa kalirejo", kecamatan="bngil")] == [("Kalirejo", "Bangil")]


@pytest.mark.parametrize(
    ("typed", "desa", "kecamatan"),
    [
        ("martopuro", "Martopuro", "Purwosari"),
        ("martopuri", "Martopuro", "Purwosari"),
        ("ds. martopuro", "Martopuro", "Purwosari"),
        ("oro oro pule", "Oro-Oro Pule", "Kejayan"),
        ("oro oro puleh", "Oro-Oro Pule", "Kejayan"),
        ("karangjati anyar", "Karang Jatianyar", "Wonorejo"),
        ("gondang wetan", "Gondang Wetan", "Gondangwetan"),
    ],
)
def test_match_desa_best_first(nlu, typed, desa, kecamatan):
    best = nlu.match_desa(typed)[0]
    assert (best.name, best.kecamatan) == (desa, kecamatan)


def test_match_desa_outside_kecamatan_is_empty(nlu):
    assert nlu.match_desa("martopuro", kecamatan="Gempol") == []


@pytest.mark.parametrize(
    ("text", "kode"),
    [
        ("status KM-4821", "KM-4821"),
        ("status km 4821", "KM-4821"),
        ("km4821", "KM-4821"),
        ("cek us 0193 pak", "US-0193"),
        ("STATUS US-0193", "US-0193"),
        ("tiket km-0042 piye", "KM-0042"),
    ],
)
def test_kode(nlu, text, kode):
    result = nlu.understand(text)
    assert result.entities["kode"] == kode
    assert result.intent == "cek_status"


@pytest.mark.parametrize(
    ("text", "layanan"),
    [
        ("sy mw bikin ktp el", "ktp"), ("ngurus kartu keluarga", "kk"), ("akte lahir anakku", "akta"),
        ("kartu identitas anak", "kia"), ("pasang iud", "kb"), ("bantuan PKH", "bansos"),
        ("cek kesehatan gratis", "cek_kesehatan"), ("kartu kuning", "kartu_kuning"), ("kartu tani", "pertanian"),
        ("sapiku arep di ib", "peternakan"), ("kartu perpus", "perpustakaan"),
        ("omahku ambruk kena longsor", "bencana"), ("legalisir ijazah", "pendidikan"), ("bikin nib", "perizinan"),
        ("donor darah", "donor_darah"),
        # Folk names (flows/nlu/data/entitas.tsv): Madurese "koneng" is yellow; the AK/1 card by what it is for.
        ("mau bikin kartu koneng", "kartu_kuning"), ("kaula terro aghebay kartu koneng", "kartu_kuning"),
        ("nggawe kartu kuneng nang ndi", "kartu_kuning"), ("kartu pencaker", "kartu_kuning"),
        ("aku butuh kartu golek gawe", "kartu_kuning"), ("katepe", "ktp"), ("pil kb", "kb"),
        ("kartu KKS", "bansos"), ("akte lahir", "akta"),
    ],
)
def test_layanan(nlu, text, layanan):
    assert nlu.match_layanan(text) == layanan
    assert nlu.understand(text).entities.get("layanan") == layanan


@pytest.mark.parametrize(
    ("text", "kategori"),
    [
        ("dalan rusak parah", "jalan"), ("kreteg e ambrol", "jembatan"), ("irigasine mampet", "irigasi"),
        ("got mampet", "drainase"), ("lampu jalan mati", "lampu_jalan"), ("banyu pdam gak mili", "air_bersih"),
        ("uwuh numpuk", "sampah"), ("tanggul jebol", "tanggul"), ("balai desa bocor", "fasilitas_umum"),
        ("lainnya", "lainnya"),
    ],
)
def test_kategori(nlu, text, kategori):
    assert nlu.match_kategori(text) == kategori


@pytest.mark.parametrize(
    ("text", "opd"),
    [("kapan dinsos ikut keliling lagi?", "dinsos"), ("petugas dukcapil", "dispendukcapil"), ("bpbd", "bpbd"), ("pmi", "pmi")],
)
def test_opd(nlu, text, opd):
    assert nlu.understand(text).entities.get("opd") == opd


@pytest.mark.parametrize(
    ("text", "waktu"),
    [("kenduren mas dino iki nang endi", "hari_ini"), ("sesok nang endi", "besok"), ("minggu ngarep", "minggu_depan")],
)
def test_waktu(nlu, text, waktu):
    assert nlu.understand(text).entities.get("waktu") == waktu


def test_absent_entities_are_omitted(nlu):
    assert nlu.understand("halo").entities == {}


# Javanese/Indonesian function words that sit close to place names (Lekok, Rembang, Kraton, Gempol,
# Kejayan, Beji, …): read as places, they would send a resident to the wrong kecamatan.
FUNCTION_WORD_TRAPS = [
    "lek onok jadwal kabari aku yo",
    "nek sesok udan yo ora sido",
    "yen wis teko aku dikabari",
    "kan wingi wis daftar",
    "sing nomer loro ae",
    "iku lho mas sing tak takokno",
    "kono onok opo ae",
    "kene ae wis cedhak",
    "bang, kapan mobil e teko?",
    "ae lah terserah",
    "mbok menawi saged",
    "monggo pinarak",
    "sampeyan teko jam piro",
    "wis ya matur suwun",
]


@pytest.mark.parametrize("text", FUNCTION_WORD_TRAPS)
def test_function_words_are_not_places(nlu, text):
    entities = nlu.understand(text).entities
    assert "kecamatan" not in entities and "desa" not in entities, entities


# Words one letter from a kecamatan's name (Pandaan, Kraton, Rembang, Nguling) that once became places
# in the corpus's off-topic and help messages.
NEAR_NAME_WORDS = [
    "panduan penggunaan",
    "wingi katon nang pasar",
    "usulan kula sampun dipun rembag?",
    "gak usah ngeling-ngelingno maneh",
]


@pytest.mark.parametrize("text", NEAR_NAME_WORDS)
def test_words_a_letter_from_a_name_are_not_places(nlu, text):
    assert "kecamatan" not in nlu.understand(text).entities


@pytest.mark.parametrize("text, kecamatan", [
    ("kec pandan ada cek kesehatan gratis?", "Pandaan"),  # after "kec." an ordinary word may be the name
    ("sy org lekoq anak udh 17 mau rekam ktp", "Lekok"),
    ("prigin kpn jadwalnya min", "Prigen"),
])
def test_misspelt_kecamatan_in_free_text(nlu, text, kecamatan):
    assert nlu.understand(text).entities.get("kecamatan") == kecamatan


def test_a_kecamatan_name_before_its_own_kecamatan_is_a_desa(nlu):
    entities = nlu.understand("jalan dekat pasar sukorejo pohjentrek rusak dan becek").entities
    assert (entities["desa"], entities["kecamatan"]) == ("Sukorejo", "Pohjentrek")


def test_a_desa_in_a_service_request_stands_for_its_kecamatan(nlu):
    """Services are registered for a visit to a kecamatan, like a schedule question."""
    entities = nlu.understand("aku arep ndaftarno mbah teko siyar cek kesehatan gratis").entities
    assert entities["desa"] == "Siyar" and entities["kecamatan"] == "Rembang"
