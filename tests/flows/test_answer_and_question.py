"""Pure tables for what a message around a visit says besides (or instead of) an answer: whether a person
reads now, a never-mind, a number asked for, one's own proposal asked about, a cost or stepping out of the
queue asked in any register, and the chat spellings of yes."""

import pytest

from flows import answers, info, policy


@pytest.mark.parametrize("text,expected", [
    ("jam segini masih ada petugas yang baca?", True),
    ("jam semene iki onok petugas sing moco ta? besok ae lah", True),
    ("menawi jam samenika taksih wonten petugas ingkang maos?", True),
    ("bedeh oreng se maca ta?", True),
    ("msh ad admin yg bls gk?", True),
    ("ada petugas?", True),
    ("aku njaluk ngomong karo petugas", False),            # a request for a person: PETUGAS
    ("saya mau bicara dengan petugas, ada?", False),
    ("aku wong gempol, kapan ada kenduren?", False),        # "wong" = a person of a place
    ("ada orang yang bisa bantu daftar ktp?", False),
])
def test_whether_someone_reads(text, expected):
    assert policy.asks_if_someone_reads(text) is expected


@pytest.mark.parametrize("text,expected", [
    ("gak usah dicatet", True), ("ora usah diterusno", True), ("mboten usah dipun serat", True),
    ("ga usah deh", True), ("gausah", True),
    ("gak usah kirim pesen maneh", False),       # a stop, read elsewhere
    ("ora usah ngingetno aku maneh", False),
    ("tolong daftar ktp", False),
])
def test_a_never_mind_aside(text, expected):
    assert policy.never_mind_aside(text) is expected


@pytest.mark.parametrize("text,expected", [
    ("nomer hp inseminator KPSP Setia Kawan piro?", True), ("no wa inseminatore pinten?", True),
    ("minta kontak koperasi susunya dong", True), ("nomor telepon puskesmas?", True),
    ("nomer antrianku piro?", False), ("no urut saya berapa?", False), ("nomor tiket saya apa?", False),
])
def test_a_number_asked_for(text, expected):
    assert policy.asks_for_a_number(text) is expected


@pytest.mark.parametrize("text,expected", [
    ("usulan kula menika dipun tindaklanjuti kapan?", True), ("usulku kapan dibangun?", True),
    ("usulanku piye kabare?", True), ("usulan saya sampai mana?", True), ("usulanna kaule bila e bangun?", True),
    ("usul dalan rusak, kapan dibahas?", False), ("aku arep usul lampu", False),
])
def test_ones_own_proposal_asked_about(text, expected):
    assert policy.asks_about_own_proposal(text) is expected


@pytest.mark.parametrize("text,topic", [
    ("kaule terro daftar ktp, mayar apa enjek?", "biaya"), ("aku arep daftar ktp, mbayar ora?", "biaya"),
    ("eh tp klo keluar antrian gimana", "keluar_antrean"), ("klo metu soko antrean piye", "keluar_antrean"),
    ("menawi medal saking antrian pripun", "keluar_antrean"), ("mon kaluar deri antrean deremma?", "keluar_antrean"),
])
def test_questions_in_registers(text, topic):
    assert info.topic_of(text) == topic


@pytest.mark.parametrize("text", ["iy", "iya", "y", "iyy", "yup", "nggih", "enggi"])
def test_chat_yes(text):
    assert answers.yes_no(text) is True


@pytest.mark.parametrize("text,parts", [
    ("nggih. tapi tanggal berapa ke Pandaan?", ["nggih.", "tapi tanggal berapa ke Pandaan?"]),
    ("yg gempol aja kak. eh tp klo keluar antrian gimana", ["yg gempol aja kak.", "eh", "tp klo keluar antrian gimana"]),
    ("kapan ke pandaan? iy setuju", ["kapan ke pandaan?", "iy setuju"]),
])
def test_where_an_answer_and_a_question_meet(text, parts):
    assert [p for p in policy._ANSWER_QUESTION_SPLIT.split(text) if p and p.strip(" ,.?!;")] == parts
