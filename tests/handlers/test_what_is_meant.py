"""What a message means, not the words around it, through the signed webhook (SQLite and PostgreSQL), in
residents' words (Indonesian, Javanese ngoko and krama, Madurese):

- background is no topic: the circumstance told beside a question ("bojoku wis meninggal, …", "anak saya kerja di
  surabaya, …") does not decide the answer; the question does;
- an urgent body in danger gets the emergency numbers at once, at any hour;
- stop and cancel words said of something else: a no before the stop verb, an event of one's own cancelled, and
  a surveys-only opt-out that stops the surveys and never the reminders.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from storage.models import Opd, Resident, Staff, StaffRole, Ticket
from tests.handlers.test_antrean import Clock
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)
from tests.handlers.test_subscriptions import subscribed
from tests.whatsapp import RINA, Phone, tickets

WIB = ZoneInfo("Asia/Jakarta")


# — 1. background words are no topic ——————————————————————————————————————————————————————————

@pytest.mark.parametrize("message", [
    "bojoku wis meninggal, aku wis kedaftar durung?",
    "suami saya sudah meninggal, apa saya sudah terdaftar?",
    "kaula la daftar? lakena kaula ampon seda",  # Madurese: the question first
])
def test_a_death_told_beside_am_i_registered_is_a_status_question(phone, schedule, rt, message):
    play(phone, [(message, "Belum ada tiket", "!akta kematian", "!Maksud Anda")])


@pytest.mark.parametrize("message, service", [
    ("anak saya kerja di surabaya, bisa daftar ktp di sini?", "*KTP-el*"),
    ("anakku kerjo nang malang, kk ne iso diurus aku?", "*Kartu Keluarga (KK)*"),
])
def test_a_relatives_workplace_outside_is_no_home(phone, schedule, rt, message, service):
    play(phone, [(message, service, "kecamatan mana", "!tidak termasuk wilayah")])


def test_a_home_outside_said_of_oneself_still_is(phone, schedule, rt):
    play(phone, [("saya warga kota pasuruan, apa bisa dilayani?", "tidak termasuk wilayah Kenduren Mas")])


def test_a_question_that_needs_its_circumstance_keeps_it(phone, schedule, rt):
    play(phone, [("bojoku wis ora ono, kk ne piye?", "akta kematian", "📚 Sumber:")])
    play(phone, [("ibu saya sakit, kk nya bisa saya yang urus?", "boleh diurus anggota keluarga")])


@pytest.mark.parametrize("message", [
    "ibu saya sakit, sesak napas, tolong",
    "bapakku mendadak ora iso ngomong, tangane lemes, piye iki",
    "anak saya demam tinggi dari tadi, kejang",
    "mbah kula semaput, pripun niki",  # krama
    "anakku step, panase duwur, jam sakmene nang ndi?",
])
def test_a_body_in_danger_gets_the_emergency_numbers_at_night(wa_app, phone, schedule, rt, message):
    wa_app.extensions["kenduren"].clock = Clock(datetime(2026, 12, 13, 23, 40, tzinfo=WIB))  # a Sunday night
    replies = phone.send(message)
    assert len(replies) == 1 and "119 atau 112" in replies[0] and "IGD" in replies[0], replies
    assert tickets(rt) == []  # no chat opened, nothing registered


def test_an_illness_told_as_background_is_no_emergency(phone, schedule, rt):
    play(phone, [("mbah kula gerah, mboten saged rawuh, saged dipun wakili?", "diwakilkan", "!119")])


# — 2. stop and cancel words said of something else ———————————————————————————————————————————

def subscribe(phone):
    play(phone, [("ingatkan aku kenduren mas gempol", "Setuju?"), ("1", "Siap")])


@pytest.mark.parametrize("message", ["ojo distop kenduren mase", "jangan dihentikan programnya, bagus sekali",
                                     "jangan stop pengingatnya ya", "kenduren mas ojo mandek yo, apik"])
def test_a_no_before_the_stop_verb_keeps_everything(phone, schedule, rt, message):
    subscribe(phone)
    play(phone, [(message, "Tidak ada yang dihentikan", "!tidak akan menerima pengingat", "!Yang Anda maksud")])
    assert subscribed(rt) == ["Gempol"]


@pytest.mark.parametrize("message", ["hajatane batal", "hajatan kula batal, dados saged rawuh",
                                     "acarane pak lurah batal", "arisane gak sido"])
def test_ones_own_event_cancelled_cancels_nothing(phone, schedule, rt, message):
    play(phone, [("mau urus kk", "Kartu Keluarga"), ("gempol", "1. Daftar"), ("1", "Nama sesuai KK?"),
                 ("1", "Desa/kelurahan"), ("gempol", "catatan"), ("gak ada", "Cek lagi"), ("ya daftarkan", "Terdaftar")])
    before = subscribed(rt)
    play(phone, [(message, "Tidak ada yang saya batalkan", "!Berhenti menerima", "!dibatalkan")])
    assert subscribed(rt) == before and tickets(rt)[0].status != "dibatalkan"


def test_an_event_cancelled_beside_a_question_answers_the_question(phone, schedule, rt):
    play(phone, [("hajatanku batal, kenduren nang gempol kapan?", "Kecamatan Gempol", "!Berhenti menerima")])


@pytest.mark.parametrize("message", ["gak usah kirim survei", "survei e ora usah dikirim maneh",
                                     "ampun kintun survei malih nggih", "tidak usah kirim survey lagi ya"])
def test_a_surveys_only_opt_out_keeps_the_reminders(phone, schedule, rt, message):
    subscribe(phone)
    play(phone, [(message, "survei kepuasan tidak akan kami kirim lagi", "Pengingat jadwal",
                  "!tidak akan menerima pengingat lagi")])
    assert subscribed(rt) == ["Gempol"]
    with rt.sessions() as s:
        resident = s.scalars(select(Resident).where(Resident.phone == phone.number)).one()
        assert resident.surveys_off_at is not None and resident.opted_out_at is None


def test_after_the_opt_out_a_closed_chat_sends_no_survey(wa_client, phone, schedule, rt):
    with rt.sessions.begin() as s:
        kominfo = s.scalars(select(Opd).where(Opd.key == "diskominfo")).one()
        s.add(Staff(phone=RINA, name="Bu Rina", role=StaffRole.PETUGAS, opd_id=kominfo.id))
    play(phone, [("survei ora usah yo", "survei kepuasan tidak akan")])
    play(phone, [("aku njaluk ngomong karo petugas", "saya sambungkan ke petugas")])
    with rt.sessions() as s:
        kode = s.scalars(select(Ticket)).one().kode
    assert "ditutup" in Phone(wa_client, RINA, "Rina").say(f"#{kode} selesai sudah dijawab")
    play(phone, [("5", "!Terima kasih! Ada saran")])  # no rating was asked: "5" is no survey answer


def test_at_the_survey_itself_the_opt_out_ends_it(wa_app, wa_client, phone, schedule, rt):
    with rt.sessions.begin() as s:
        kominfo = s.scalars(select(Opd).where(Opd.key == "diskominfo")).one()
        s.add(Staff(phone=RINA, name="Bu Rina", role=StaffRole.PETUGAS, opd_id=kominfo.id))
    subscribe(phone)
    play(phone, [("aku njaluk ngomong karo petugas", "saya sambungkan ke petugas")])
    with rt.sessions() as s:
        kode = s.scalars(select(Ticket)).one().kode
    Phone(wa_client, RINA, "Rina").say(f"#{kode} selesai sudah dijawab")
    play(phone, [("gak usah survei2an mas", "survei kepuasan tidak akan", "!Mohon balas dengan angka")])
    assert subscribed(rt) == ["Gempol"]


# — 3. follow-ups read in the context of the answer before ————————————————————————————————————

@pytest.fixture
def kades(rt):
    from storage.models import Desa
    with rt.sessions.begin() as s:
        desa = s.scalars(select(Desa).where(Desa.nama == "Gempol")).first()
        s.add(Staff(phone="+6285700000999", name="Pak Kades", role=StaffRole.KADES, desa_id=desa.id,
                    kecamatan_id=desa.kecamatan_id))
    return "+6285700000999"


@pytest.mark.parametrize("ask, follow_up", [
    ("carane nerusno pengingat nang grup?", "tautan apa?"),  # ngoko
    ("pripun carane ngirim pengumuman menika dhateng grup?", "link ipun pundi?"),  # krama
    ("bagaimana cara meneruskan pengingat ke grup warga?", "linknya mana pak"),
])
def test_a_kepala_desa_asking_for_the_link_after_the_forwarding_help_gets_it(wa_client, schedule, rt, kades, ask,
                                                                            follow_up):
    pak_kades = Phone(wa_client, kades, "Pak Kades")
    play(pak_kades, [(ask, "Teruskan"), (follow_up, "Tautan Desa Gempol", "wa.me", "!belum bisa saya jawab")])


def test_a_resident_asking_for_the_link_is_told_who_has_one(phone, schedule, rt):
    play(phone, [("carane nerusno pengingat nang grup?", "belum terdaftar sebagai kepala desa"),
                 ("link e endi?", "hanya ada di pengingat untuk kepala desa", "!belum bisa saya jawab")])


@pytest.mark.parametrize("ask, follow_up, service", [
    ("syarat ktp apa aja?", "njupuke nang ndi?", "*KTP-el*"),
    ("gratis ta urus akta?", "terus diambil dmn?", "*Akta kelahiran*"),
    ("kk ku wes dadi urung?", "mendhetipun wonten pundi?", "*Kartu Keluarga (KK)*"),  # krama
])
def test_where_it_is_collected_follows_the_service_at_hand(phone, schedule, rt, ask, follow_up, service):
    phone.say(ask)
    play(phone, [(follow_up, service, "diambil", "📚 Sumber:", "!kecamatannya belum saya kenali")])


# — 4. asking about one's reminders is never a stop; a stop scoped to the surveys keeps them ——————————

def subscribe_two(phone):
    play(phone, [("ingetno gempol karo pandaan", "Setuju?"), ("1", "Siap")])


@pytest.mark.parametrize("message", ["gk usah, maksudnya mau cek pengingat sy yg aktif",
                                     "pengingat sy tinggal gempol aja kan?", "pengingat masih aktif gak?",
                                     "pangengat kaula gi' aktif?"])  # Madurese
def test_asking_about_ones_reminders_lists_them_and_stops_nothing(phone, schedule, rt, message):
    subscribe_two(phone)
    play(phone, [(message, "Pengingat Anda yang aktif", "!dihentikan", "!tidak akan menerima pengingat")])
    assert subscribed(rt) == ["Gempol", "Pandaan"]


@pytest.mark.parametrize("message", ["stop survei aja, pengingat tetap jalan", "survei gak usah, pengingate tetep yo"])
def test_a_stop_of_the_surveys_with_the_reminders_kept_stops_only_the_surveys(phone, schedule, rt, message):
    subscribe_two(phone)
    play(phone, [(message, "survei kepuasan tidak akan", "!tidak akan menerima pengingat")])
    assert subscribed(rt) == ["Gempol", "Pandaan"]


# — 5. complaints and news are answered as what they are ———————————————————————————————————————

@pytest.mark.parametrize("message", ["pelayanane suwi banget, aku ngenteni 3 jam ra dilayani, kecewa aku",
                                     "petugasnya judes, gak ramah blas", "kok ribet banget to ngurus ktp ae",
                                     "aku wingi wis teko tapi dokumen kurang, dadi balik maneh, capek"])
def test_a_complaint_is_heard_and_a_petugas_offered_never_opened(phone, schedule, rt, message):
    play(phone, [(message, "Mohon maaf atas pengalaman", "PETUGAS", "!HADIR", "!belum bisa saya jawab",
                  "!Kecamatan Gempol", "!tinggal di kecamatan mana")])
    assert tickets(rt) == []


@pytest.mark.parametrize("message", ["alhamdulillah kk sudah jadi", "terima kasih banyak pak, sudah dibantu, ktp saya sudah jadi"])
def test_good_news_is_no_question(phone, schedule, rt, message):
    play(phone, [(message, "!Belum ada tiket", "!📚 Sumber", "!belum bisa saya jawab")])


# — 6. questions the data answers, in other words ——————————————————————————————————————————————

@pytest.mark.parametrize("follow_up", ["lha iku kudu nggowo opo", "terus kudu gowo opo wae?", "kula kedah mbeta berkas menapa?"])
def test_what_to_bring_after_a_schedule_card_asks_which_service(phone, schedule, rt, follow_up):
    play(phone, [("jadwal gempol kapan?", "Kecamatan Gempol"),
                 (follow_up, "Layanan apa yang Anda maksud", "!belum bisa saya jawab")])


@pytest.mark.parametrize("question", ["kiro2 kapan dibenakno dalane?", "jalan desa kapan diaspal?",
                                      "kapan jalan kami dibenahi pak?"])
def test_when_a_road_is_built_gets_the_musrenbang_timeline(phone, schedule, rt, question):
    play(phone, [(question, "Musrenbang", "📚 Sumber:", "!belum bisa saya jawab")])


def test_madurese_when_ready_and_where_collected(phone, schedule, rt):
    play(phone, [("kapan ktp ne dadi? engkok ngala' e dimma?", "*KTP-el*", "diambil", "📚 Sumber:")])


@pytest.mark.parametrize("urgent", ["mendesak pak, butuh cepat, piye?", "penting sanget, kula kedah menapa?",
                                    "butuh cepet mas, yok opo?"])
def test_urgent_after_a_document_answer_gets_the_dinas_office(phone, schedule, rt, urgent):
    play(phone, [("bojoku wis ora ono, kk ne piye?", "akta kematian"),
                 (urgent, "tidak harus menunggu Kenduren Mas", "Raci", "!belum bisa saya jawab")])


@pytest.mark.parametrize("remark", ["regane murah, pelayanane apik", "wingi mbayar parkir limang ewu"])
def test_a_remark_about_a_price_is_no_cost_question(phone, schedule, rt, remark):
    play(phone, [(remark, "!GRATIS menurut undang-undang", "!📚 Sumber")])


@pytest.mark.parametrize("report", ["aku dimintai duit 50 ewu pas ngurus kk", "wonten pungli teng kantor desa"])
def test_being_asked_for_money_is_heard_as_a_complaint(phone, schedule, rt, report):
    play(phone, [(report, "Mohon maaf atas pengalaman", "PETUGAS", "SP4N-LAPOR")])
    assert tickets(rt) == []
