"""The staff side through the signed webhook: role-aware replies, removed staff, the dinas backlog,
the helpdesk acting on what it was handed, every way of typing a code, status words with spaces,
and the closing text of a service ticket."""

import pytest
from sqlalchemy import select

from storage.models import Conversation, Desa, Kecamatan, Opd, OutboxMessage, Staff, StaffRole, Ticket
from tests.whatsapp import Phone, add_visit, outbox

RINA = "+6281298765432"     # Dispendukcapil
SARI = "+6281298765433"     # Dispendukcapil too
HELPDESK = "+6281200000009"  # Diskominfo
KADES = "+6281311111111"
ADMIN = "+6281322222222"
REGISTER_KTP = ("daftar ktp", "gempol", "1", "1", "gempol", "1", "1")


def add_staff(rt, phone: str, name: str, opd: str | None = None, role: str = StaffRole.PETUGAS, desa: str | None = None):
    with rt.sessions.begin() as s:
        staff = Staff(phone=phone, name=name, role=role)
        if opd:
            staff.opd_id = s.scalar(select(Opd.id).where(Opd.key == opd))
        if desa:
            d = s.scalars(select(Desa).join(Kecamatan).where(Desa.nama == desa, Kecamatan.nama == "Gempol")).one()
            staff.desa_id, staff.kecamatan_id = d.id, d.kecamatan_id
        s.add(staff)



def register(phone) -> str:
    for line in REGISTER_KTP:
        answer = phone.say(line)
    assert "Terdaftar" in answer, answer
    return answer.split("Kode tiket: *")[1].split("*")[0]


@pytest.fixture
def rina(wa_client, rt):
    add_staff(rt, RINA, "Bu Rina", "dispendukcapil")
    return Phone(wa_client, RINA, "Rina")


@pytest.fixture
def ktp(phone, rina, rt) -> str:
    add_visit(rt, "Gempol", 10)
    return register(phone)


# — kepala desa and admin ————————————————————————————————————————————————————————————

@pytest.mark.parametrize("role, name, extra, own_help", [
    (StaffRole.KADES, "Pak Slamet", {"desa": "Wonosunyo"}, "Kepala Desa Wonosunyo"),
    (StaffRole.ADMIN, "Mbak Dewi", {}, "terdaftar sebagai *admin*"),
])
def test_kades_and_admin_get_their_own_help_and_ask_the_schedule_like_a_resident(
        wa_client, rt, role, name, extra, own_help):
    number = KADES if role == StaffRole.KADES else ADMIN
    add_staff(rt, number, name, role=role, **extra)
    add_visit(rt, "Gempol", 10)
    them = Phone(wa_client, number, name)
    help_text = them.say("bantuan")
    assert own_help in help_text and "#KODE" not in help_text
    answer = them.say("kapan kenduren mas ke gempol?")
    assert "Kenduren Mas ke *Kecamatan Gempol*" in answer and "📅" in answer
    assert "Perintah" not in answer
    assert "Balas dengan angka" in them.say("menu")


# — the dinas backlog —————————————————————————————————————————————————————————————————

def test_tiket_lists_the_dinas_backlog_unassigned_first_oldest_first(wa_client, rt):
    add_visit(rt, "Gempol", 10)
    # Registered while the dinas had no petugas on WhatsApp: nobody holds them.
    codes = [register(Phone(wa_client, f"+62812345678{n:02d}", f"Warga {n}")) for n in range(3)]
    add_staff(rt, RINA, "Bu Rina", "dispendukcapil")
    add_staff(rt, SARI, "Bu Sari", "dispendukcapil")
    rina, sari = Phone(wa_client, RINA, "Rina"), Phone(wa_client, SARI, "Sari")
    assert "sekarang Anda tangani" in rina.say(f"ambil {codes[0]}")  # the oldest is taken
    backlog = sari.say("tiket")
    assert "Tiket Dispendukcapil 1–3 dari 3" in backlog
    lines = [line for line in backlog.splitlines() if line.startswith("• ")]
    assert [next(c for c in codes if c in line) for line in lines] == [codes[1], codes[2], codes[0]]
    assert "belum diambil" in lines[0] and lines[2].endswith("Bu Rina")
    assert [line for line in rina.say("tiket").splitlines() if codes[0] in line][0].endswith("Anda")


def test_other_dinas_tickets_are_not_in_the_backlog(wa_client, rt, ktp):
    add_staff(rt, "+6281277777777", "Pak Budi", "dinsos")
    budi = Phone(wa_client, "+6281277777777", "Budi")
    assert ktp not in budi.say("tiket")
    assert "milik dinas lain" in budi.say(f"#{ktp} halo")


