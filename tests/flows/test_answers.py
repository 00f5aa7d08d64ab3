"""The answer matcher as a table: what a resident types → what it means for the question."""

import pytest

from flows import answers

CONFIRM = ["Ya, daftarkan", "Ubah", "Batal"]
VISIT = ["Daftar untuk tanggal ini", "Pilih tanggal lain"]
AFTER_VISIT = ["Daftar layanan untuk jadwal ini", "Ingatkan saya", "Kembali ke menu"]
ERASE = ["Ya, hapus data saya", "Tidak jadi"]
CHANGE = ["Nama", "Desa/kelurahan", "Catatan", "Jadwal"]
MENU = ["Jadwal Kenduren Mas", "Daftar layanan (KTP-el, KK, KB, bansos, …)", "Kirim usulan pembangunan desa",
        "Cek status tiket/usulan", "Pengingat jadwal", "Bicara dengan petugas"]
SUPPORT = ['Dukung *US-0193* — "Jalan utama berlubang" (12 pendukung)', "Usulan saya berbeda"]


@pytest.mark.parametrize("text, n", [
    ("1", 1), ("1.", 1), (" 2) ", 2), ("no 1", 1), ("No. 1", 1), ("nomer 2", 2), ("nomor 3", 3), ("1️⃣", 1),
    ("2️⃣", 2), ("siji", 1), ("setunggal", 1), ("satu", 1), ("loro", 2), ("kalih", 2), ("telu", 3),
    ("sing nomer loro", 2), ("yang kedua", 2), ("ke-2", 2), ("limo", 5), ("gangsal", 5), ("settong", 1),
    ("duwa'", 2), ("10", 10), ("🔟", 10), ("2 aja", 2), ("nomer siji mawon", 1),
    ("123", None), ("1 2", None), ("ktp 2 lembar", None), ("", None), ("nomer", None), ("satu dua", None),
])
def test_numbers_in_any_form(text, n):
    assert answers.number(text) == n


@pytest.mark.parametrize("text, meaning", [
    ("ya", True), ("iya", True), ("iyo", True), ("nggih", True), ("inggih", True), ("enggeh", True), ("yoi", True),
    ("ok", True), ("sip", True), ("setuju", True), ("leres", True), ("Iya pak", True), ("nggih bu, suwun", True),
    ("iyo hapusen", True), ("ya daftarkan", True), ("enggi", True), ("he eh", True),
    ("tidak", False), ("gak", False), ("ora", False), ("mboten", False), ("enggak", False), ("ndak", False),
    ("tak", False), ("jangan", False), ("ta'", False), ("gak setuju", False), ("ora gelem", False),
    ("ga jadi wis", False), ("mboten usah", False), ("bukan", False), ("ndak onok", False),
    ("kapan kenduren mas ke gempol ya", None), ("", None), ("gempol", None), ("suwun", None),
])
def test_yes_and_no_in_three_languages(text, meaning):
    assert answers.yes_no(text) is meaning


@pytest.mark.parametrize("text", ["lewati", "Lewati", "skip", "gak ada", "ndak onok", "tidak ada", "kosong", "-",
                                  "—", "gak onok pak", "mboten wonten", "tidak ada, makasih", "ga usah", "tidak",
                                  "ta' tadha'", "ta' bedeh", "ta' bede", "yaudh lewati", "yowis lewati wae",
                                  "yaudah gak ada"])
def test_skip_words(text):
    assert answers.is_skip(text)


@pytest.mark.parametrize("text", ["KTP hilang", "tidak ada KK", "lewat belakang balai desa", "gak ada listrik 3 hari",
                                  "Siti", "1"])
def test_content_is_not_a_skip(text):
    assert not answers.is_skip(text)


@pytest.mark.parametrize("text, score", [
    ("5", 5), ("lima", 5), ("limo", 5), ("1", 1), ("⭐⭐⭐⭐", 4), ("apik pol", 5), ("apik", 4), ("elek", 1),
    ("bagus sekali", 5), ("sangat baik", 5), ("biasa saja", 3), ("kurang", 2), ("gak apik", 2), ("jelek banget", 1),
    ("mantap", 5), ("sae sanget", 5), ("mantep pol pelayanane", 5), ("nilai 4", 4), ("4/5", None), ("9", None), ("kapan jadwalnya", None),
])
def test_ratings_in_words(text, score):
    assert answers.rating(text) == score


