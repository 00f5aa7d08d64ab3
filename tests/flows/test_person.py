"""Who a registration is for and the name inside the sentence: a table of residents' answers
(Indonesian, Javanese ngoko and krama, Madurese, typos), and what is never taken as a name."""

import pytest

from flows.person import corrected_name_in, read_person, relation_in, rename_in, says_name_wrong
from flows.places import without_negated_places

# (answer at the name question, name, relation, age)
ANSWERS = [
    ("Siti Aminah", "Siti Aminah", None, None),
    ("siti aminah", "Siti Aminah", None, None),
    ("Bu Sumarti", "Sumarti", None, None),
    ("eh bukan aku, nama anakku Raka", "Raka", "anak", None),
    ("eh bukan aku, nama anakku Raka Pratama umur 8 tahun", "Raka Pratama", "anak", 8),
    ("Ibu kula asmanipun Siti Aminah", "Siti Aminah", "ibu", None),
    ("bapak saya umur 72 tahun", None, "bapak", 72),
    ("untuk anak saya", None, "anak", None),
    ("untuk anak saya, namanya Dinda", "Dinda", "anak", None),
    ("putu kula", None, "cucu", None),
    ("putu kula asmanipun Bagus", "Bagus", "cucu", None),
    ("ana' kaule", None, "anak", None),
    ("ana' kaule nyamana Hasan", "Hasan", "anak", None),
    ("nyamana Hasan", "Hasan", None, None),
    ("atas nama Dewi Lestari", "Dewi Lestari", None, None),
    ("jenenge Bagus Setiawan", "Bagus Setiawan", None, None),
    ("anakku jenenge Raka umur 10", "Raka", "anak", 10),
    ("kanggo mbahku", None, "mbah", None),
    ("gawe bojoku, jenenge Sulastri", "Sulastri", "pasangan", None),
    ("suami saya, nama Slamet", "Slamet", "suami", None),
    ("nama anak sy Budi Santoso dari desa Gerbo", "Budi Santoso", "anak", None),
    ("Putri Ayu", "Putri Ayu", None, None),
    ("Muhammad Ali", "Muhammad Ali", None, None),
    # a title or a status word is not the name; an abbreviation's dot ends no sentence
    ("almarhum suami sy, Slamet Riyadi", "Slamet Riyadi", "suami", None),
    ("almarhumah ibu saya, Tumini", "Tumini", "ibu", None),
    ("alm. Slamet", "Slamet", None, None),
    ("Moch. Ilham Firmansyah", "Moch. Ilham Firmansyah", None, None),
    ("Hj. Siti Maimunah", "Hj. Siti Maimunah", None, None),
    ("namanya Muh. Yusuf", "Muh. Yusuf", None, None),
    ("Siti Ramadhani. Dereng mlebet KK", "Siti Ramadhani", None, None),
]


@pytest.mark.parametrize("text,name,relation,age", ANSWERS)
def test_name_relation_and_age_out_of_the_sentence(text, name, relation, age):
    answer = read_person(text)
    assert (answer.name, answer.relation, answer.age) == (name, relation, age)
    assert not answer.not_a_name


# Typed at the name question and no name: asked again with an example, never stored.
NOT_NAMES = ["1234", "3514", "saya mau daftar ktp untuk besok", "gimana caranya", "kapan jadwalnya",
             "iya betul itu", "ok siap", "ndak tau mas", "kula kesupen", "lali aku",
             # filler, "as I said" and a service's words are no name either
             "sek lur", "sik yo", "kan udh tadi", "wis tak kandani mau", "rekam baru", "cetak ulang", "daftaraken",
             "ndaftarno kagem"]


@pytest.mark.parametrize("text", NOT_NAMES)
def test_what_is_not_a_name(text):
    answer = read_person(text)
    assert answer.name is None


@pytest.mark.parametrize("text", ["aku dewe", "sy sendiri", "kula piyambak", "untuk saya sendiri"])
def test_for_oneself(text):
    answer = read_person(text)
    assert answer.self_ and answer.relation is None and answer.name is None


