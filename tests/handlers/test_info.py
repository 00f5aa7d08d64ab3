"""Questions about the programme through the signed webhook (SQLite and PostgreSQL): which dinas come
to a visit and what each offers, a yes/no for one dinas, hours and place of the visit in context,
what to bring for a named service."""

from datetime import time

import pytest

from tests.handlers.test_flows import play
from tests.whatsapp import add_visit


@pytest.fixture
def visits(rt):
    """Rejoso comes first, with four dinas; Gempol later, with all fourteen."""
    return {"rejoso": add_visit(rt, "Rejoso", 5, opd=["dispendukcapil", "dinsos", "dinkes", "diskominfo"]),
            "gempol": add_visit(rt, "Gempol", 12, start=time(7, 30))}


def test_which_dinas_lists_the_next_visits_own_dinas_with_their_services(phone, visits):
    play(phone, [
        ("dinas apa saja yang ikut kenduren mas besok?", "Kecamatan Rejoso", "(4 dinas)",
         "*Dispendukcapil* (Dinas Kependudukan dan Pencatatan Sipil): KTP-el", "Akta kematian",
         "*Dinas Sosial*: Bansos (PKH/BPNT)", "*Diskominfo* (Dinas Komunikasi dan Informatika)",
         "!Disnaker", "!dinas lain", "1. Daftar layanan untuk jadwal ini"),
        ("ada disnaker gak?", "Tidak, *Disnaker*", "Kecamatan Rejoso",
         "Yang hadir: Dispendukcapil, Dinas Sosial, Diskominfo, Dinas Kesehatan."),
        ("wonten dinas kesehatan mboten?", "Ya, *Dinas Kesehatan* (Dinas Kesehatan dan RSUD Bangil) hadir",
         "Kecamatan Rejoso", "Cek kesehatan gratis"),
    ])


def test_a_named_dinas_in_a_named_kecamatan(phone, visits):
    play(phone, [("apa ada dispenduk pas kenduren mas di rejoso?", "Ya, *Dispendukcapil*", "Kecamatan Rejoso",
                  "Layanannya: KTP-el")])


def test_which_dinas_at_the_cards_choices_answers_and_the_choices_still_work(phone, visits):
    play(phone, [
        ("kapan kenduren mas ke gempol", "Kecamatan Gempol", "dan 10 dinas lain", "2. Ingatkan saya"),
        ("sing teko dinas opo ae?", "Kecamatan Gempol", "(14 dinas)", "*PMI*", "Donor darah",
         "*Disperindag*", "2. Ingatkan saya", "!belum saya pahami"),
        ("jam piro bukak e?", "Kecamatan Gempol", "07.30–13.00 WIB", "!Kecamatan Rejoso"),
        ("lokasine nang ndi?", "Kantor Kecamatan Gempol", "!Kecamatan Rejoso"),
        ("1", "Layanan apa yang ingin diurus?"),
    ])


@pytest.mark.parametrize("question, service, requirement", [
    ("gowo opo ae lek ngurus akta kematian", "Akta kematian", "Surat keterangan kematian"),
    ("syarat e KIA opo", "Kartu Identitas Anak (KIA)", "KK asli orang tua/wali"),
    ("nyuwun pirsa, syaratipun KIA menapa mawon?", "Kartu Identitas Anak (KIA)", "KK asli orang tua/wali"),
])
def test_what_to_bring_for_a_named_service(phone, visits, question, service, requirement):
    play(phone, [(question, service, "Yang dibawa", requirement)])