@pytest.mark.parametrize("text, labels, yes, no, index", [
    ("ya daftarkan", CONFIRM, 0, 2, 0),
    ("daftarkan", CONFIRM, 0, 2, 0),
    ("ubah", CONFIRM, 0, 2, 1),
    ("ubah nama", CONFIRM, 0, 2, 1),
    ("batal", CONFIRM, 0, 2, 2),
    ("iya", CONFIRM, 0, 2, 0),
    ("3", CONFIRM, 0, 2, 2),
    ("4", CONFIRM, 0, 2, None),
    ("pilih tanggal lain", VISIT, 0, 1, 1),
    ("tanggal lain", VISIT, 0, 1, 1),
    ("daftar", VISIT, 0, 1, 0),
    ("tanggal", VISIT, 0, 1, None),  # both options say "tanggal"
    ("daftar", AFTER_VISIT, None, None, 0),
    ("ingatkan", AFTER_VISIT, None, None, 1),
    ("ingetno aku", AFTER_VISIT, None, None, None),
    ("menu", AFTER_VISIT, None, None, 2),
    ("iyo hapusen", ERASE, 0, 1, 0),
    ("ga jadi wis", ERASE, 0, 1, 1),
    ("dukung", SUPPORT, None, 1, 0),
    ("beda", SUPPORT, None, 1, 1),
    ("aku arep usul lampu PJU mati ae", AFTER_VISIT, None, None, None),
    ("daftar tapi ingatkan juga", AFTER_VISIT, None, None, None),
    ("", CONFIRM, 0, 2, None),
    ("ubah desa", CHANGE, None, None, 1),  # a label's first word counts, common or not
    ("desane", CHANGE, None, None, 1),
    ("ubah kelurahan", CHANGE, None, None, 1),
    ("desa", MENU, None, None, None),  # the "desa" at the end of "… pembangunan desa" names nothing
])
def test_option_words_pick_the_option(text, labels, yes, no, index):
    assert answers.pick(text, labels, yes=yes, no=no) == index


@pytest.mark.parametrize("text, closing", [
    ("suwun", True), ("suwun nggih", True), ("makasih", True), ("ok siap", True), ("matur nuwun bu", True),
    ("terima kasih banyak", True), ("suwun sanget", True), ("yowis suwun", True), ("bye", True), ("sakalangkong", True), ("makasih, kapan ke gempol?", False), ("ya", True),
    ("gempol", False), ("", False),
])
def test_thanks_and_closings(text, closing):
    assert answers.is_closing(text) is closing


@pytest.mark.parametrize("text, never_mind", [
    ("nggak usah", True), ("gak usah", True), ("ora usah", True), ("mboten usah", True), ("gausah", True),
    ("ga perlu", True), ("wis gak usah", True), ("ora ono", False), ("lewati", False), ("gak ada", False),
    ("gak usah dikirim pengingat lagi", False), ("usah", False), ("perlu ktp", False),
])
def test_never_mind_is_a_skip_meaning_drop_it(text, never_mind):
    assert answers.is_never_mind(text) is never_mind
    assert answers.is_skip("nggak usah") and answers.is_skip("gausah")


REMIND = ["Ingatkan saya", "Kembali ke menu"]
MENU = ["Jadwal Kenduren Mas", "Daftar layanan (KTP, KK, akta, BPJS, …)", "Kirim usulan pembangunan desa",
        "Cek status tiket/usulan", "Pengingat jadwal", "Bicara dengan petugas"]
REGISTER_OR_OTHER = ["Daftar untuk tanggal ini", "Pilih tanggal lain"]
CHANGE = ["Nama", "Desa/kelurahan", "Catatan", "Jadwal"]


def _lexicon():
    from flows.engine import lexicon_of
    from tests.flows.fakes import recogniser

    return lexicon_of(recogniser())


@pytest.mark.parametrize("text, labels, yes, no, index", [
    # Javanese, krama and slang forms of an option's words, read through the recogniser's normaliser
    ("ingetno aku", AFTER_VISIT, None, None, 1),
    ("elingno", AFTER_VISIT, None, None, 1),
    ("elingke aku", REMIND, 0, 1, 0),
    ("ingetin", REMIND, 0, 1, 0),
    ("daptar", AFTER_VISIT, None, None, 0),
    ("dafar", AFTER_VISIT, None, None, 0),
    ("dhaftar", REGISTER_OR_OTHER, 0, 1, 0),
    ("daptar", MENU, None, None, 1),
    # typos of an option's own long word
    ("dukug", SUPPORT, None, 1, 0),
    ("ingatkn", AFTER_VISIT, None, None, 1),
    ("pilih tangal lain", REGISTER_OR_OTHER, 0, 1, 1),
    # refused: two options named, unrelated words, short words
    ("daptar terus elingno", AFTER_VISIT, None, None, None),
    ("ingetno aku kapan ke bangil", AFTER_VISIT, None, None, None),
    ("tangal", REGISTER_OR_OTHER, 0, 1, None),  # both options say "tanggal"
    ("ubh", CONFIRM, 0, 2, None),  # too short to guess
    ("tinggal", REGISTER_OR_OTHER, 0, 1, None),  # a real word, not a typo of "tanggal"
    ("kulo badhe tangled", REGISTER_OR_OTHER, 0, 1, None),
    ("nggih daptar", REGISTER_OR_OTHER, 0, 1, 0),
    ("mboten, tanggal liyane", REGISTER_OR_OTHER, 0, 1, 1),
    ("kulo badhe", REGISTER_OR_OTHER, 0, 1, None),  # "I want": the normaliser's "mau" is no yes here
    ("gempol", REMIND, 0, 1, None),
    # the bot's own option words as residents say them ("2. Ubah" then "1. Nama 2. Desa/kelurahan …")
    ("ganti", CONFIRM, 0, 2, 1),
    ("gantos", CONFIRM, 0, 2, 1),
    ("ganti jeneng", CHANGE, None, None, 0),
    ("gantos nami", CHANGE, None, None, 0),
    ("ganti desane", CHANGE, None, None, 1),
    ("ganti tanggal", CHANGE, None, None, None),  # "Jadwal" is the option's word; "tanggal" names none
    ("ganti jeneng karo desa", CHANGE, None, None, None),  # two options named
    ("tanggal liyane", REGISTER_OR_OTHER, 0, 1, 1),
])
def test_residents_forms_of_an_option_pick_it_and_never_another(text, labels, yes, no, index):
    assert answers.pick(text, labels, yes=yes, no=no, lexicon=_lexicon()) == index