@pytest.mark.parametrize("text,relation", [
    ("mau bikin akta lahir anak saya", "anak"), ("KTP ibu saya hilang", "ibu"), ("daftar KIA putuku", "cucu"),
    ("ngurus kk kanggo mbahku", "mbah"), ("mau daftar ktp", None), ("bu, kapan jadwal ke gempol", None),
    ("pak, anak ini gimana", None), ("saya ibu rumah tangga", None),
])
def test_relation_in_a_first_message(text, relation):
    assert relation_in(text) == relation


@pytest.mark.parametrize("text,name", [
    ("ubah nama Raka", "Raka"), ("ubah nama, jenenge Raka tok", "Raka"), ("ganti jeneng dadi Siti Aminah", "Siti Aminah"),
    ("gantos nami Sulastri", "Sulastri"), ("ubah nama", None),
])
def test_rename_in_one_step(text, name):
    assert rename_in(text).name == name


@pytest.mark.parametrize("text", ["ubah desa", "ya daftarkan", "Raka"])
def test_not_a_rename(text):
    assert rename_in(text) is None


@pytest.mark.parametrize("text,left", [
    ("sy org gempol kak bkn purwodadi", "sy org gempol kak"),
    ("bukan desa gerbo, wonosari tutur", ", wonosari tutur"),
    ("dudu tutur, aku tosari", ", aku tosari"),
])
def test_a_place_said_not_to_be_theirs_is_dropped(text, left):
    assert without_negated_places(text) == left


# (answer, the relative's name, relation, the writer's own name)
HOLDERS = [
    ("asmanipun ibu kula Tuminah, sampun sepuh", "Tuminah", "ibu", None),        # krama: never "la Tuminah"
    ("nami ibu kula Tuminah", "Tuminah", "ibu", None),
    ("kula Slamet, badhe ndaftaraken bapak kula", None, "bapak", "Slamet"),
    ("aku Slamet, arep ndaftarno bapakku", None, "bapak", "Slamet"),               # ngoko
    ("saya Budi, mau daftarkan ibu saya", None, "ibu", "Budi"),                   # Indonesian
    ("nama saya Budi, untuk ibu saya namanya Sulastri", "Sulastri", "ibu", "Budi"),
    ("engkok Hasan, daftar aghi eppa' kaule", None, "bapak", "Hasan"),            # Madurese
    ("jenengku Slamet, kanggo mbahku, jenenge Painem", "Painem", "mbah", "Slamet"),
    ("kula badhe ndaftaraken bapak kula", None, "bapak", None),
    ("nama anakku Raka", "Raka", "anak", None),
]


@pytest.mark.parametrize("text,name,relation,holder", HOLDERS)
def test_the_writer_and_the_relative_apart(text, name, relation, holder):
    got = read_person(text)
    assert (got.name, got.relation, got.holder) == (name, relation, holder)


# The name said wrong, and the right one after it (at the summary or the name question), in every register.
@pytest.mark.parametrize("text,name", [
    ("asmanipun lepat, ingkang leres Sutini", "Sutini"),                       # krama
    ("nami kula kleru, ingkang leres Sutini Rahayu", "Sutini Rahayu"),
    ("namane salah, sing bener Sutini", "Sutini"),                             # ngoko
    ("jenenge kliru lho, seng bener Paijo", "Paijo"),
    ("nama saya keliru, harusnya Sutini Rahayu", "Sutini Rahayu"),             # Indonesian
    ("namanya typo kak, yg bener Dewi Lestari", "Dewi Lestari"),
    ("nyamana sala, se leres Sutini", "Sutini"),                               # Madurese
    ("jenenge diganti Sutini wae", "Sutini"),
    # a service named as the reason is no change of service; the right name before its "right" word
    ("namanya salah, buat KK harus pakai nama Dewi Lestariningsih", "Dewi Lestariningsih"),
    ("nama salah, di KK tertulis Dewi Lestariningsih", "Dewi Lestariningsih"),
    ("jenenge kleru, nang KK kudune Dewi Lestariningsih", "Dewi Lestariningsih"),
    ("asmanipun lepat kagem KK, ingkang leres Dewi Lestariningsih", "Dewi Lestariningsih"),
    ("namane typo, Dewi Lestariningsih sing bener", "Dewi Lestariningsih"),
    ("salah nama kak, Dewi Lestariningsih", "Dewi Lestariningsih"),
    ("nama anak saya salah ketik, Raka Pratama", "Raka Pratama"),
])
def test_a_corrected_name(text, name):
    assert read_person(text).name == name
    assert rename_in(text).name == name