# — codes and status words as staff type them ———————————————————————————————————————————

@pytest.mark.parametrize("form", ["#{k}", "#{k_space}", "{k}", "{k_lower_nodash}", "# {k_lower_space}", "#{k}:"])
def test_every_code_form_reaches_the_resident(form, phone, rina, ktp, rt):
    digits = ktp.split("-")[1]
    typed = form.format(k=ktp, k_space=f"KM {digits}", k_lower_nodash=f"km{digits}", k_lower_space=f"km {digits}")
    assert "Terkirim" in rina.say(f"{typed} Bu, KTP-el sudah jadi")
    assert outbox(rt, phone.number)[-1] == "👤 Bu Rina (Dispendukcapil): Bu, KTP-el sudah jadi"


@pytest.mark.parametrize("typed", ["menunggu dokumen", "menunggu_dokumen", "Menunggu-Dokumen", "MENUNGGU  DOKUMEN"])
def test_status_words_with_spaces(typed, phone, rina, ktp, rt):
    digits = ktp.split("-")[1]
    assert "Menunggu dokumen" in rina.say(f"km {digits} status {typed} bawa KK asli ya")
    assert "status sekarang *Menunggu dokumen*" in outbox(rt, phone.number)[-1]
    assert 'Catatan petugas: "bawa KK asli ya"' in outbox(rt, phone.number)[-1]
    with rt.sessions() as s:
        assert s.scalars(select(Ticket)).one().status == "menunggu_dokumen"


def test_an_unknown_status_is_explained(rina, ktp):
    assert "Pilihan: diteruskan, menunggu dokumen" in rina.say(f"#{ktp} status beres")


def test_claim_in_any_code_form(rina, ktp, rt):
    assert "sekarang Anda tangani" in rina.say(f"AMBIL km {ktp.split('-')[1]}")


# — closing ———————————————————————————————————————————————————————————————————————————

def test_closing_a_service_ticket_says_what_was_done(phone, rina, ktp, rt):
    assert "ditutup" in rina.say(f"#{ktp} selesai ya KTP-el sudah dicetak, ambil di kantor desa")
    closing = outbox(rt, phone.number)[-2]
    assert f"Tiket *{ktp}* (KTP-el) sudah *selesai* ditangani Bu Rina (Dispendukcapil)" in closing
    assert "KTP-el sudah dicetak" in closing and "Percakapan dengan petugas selesai" not in closing
    assert "Balas 1 (buruk) sampai 5" in outbox(rt, phone.number)[-1]
    assert "sudah ditutup" in rina.say(f"#{ktp} selesai")


def test_closing_a_chat_only_ticket_says_the_chat_ended(wa_client, phone, rina, rt):
    assert "sambungkan ke petugas" in phone.say("aku njaluk ngomong karo petugas dispendukcapil")
    with rt.sessions() as s:
        kode = s.scalars(select(Ticket.kode)).one()
    rina.say(f"#{kode} selesai")
    assert f"Percakapan dengan petugas (*{kode}*) selesai" in outbox(rt, phone.number)[-2]


# — removed staff ————————————————————————————————————————————————————————————————————

def test_a_removed_petugas_gets_nothing_and_their_chat_returns_to_the_dinas(wa_client, phone, rina, ktp, rt, cli):
    add_staff(rt, SARI, "Bu Sari", "dispendukcapil")
    rina.say(f"ambil {ktp}")
    assert "sambungkan ke petugas" in phone.say("mau ngomong karo petugas wae")
    assert "minta bicara" in outbox(rt, RINA)[-1]
    before = len(outbox(rt, RINA))

    out = cli("people", "remove", "--phone", RINA)
    assert out.exit_code == 0 and "1 tiket terbuka kembali ke antrean dinas" in out.output, out.output
    assert "diteruskan ke petugas" in phone.say("halo bu, sudah jadi?")   # still relayed, to the dinas
    assert len(outbox(rt, RINA)) == before              # Rina gets nothing more …
    with rt.sessions() as s:                             # … and nothing still waiting for her goes out
        assert not s.scalars(select(OutboxMessage).where(OutboxMessage.to_phone == RINA,
                                                         OutboxMessage.status == "pending")).all()
    notice = outbox(rt, SARI)[-1]
    assert f"*{ktp}*" in notice and "sudah jadi?" in notice
    sari = Phone(wa_client, SARI, "Sari")
    assert "Terkirim" in sari.say(f"#{ktp} Sudah Bu, silakan diambil")
    # Rina writing to the bot now is just a resident: no ticket commands.
    assert "ditutup" not in rina.say(f"#{ktp} selesai")
    with rt.sessions() as s:
        assert s.scalars(select(Ticket)).one().status == "baru"