# "there is none" in chat spelling is a skip, never content (category: skip words stored as a note)
@pytest.mark.parametrize("text", ["gk ad", "GADA KAK", "gaada", "ga ad mbak", "ndak ada apa2", "ora ono opo-opo",
                                  "mboten wonten nopo-nopo", "tdk ada lg", "ndakada", "gak onok maneh"])
def test_none_in_chat_spelling_is_a_skip(text):
    assert answers.is_skip(text) and answers.is_none(text)


@pytest.mark.parametrize("text", ["ga ada jalan", "ora ono banyu", "gak ada listrik di rt 3", "gada lampu"])
def test_none_of_something_is_content(text):
    assert not answers.is_skip(text)


# a number wrapped in words that only point at it is that number
@pytest.mark.parametrize("text, n", [("2 wae, podo karo sing wingi", 2), ("nomer 3 ae mas", 3), ("yg 1 kak", 1),
                                     ("aku milih papat", 4), ("sing nomer 2 kados wau", 2), ("tak pilih 5 ya", 5),
                                     ("YG 2 AJA", 2), ("1 ae, sing pertama", 1)])
def test_a_number_among_pointing_words_is_the_number(text, n):
    assert answers.number(text) == n


@pytest.mark.parametrize("text", ["2 orang", "3 hari lagi", "rt 2", "umur 5", "200 meter", "2 atau 3"])
def test_a_quantity_is_no_option_number(text):
    assert answers.number(text) is None


# — yes and never-mind in krama and Madurese at every confirmation (one table: answers.YES_WORDS/NO_WORDS) —
def _confirmations():
    from catalogue import render_say
    from flows import hapus_data, langganan, layanan, places, tiket

    for name, asked in [("registration summary", layanan.CONFIRM), ("cancel a ticket", tiket.CONFIRM_CANCEL),
                        ("erase data", hapus_data.ERASE), ("reminder consent", langganan.CONSENT),
                        ("kecamatan guess", places.YES_NO), ("known desa", layanan.KNOWN_DESA)]:
        yield name, [render_say(label) for label in asked.labels()], asked.index(asked.yes), asked.index(asked.no)


CONFIRMATIONS = list(_confirmations())
KRAMA_MADURESE_YES = ["nggih, dipun busak mawon", "inggih leres", "enggi sakalangkong", "nggih, leres sampun",
                      "ngge", "injih pak", "enggi lerres", "nggeh monggo"]
KRAMA_MADURESE_NO = ["mboten", "mboten purun", "ta' iya", "bunten", "ampun", "ta' usa", "ora gelem", "mboten usah"]


@pytest.mark.parametrize("name,labels,yes,no", CONFIRMATIONS, ids=[c[0] for c in CONFIRMATIONS])
@pytest.mark.parametrize("text", KRAMA_MADURESE_YES)
def test_krama_and_madurese_yes_at_every_confirmation(name, labels, yes, no, text):
    assert answers.pick(text, labels, yes=yes, no=no) == yes


@pytest.mark.parametrize("name,labels,yes,no", CONFIRMATIONS, ids=[c[0] for c in CONFIRMATIONS])
@pytest.mark.parametrize("text", KRAMA_MADURESE_NO)
def test_krama_and_madurese_no_at_every_confirmation(name, labels, yes, no, text):
    assert answers.pick(text, labels, yes=yes, no=no) == no