# Two people in one answer: the first is the registration's; the second is kept to say (never dropped).
@pytest.mark.parametrize("text,name,other,other_relation", [
    ("Parmin kaliyan garwa kula Tumini", "Parmin", "Tumini", "pasangan"),       # krama
    ("Siti lan bojoku Slamet", "Siti", "Slamet", "pasangan"),                  # ngoko
    ("Budi dan istri saya Ani", "Budi", "Ani", "istri"),                       # Indonesian
    ("Parmin ban binena Tumini", "Parmin", "Tumini", "istri"),                 # Madurese
    ("untuk anak saya Raka dan Dewi", "Raka", "Dewi", None),
    ("sumarti karo suamiku", "Sumarti", None, "suami"),
    ("Parmin, bojoku Tumini yo didaftarno sisan", "Parmin", "Tumini", "pasangan"),   # a comma, the wife beside
    ("Siti Aminah, ibu saya", "Siti Aminah", None, None),                           # one person
])
def test_two_people_in_one_answer(text, name, other, other_relation):
    got = read_person(text)
    assert (got.name, got.other_name, got.other_relation) == (name, other, other_relation)


# Words glued to a name are not part of it; a skip or a no is never a name.
@pytest.mark.parametrize("text,name", [
    ("Siti Ramadhani. Dereng mlebet KK", "Siti Ramadhani"),
    ("Siti Ramadhani dereng mlebet KK", "Siti Ramadhani"),
    ("Slamet. blm masuk kk", "Slamet"),
    ("Paijo, durung duwe ktp", "Paijo"),
    ("M. Yusuf", "M. Yusuf"),  # an initial keeps its dot, as on the KK
])
def test_words_glued_to_a_name(text, name):
    assert read_person(text).name == name


@pytest.mark.parametrize("text", ["Ga", "gk", "gak", "nggak", "enggak", "tdk", "skip", "lewati", "salah", "lepat"])
def test_a_skip_or_a_no_is_never_a_name(text):
    assert read_person(text).name is None


# The writer's own role is who writes, not whom the ticket is for.
@pytest.mark.parametrize("text,relation", [
    ("aku anake, arep daftarno ktp ibuku", "ibu"),                             # ngoko
    ("kula putranipun, badhe ndaftaraken ibu kula", "ibu"),                    # krama
    ("saya anaknya, mau daftarkan bapak saya", "bapak"),                       # Indonesian
    ("engkok ana'na, daftar aghi embu' kaule", "ibu"),                         # Madurese
    ("sy cucunya mau daftar ktp untuk mbah saya", "mbah"),
])
def test_the_writers_role_is_not_the_relation(text, relation):
    assert relation_in(text) == relation
    assert read_person(text).holder is None


@pytest.mark.parametrize("text", ["namanya salah", "nama anak saya salah ketik", "jenenge kleru kanggo KK",
                                  "asmanipun lepat", "salah nama e"])
def test_the_name_said_wrong_without_the_right_one(text):
    assert says_name_wrong(text) and corrected_name_in(text) is None


@pytest.mark.parametrize("text", ["salah, maksudku KK", "sanes KTP, KIA", "Siti Nama", "ganti layanan"])
def test_not_the_name_said_wrong(text):
    assert not says_name_wrong(text)
