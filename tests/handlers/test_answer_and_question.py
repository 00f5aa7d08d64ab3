"""Questions around a visit said together with an answer, or instead of a request, through the signed webhook
on SQLite and PostgreSQL: an answer and a question in one message get both (never the prompt repeated
unchanged); a question whether a person reads is answered, never a chat opened; a never-mind is no stop; a
document to bring is not the service wanted; a question about one's proposal starts no new one; a ticket in
an answer shows its visit's date; the petugas holding a chat reads the resident's words as written."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from storage.models import Proposal, Subscription, Ticket
from tests.handlers.test_antrean import Clock
from tests.handlers.test_flows import play
from tests.whatsapp import RINA, add_visit, outbox

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def visits(rt):
    return {"gempol": add_visit(rt, "Gempol", 9), "pandaan": add_visit(rt, "Pandaan", 16)}


def count(rt, model) -> int:
    with rt.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


# — 1. an answer and a question in one message ——————————————————————————————————————————————

@pytest.mark.parametrize("both", [
    "nggih. tapi tanggal berapa ke Pandaan?",              # krama yes, Indonesian question
    "iyo, tp kapan nang pandaan?",                          # ngoko
    "iya deh. kapan ke pandaan ya?",                        # Indonesian chat
    "kapan ke pandaan? iy setuju",                          # the question first
    "enggi, tape bila ka pandaan?",                         # Madurese
])
def test_a_yes_with_a_question_at_the_consent_takes_the_yes_and_answers(phone, visits, rt, both):
    play(phone, [("kapan kenduren mas nang pandaan?", "Kecamatan Pandaan"), ("2", "Setuju?")])
    answer = phone.say(both)
    assert "Kecamatan Pandaan" in answer and "📅" in answer, answer  # the question answered
    assert "Siap" in answer and "Setuju?" not in answer, answer      # and the yes taken, no prompt again
    assert count(rt, Subscription) == 1


@pytest.mark.parametrize("question", ["lha iku tanggal piro?", "tanggal berapa itu?", "menika tanggal pinten?"])
def test_a_question_alone_at_the_consent_is_answered_then_asked_again(phone, visits, rt, question):
    play(phone, [("kapan kenduren mas nang pandaan?", "Kecamatan Pandaan"), ("2", "Setuju?")])
    answer = phone.say(question)
    assert "📅" in answer and "Kecamatan Pandaan" in answer, answer   # the date of the visit in context …
    assert "1. Ya, ingatkan saya" in answer, answer                   # … and the question again
    play(phone, [("1", "Siap")])
    assert count(rt, Subscription) == 1


@pytest.mark.parametrize("question", ["petugase jenenge sopo?", "nama petugasnya siapa?"])
def test_a_question_the_bot_cannot_answer_at_the_consent_is_said_so(phone, visits, rt, question):
    play(phone, [("kapan kenduren mas nang pandaan?", "Kecamatan Pandaan"), ("2", "Setuju?")])
    answer = phone.say(question)
    assert "1. Ya, ingatkan saya" in answer and answer.index("PETUGAS") < answer.index("1. Ya"), answer
    play(phone, [("1", "Siap")])


@pytest.mark.parametrize("both", [
    "yg gempol aja kak. eh tp klo keluar antrian gimana",      # chat spelling
    "sing gempol wae, tapi nek metu soko antrean piye?",       # ngoko
    "ingkang gempol mawon. menawi medal saking antrian pripun?",  # krama
    "klo keluar antrian gimana? yg gempol aja",                 # the question first
])
def test_a_choice_with_a_question_takes_the_choice_and_answers(phone, visits, rt, both):
    play(phone, [("mau daftar ktp", "kecamatan mana"), ("pandaan", "Pilih tanggal lain"), ("2", "Pilih jadwal")])
    answer = phone.say(both)
    assert "Nomor antrean Anda tidak hilang" in answer, answer   # the question answered …
    assert "Nama sesuai KK?" in answer, answer                   # … and the choice taken: the next question
    assert "lanjutkan menjawab" not in answer
    play(phone, [("1", "Desa"), ("kejapanan", "catatan"), ("-", "Kec. Gempol"), ("1", "Terdaftar")])


# — 2. whether a person is there is not a request for one —————————————————————————————————————

@pytest.mark.parametrize("asked", [
    "jam segini masih ada petugas yang baca?",
    "jam semene iki onok petugas sing moco ta? besok ae lah",
    "menawi jam samenika taksih wonten petugas ingkang maos?",
    "bedeh oreng se maca ta?",
    "msh ad admin yg bls gk?",
])
def test_at_night_whether_a_person_reads_is_answered_and_no_chat_opened(wa_app, phone, visits, rt, asked):
    wa_app.extensions["kenduren"].clock = Clock(datetime(2026, 12, 13, 23, 40, tzinfo=WIB))  # Sunday night
    answer = phone.say(asked)
    assert "Senin, 14 Desember 2026 pukul 08.00 WIB" in answer, answer
    assert "PETUGAS" in answer and "tercatat dengan kode" not in answer
    assert count(rt, Ticket) == 0
    never = phone.say("gak usah dicatet")
    assert "Berhenti menerima pengingat" not in never and "Tidak ada yang saya catat" in never, never
    assert count(rt, Ticket) == 0


@pytest.mark.parametrize("urgent", ["sapiku birahi, onok petugas sing iso teko saiki ta?",
                                    "sapi kula birahi, taksih wonten petugas ingkang jagi?"])
def test_at_night_an_urgent_need_gets_who_helps_now_and_no_ticket(wa_app, phone, visits, rt, urgent):
    wa_app.extensions["kenduren"].clock = Clock(datetime(2026, 12, 13, 23, 40, tzinfo=WIB))  # Sunday night
    answer = phone.say(urgent)
    assert "inseminator" in answer and "tercatat dengan kode" not in answer, answer
    assert count(rt, Ticket) == 0


def test_in_working_hours_the_answer_says_a_person_reads(wa_app, phone, visits, rt):
    wa_app.extensions["kenduren"].clock = Clock(datetime(2026, 12, 14, 9, 30, tzinfo=WIB))  # Monday morning
    answer = phone.say("onok petugas sing moco ta?")
    assert "jam kerja" in answer and count(rt, Ticket) == 0, answer


@pytest.mark.parametrize("never_mind", ["gak usah dicatet", "ora usah diterusno", "mboten usah dipun serat",
                                        "ga usah deh"])
def test_a_never_mind_is_not_a_stop(phone, visits, rt, never_mind):
    play(phone, [("ingetno gempol", "Setuju?"), ("1", "Siap")])
    answer = phone.say(never_mind)
    assert "Berhenti" not in answer and "tidak akan menerima" not in answer, answer
    assert count(rt, Subscription) == 1


@pytest.mark.parametrize("follow_up", [
    "nomer hp inseminator KPSP Setia Kawan piro?",
    "no wa inseminatore pinten?",
    "minta kontak koperasi susunya dong",
])
def test_a_number_the_data_has_not_is_said_honestly(phone, visits, rt, follow_up):
    play(phone, [("sapi saya birahi, ada inseminator?", "inseminator")])
    answer = phone.say(follow_up)
    assert "Nomor itu tidak saya punya" in answer and "Maksudnya" not in answer, answer
    assert count(rt, Ticket) == 0


def test_a_number_the_data_has_is_given(phone, visits):
    assert "119" in phone.say("nomer telpon ambulans berapa?")


# — 3. a document to bring is not the service wanted —————————————————————————————————————————

@pytest.mark.parametrize("asked", [
    "anak saya bisa wakilin? fotokopi KK perlu berapa lembar?",
    "iso diwakili anakku ta? fc KK piro lembar?",
])
def test_a_kk_photocopy_asked_at_a_ktp_repair_is_about_the_ktp(phone, visits, rt, asked):
    play(phone, [("ktp el saya rusak, patah", "KTP-el hilang/rusak", "kecamatan mana")])
    answer = phone.say(asked)
    assert "*KTP-el hilang/rusak*" in answer and "*Kartu Keluarga (KK)*" not in answer, answer
    assert "fotokopi" in answer, answer  # both questions answered
    play(phone, [("gempol", "Daftar untuk tanggal ini"), ("1", "Nama"), ("1", "Desa"), ("kejapanan", "catatan"),
                 ("-", "KTP-el hilang/rusak", "!Layanan: Kartu Keluarga")])


# — 4. a question in the first message is answered when the flow starts ——————————————————————————

@pytest.mark.parametrize("first", [
    "kaule terro daftar ktp, mayar apa enjek?",     # Madurese
    "aku arep daftar ktp, mbayar ora?",              # ngoko
    "kula badhe daftar ktp, mbayar mboten?",         # krama
    "mau daftar ktp, bayar gak?",                    # Indonesian chat
])
def test_a_registration_with_a_cost_question_answers_it_first(phone, visits, first):
    answer = phone.say(first)
    assert "GRATIS" in answer and "kecamatan mana" in answer, answer
    assert answer.index("GRATIS") < answer.index("kecamatan mana")


# — 5. a ticket in an answer shows its visit's date and place —————————————————————————————————

@pytest.mark.parametrize("asked", ["kk ku wis dadi durung?", "KK saya sudah jadi belum?"])
def test_a_ticket_line_shows_the_visit_not_the_update(phone, visits, rt, asked):
    play(phone, [("daftar kk", "kecamatan mana"), ("gempol", "Daftar untuk tanggal ini"), ("1", "Nama"), ("1", "Desa"),
                 ("kejapanan", "catatan"), ("-", "Cek lagi"), ("1", "Terdaftar")])
    answer = phone.say(asked)
    assert "untuk kunjungan" in answer and "Kantor Kecamatan Gempol" in answer, answer


@pytest.mark.parametrize("yes", ["iy", "iya", "y", "iyy"])
def test_chat_yes_words_are_yes(phone, visits, rt, yes):
    play(phone, [("ingetno gempol", "Setuju?"), (yes, "Siap")])


# — 6. a question about one's proposal starts no new one ————————————————————————————————————

@pytest.mark.parametrize("asked", [
    "usulan kula menika dipun tindaklanjuti kapan?",    # krama
    "usulku kapan dibangun?",                           # ngoko
    "usulan saya kapan diproses ya?",                   # Indonesian
    "usulanna kaule bila e bangun?",                    # Madurese
])
def test_a_question_about_ones_proposal_answers_about_it(phone, visits, rt, asked):
    play(phone, [("usulan dalan rusak nang desa kejapanan gempol", "jalan rusak"), ("1", "meter"), ("-", "foto"),
                 ("1", "Kode: *US-")])
    answer = phone.say(asked)
    assert "Usulan Anda *US-" in answer or "US-" in answer, answer
    assert "Usulannya tentang apa" not in answer and "Ini usulan" not in answer, answer
    assert count(rt, Proposal) == 1


# — 7. the petugas side ——————————————————————————————————————————————————————————————————————

@pytest.mark.parametrize("reply", ["NIK ibu 3514010101010003", "niki NIK ibu kula: 3514010101010003",
                                   "nik e ibuku 3514010101010003 pak"])
def test_the_petugas_who_asked_reads_the_nik_as_written(wa_client, phone, visits, staff, rt, reply):
    from tests.whatsapp import Phone
    play(phone, [("aku njaluk ngomong karo petugas capil", "saya sambungkan ke petugas")])
    with rt.sessions() as s:
        kode = s.scalars(select(Ticket.kode)).one()
    Phone(wa_client, RINA, "Bu Rina").say(f"#{kode} Bu, NIK ibu berapa?")
    phone.say(reply)
    assert "3514010101010003" in outbox(rt, RINA)[-1]

@pytest.fixture
def capil_petugas(staff):
    return staff


@pytest.mark.parametrize("statement", ["kula tiyang gempol, KTP ibu kula rusak", "aku wong gempol, ktp ibuku rusak",
                                       "saya dari gempol, ktp ibu saya rusak"])
def test_while_a_petugas_holds_the_chat_a_statement_gets_no_card(wa_client, phone, visits, capil_petugas, rt,
                                                                statement):
    from tests.whatsapp import Phone
    play(phone, [("aku njaluk ngomong karo petugas capil", "saya sambungkan ke petugas")])
    with rt.sessions() as s:
        kode = s.scalars(select(Ticket.kode)).one()
    Phone(wa_client, RINA, "Bu Rina").say(f"#{kode} Bu, KTP siapa yang rusak?")
    # a plain statement naming a kecamatan is the petugas', not a schedule card
    answer = phone.say(statement)
    assert "📅" not in answer, answer
    assert statement in outbox(rt, RINA)[-1]
    # a clear question the bot can answer is still answered
    assert "Kecamatan Gempol" in phone.say("kenduren mas nang gempol kapan?")