@pytest.mark.parametrize("text", ["ta' usa", "ta' perlo", "mboten sah", "ampun usah", "ora usah"])
def test_madurese_and_krama_never_mind(text):
    assert answers.is_never_mind(text) or answers.is_skip(text)


# Number words 1–19 residents type at a numbered question: Madurese, krama, ngoko, Indonesian, -teens apart or joined.
@pytest.mark.parametrize("text, n", [
    ("settong", 1), ("sittong", 1), ("duwa'", 2), ("tello'", 3), ("empa'", 4), ("lema'", 5), ("ennem", 6),
    ("petto'", 7), ("ballu'", 8), ("sanga'", 9), ("sapolo", 10), ("sapolo bu", 10), ("yg sapolo kak", 10),
    ("sabellas", 11), ("duwa' bellas", 12), ("tello bellas", 13), ("empa' bellas", 14),
    ("setunggal", 1), ("kalih", 2), ("tiga", 3), ("sekawan", 4), ("gangsal", 5), ("enem", 6), ("pitu", 7),
    ("wolu", 8), ("sanga", 9), ("sedasa", 10), ("sedoso mawon", 10), ("sewelas", 11), ("kalih welas", 12),
    ("sekawan welas", 14), ("gangsal welas", 15), ("sanga welas", 19),
    ("siji", 1), ("loro", 2), ("telu", 3), ("papat", 4), ("limo", 5), ("nenem", 6), ("songo", 9),
    ("sepuluh", 10), ("sepuloh", 10), ("rolas", 12), ("telulas", 13), ("patbelas", 14), ("limolas", 15),
    ("nembelas", 16), ("pitulas", 17), ("wolulas", 18), ("songolas", 19), ("nomer sangalas", 19),
    ("sebelas", 11), ("dua belas", 12), ("duabelas", 12), ("tujuh belas", 17),
    ("belas", None), ("welas", None), ("sapolo dua", None), ("welas asih", None),
])
def test_number_words_one_to_nineteen(text, n):
    assert answers.number(text) == n


@pytest.mark.parametrize("text", ["sakalangkong nak", "kalangkong cong", "matur nuwun sanget mbak", "suwun nggih pak",
                                  "maturnuwun sanget yu", "makasih ya dek", "sakalangkong ebu", "suwun lur"])
def test_thanks_with_an_address_word_is_thanks(text):
    assert answers.is_thanks(text)


@pytest.mark.parametrize("text,n", [("ya ampun, 1", 1), ("waduh, nomer 2", 2), ("astaga 3", 3), ("yaampun 1", 1)])
def test_an_exclamation_before_the_number_is_no_part_of_it(text, n):
    assert answers.number(text) == n


@pytest.mark.parametrize("text, leaves", [
    ("batal dulu, belum mau daftar", True), ("gak sido ndaftar sik", True), ("mboten sios ndaftar rumiyin", True),
    ("batal aja lah", True), ("ta' jadi daftar, engkok bhai", True), ("btal aj", True), ("Batal", True),
    ("gak jadi daftar dulu ya", True), ("ora sido wis", True), ("ngapunten, mboten sios nggih", True),
    ("ndak jadi usul sik", True),
    # something else is said: a ticket, a stop, another request, coming — not only leaving the flow
    ("batalkan tiket saya", False), ("batal langganan", False), ("gak sido, aku arep usul lampu mati", False),
    ("gak jadi datang", False), ("gak sido teko tgl 14", False), ("jadi daftar", False), ("sido", False),
    ("Sumarti", False), ("", False),
])
def test_leaving_the_flow_under_way(text, leaves):
    assert answers.leaves_the_flow(text) is leaves


@pytest.mark.parametrize("text", ["iyo wis bener", "nggih sampun leres", "iya udah cukup", "ok", "enggi lerres", "sip bener"])
def test_agreeing_only(text):
    assert answers.is_affirmation(text)


@pytest.mark.parametrize("text", ["ya KTP hilang", "iya, data salah", "Siti", "bener tapi KK rusak", "gak"])
def test_not_only_agreeing(text):
    assert not answers.is_affirmation(text)


@pytest.mark.parametrize("text,rest", [
    ("nggih, nanging mboten usah dipun engetaken", "nanging mboten usah dipun engetaken"),
    ("iyo, daftarno kanggo bojoku", "daftarno kanggo bojoku"),
    ("ya tapi ganti nama", "tapi ganti nama"),
    ("enggi, ta' usa eengaghi", "ta' usa eengaghi"),
])
def test_a_message_opening_with_a_yes(text, rest):
    assert answers.opens_with_yes(text) == rest


@pytest.mark.parametrize("text", ["ganti tanggal, tgl 23", "gak, nanti saja", "Siti Aminah, Blarang", "ya"])
def test_no_opening_yes(text):
    assert answers.opens_with_yes(text) is None