def test_a_removed_petugas_with_nobody_left_hands_the_chat_back_to_the_bot(wa_client, phone, rina, ktp, rt, cli):
    assert "sambungkan ke petugas" in phone.say("mau ngomong karo petugas wae")
    assert cli("people", "remove", "--phone", RINA).exit_code == 0
    answer = phone.say("halo bu?")
    assert "belum ada petugas" in answer and ktp in answer
    assert "Kenduren Mas ke *Kecamatan Gempol*" in phone.say("kapan kenduren mas ke gempol?")


# — before any petugas existed ———————————————————————————————————————————————————————————

def test_a_ticket_from_before_any_petugas_relays_the_answer_once_one_exists(wa_client, phone, rt, cli):
    add_visit(rt, "Gempol", 10)
    kode = register(phone)
    answer = phone.say("aku njaluk ngomong karo petugas")
    assert "belum ada petugas" in answer
    out = cli("people", "add-petugas", "--phone", RINA, "--name", "Bu Rina", "--opd", "dispendukcapil")
    assert out.exit_code == 0, out.output
    rina = Phone(wa_client, RINA, "Rina")
    assert kode in rina.say("tiket")
    assert "Terkirim" in rina.say(f"#{kode} Bu, mau tanya apa?")
    assert "diteruskan ke petugas" in phone.say("KTP saya hilang bu")
    assert "KTP saya hilang bu" in outbox(rt, RINA)[-1]


# — the helpdesk ——————————————————————————————————————————————————————————————————————

def test_the_helpdesk_replies_to_and_closes_a_chat_of_a_dinas_without_petugas(wa_client, phone, rt):
    add_staff(rt, HELPDESK, "Mas Helpdesk", "diskominfo")
    helpdesk = Phone(wa_client, HELPDESK, "Helpdesk")
    assert "sambungkan ke petugas" in phone.say("aku njaluk ngomong karo petugas dinas sosial")
    with rt.sessions() as s:
        ticket = s.scalars(select(Ticket)).one()
        kode = ticket.kode
        assert ticket.opd.key == "dinsos"
    assert "minta bicara" in outbox(rt, HELPDESK)[-1]
    assert kode in helpdesk.say("tiket")
    assert "Terkirim" in helpdesk.say(f"{kode} Baik Bu, PKH cair bulan depan")
    assert outbox(rt, phone.number)[-1] == "👤 Mas Helpdesk (Diskominfo): Baik Bu, PKH cair bulan depan"
    assert "diteruskan ke petugas" in phone.say("suwun mas")
    assert "suwun mas" in outbox(rt, HELPDESK)[-1]
    assert "ditutup" in helpdesk.say(f"#{kode.lower()} selesai")
    with rt.sessions() as s:
        assert s.scalars(select(Ticket)).one().status == "selesai"


def test_the_helpdesk_may_act_on_an_unassigned_ticket_of_a_dinas_without_petugas(wa_client, phone, rt):
    add_visit(rt, "Gempol", 10)
    kode = register(phone)  # Dispendukcapil has no petugas at all
    add_staff(rt, HELPDESK, "Mas Helpdesk", "diskominfo")
    helpdesk = Phone(wa_client, HELPDESK, "Helpdesk")
    assert kode in helpdesk.say("tiket")
    assert "Menunggu dokumen" in helpdesk.say(f"#{kode} status menunggu dokumen bawa KK")
    # Once the dinas has a petugas of its own, the helpdesk no longer acts on its unassigned tickets.
    add_staff(rt, RINA, "Bu Rina", "dispendukcapil")
    assert "milik dinas lain" in helpdesk.say(f"#{kode} status diteruskan")


def test_a_petugas_message_does_not_take_an_answer_the_resident_owes_the_bot(wa_client, phone, rt, cli):
    add_visit(rt, "Gempol", 10)
    kode = register(phone)
    add_staff(rt, RINA, "Bu Rina", "dispendukcapil")
    phone.send("daftar kk")  # in the middle of a second registration
    assert "Terkirim" in Phone(wa_client, RINA, "Rina").say(f"#{kode} Bu, KTP-el sudah jadi")
    with rt.sessions() as s:
        assert s.scalars(select(Conversation)).one().handoff_ticket_id is None
