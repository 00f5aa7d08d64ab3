"""Sourced answers to the questions residents ask around a service (pure, on fake facts and the
shipped reference): the question → the answer → its source, in several registers; the service in
context decides which answer; unconfirmed answers are said with care; unknown says so."""

from __future__ import annotations

import pytest

from catalogue import render_say
from flows import build_registry, info, policy
from flows.facts import TicketView
from storage import reference
from tests.flows.fakes import FakeFacts, turn

REGISTRY = build_registry()
ROWS = {r.kunci: r for r in reference.tanya_jawab()}


def answer(text, slots=None, facts=None) -> str:
    said = info.sourced_answer(turn(text, slots, facts))
    assert said is not None, f"{text!r} was not answered"
    return render_say(said)


# question (resident's words) → the answer's row (tanya_jawab.csv kunci); several registers
TABLE = [
    ("KTP: boleh diwakilkan istri saya?", {"layanan": "ktp"}, "diwakilkan.ktp.rekam"),
    ("angsal putu kula mawon ingkang dateng?", {"layanan": "ktp"}, "diwakilkan.ktp.rekam"),          # krama
    ("olle bine kaula se entar?", {"layanan": "kk"}, "diwakilkan.kk"),                                # Madurese
    ("bapak saya sudah sepuh tidak bisa datang, bisa diwakilkan?", {"layanan": "ktp"}, "diwakilkan.ktp.sakit"),
    ("ktp yg udah jadi bisa diambilkan anak sy? boleh diwakilkan?", {"layanan": "ktp"}, "diwakilkan.ktp.ambil"),
    ("donor darah iso diwakilno ta?", {}, "diwakilkan.donor_darah"),
    ("fotokopi berapa lembar?", {}, "fotokopi.umum"),
    ("kk model baru perlu dilegalisir?", {"layanan": "kk"}, "fotokopi.kk"),
    ("gratis ta?", {"layanan": "kk"}, "biaya.umum"),
    ("kawin suntik sapi bayar ora?", {}, "biaya.peternakan_ib"),
    ("cek kesehatan mbayar gak?", {}, "biaya.cek_kesehatan"),
    ("ktp e jadine kapan", {}, "waktu_jadi.ktp"),
    ("kartu kuning jadinya berapa lama?", {}, "waktu_jadi.kartu_kuning"),
    ("ktp hilang perlu surat polisi?", {}, "hilang_rusak.ktp"),
    ("kalau telat gimana?", {}, "terlewat.terlambat"),
    ("mau sarapan dulu, boleh keluar antrean sebentar?", {}, "antrean.keluar"),
    # stepping out of the queue (not the live queue): the caravan's own rule
    ("sy tinggal ke wc dulu ya, nomor urut sy nanti hangus nggak", {}, "antrean.keluar"),
    ("aku tak mulih sik njupuk kk, antreanku gugur ora?", {}, "antrean.keluar"),                   # ngoko
    ("kula nilar antrian sekedap kangge sholat, nomer kula taksih berlaku?", {}, "antrean.keluar"),  # krama
    ("engkok kaluar sakejjhe' ngopi, nomerra ilang?", {}, "antrean.keluar"),                       # Madurese
    # a penalty for not coming; for reporting late
    ("nek aku ora sido teko opo didenda?", {}, "denda.tidak_datang"),
    ("mbten saged rawuh, wonten sanksinipun?", {}, "denda.tidak_datang"),                         # krama
    ("telat lapor kelahiran anak kena dendaa brp?", {}, "denda.terlambat_lapor"),
    # a KK after a death
    ("mertuaku wis almarhum, kartu keluarga kudu diganti ta? gowo opo", {}, "kk.kematian"),
    ("suami sy meninggal bulan lalu, kk nya gmn", {}, "kk.kematian"),
    ("rama kula sampun tilar donya, KK dipun gantos syaratipun menapa", {}, "kk.kematian"),     # krama
    # who receives a proposal (and when it is discussed)
    ("usulan dalan sing tak kirim iku sopo sing nampa?", {}, "usulan.diteruskan"),
    ("usulan lampu kemarin dikirim ke dinas apa ya", {}, "usulan.diteruskan"),
    ("usul kaula ekirim ka sapa?", {}, "usulan.diteruskan"),                                         # Madurese
    # when a document is ready, also asked as "already?"
    ("KTP saya sudah jadi belum?", {}, "waktu_jadi.ktp"),
    ("akta anakku wis dadi durung yo", {}, "waktu_jadi.akta"),
    ("kk kula mendhet wonten pundi", {}, "waktu_jadi.kk"),
    ("kartu keluarga sy kpn bisa diambil", {}, "waktu_jadi.kk"),
    ("bojoku wes gak ono sasi wingi, kk ku kudu diowahi?", {}, "kk.kematian"),
    ("aku ate nang musholla sek, urutanku ilang ta", {}, "antrean.keluar"),
    ("nomerku gugur ta lek ditinggal metu?", {}, "antrean.keluar"),
    ("kulo tasih ngantri, menawi kulo tumut sholat ashar antrian kulo pripun?", {}, "antrean.keluar"),  # krama
    ("lek gak mangkat opo onok hukumane?", {}, "denda.tidak_datang"),
    ("aku teko jam 12 isih dilayani ora?", {}, "terlewat.terlambat"),                 # arriving late, no "telat"
    ("menawi kula dugi jam sewelas, taksih dipun layani?", {}, "terlewat.terlambat"),  # krama
    ("sy baru bisa dateng jam setengah 1, masih bisa dilayani kah", {}, "terlewat.terlambat"),
    ("nek aku gak sempat teko piye, ngurus kk nang ngendi?", {"layanan": "kk"}, "terlewat.dukcapil"),
    ("sapi saya birahi", {}, "darurat.sapi_birahi"),
    ("sapiku ngiler ora gelem mangan", {}, "darurat.ternak_sakit"),
    ("omah kebanjiran, banjir nang desa, lapor nandi?", {}, "darurat.bencana"),
    ("omah kebanjiran, lapor nandi?", {}, "darurat.bencana"),
    ("darurat bu, ada yang pingsan di jalan, ktp nya jatuh", {}, "darurat.kesehatan"),
    ("darurat, akta anakku dibutuhne sekolah minggu iki, gak iso ngenteni", {}, "terlewat.dukcapil"),
    ("penting darurat: kk kula ical, dipun betahaken kangge rumah sakit", {}, "terlewat.dukcapil"),  # krama
    ("usulan saya kapan dibangun?", {}, "musrenbang.dibangun"),
    ("usulan saya kapan dibahas?", {}, "musrenbang.dibahas"),
    ("usulan di kenduren mas langsung dikerjakan?", {}, "musrenbang.kenduren_mas"),
    ("habis flu boleh donor?", {}, "syarat_donor.flu"),
    ("syarat donor darah apa saja", {}, "syarat_donor.siapa"),
    ("sebelum donor harus bagaimana", {}, "syarat_donor.persiapan"),
    ("umur berapa bisa bikin ktp", {}, "umur.ktp"),
]


@pytest.mark.parametrize("text, slots, kunci", TABLE, ids=[t[0] for t in TABLE])
def test_question_gets_its_sourced_answer(text, slots, kunci):
    said = answer(text, slots)
    row = ROWS[kunci]
    assert row.jawaban in said
    assert "📚 Sumber:" in said
    first_source = row.sumber.split(" | ")[0].split(" — ")
    assert first_source[1] in said  # the publisher of the answer's first source
    if len(kunci.split()) == 1:
        assert row.jawaban in said
    assert ("belum kami pastikan" in said) == (not row.confirmed)  # unconfirmed: said with care
    assert len(said) <= 900  # one short message


def test_without_a_service_who_must_come_and_who_may_not():
    said = answer("apa boleh diwakilkan istri saya?")
    for kunci in ("diwakilkan.ktp.rekam", "diwakilkan.kb", "diwakilkan.kk"):
        assert ROWS[kunci].jawaban in said


def test_the_service_of_the_residents_ticket_is_the_context():
    facts = FakeFacts(items=[TicketView(kode="KM-1001", layanan="Kartu Keluarga (KK)", status="baru",
                                        updated_text="-", note="-", contact="-")])
    assert ROWS["diwakilkan.kk"].jawaban in answer("boleh diwakilkan istri saya?", facts=facts)


def test_a_topic_with_no_answer_for_the_service_says_so_and_offers_a_petugas():
    said = answer("legalisir ijazah bayar?", {"layanan": "pendidikan"})
    assert "belum ada di data kami" in said and "PETUGAS" in said


def test_a_topic_that_needs_a_service_asks_which():
    assert "Layanan apa" in answer("jadinya kapan ya?")


@pytest.mark.parametrize("text", ["daftar ktp", "mau KB gratis", "nomer antrianku piro?", "kapan ke gempol",
                                  "usulan saya sampai mana", "antrean dispendukcapil kurang piro",
                                  "tolong hapus nomer sy dari daftar pengingat", "nomer hpku ilang",
                                  "jalan depan rumah rusak parah", "halo", "cek status KM-1234",
                                  "kapan kenduren mas selesai?", "gawat, ktp saya hilang"])
def test_what_is_no_question_around_a_service_is_left_alone(text):
    assert info.sourced_answer(turn(text)) is None


def test_only_the_two_national_numbers_are_ever_said():
    import re
    for row in reference.tanya_jawab():
        assert set(re.findall(r"\b\d{3,}\b", row.jawaban)) <= {"112", "119", "2026"} | set(
            re.findall(r"\b(?:19|20)\d\d\b", row.jawaban)), row.kunci


def test_at_a_question_the_answer_keeps_the_residents_place():
    start = policy.decide(REGISTRY, policy.Rules(), policy.Situation(None, None, {}), turn("daftar ktp"))
    situation = policy.Situation(start.flow, start.state, dict(start.slots))
    asked = policy.decide(REGISTRY, policy.Rules(), situation, turn("fotokopi berapa lembar?", dict(start.slots)))
    assert (asked.flow, asked.state) == (start.flow, start.state) and asked.misses == 0
    assert "lanjutkan menjawab" in render_say(asked.replies[-1])


def test_every_row_the_table_names_exists():
    for _, _, rows in info.TOPICS:
        for _, _, kunci in rows:
            for k in kunci.split():
                assert k in ROWS, k


def test_every_persyaratan_line_is_a_document_an_action_or_a_condition():
    """Conditions of the person are never listed as something to bring (or photocopy)."""
    for lay in reference.layanan():
        for r in lay.persyaratan:
            assert r.kind in ("dokumen", "tindakan", "syarat"), (lay.key, r.text)
    donor = {r.text: r.kind for r in next(x for x in reference.layanan() if x.key == "donor_darah").persyaratan}
    assert "Sehat, cukup tidur dan sudah makan" not in donor
    assert [k for t, k in donor.items() if "sehat" in t.lower() or "umur" in t.lower()] == ["syarat", "syarat"]
    assert {r.kind for r in next(x for x in reference.layanan() if x.key == "pertanian").persyaratan} >= {"syarat"}


def test_what_to_bring_shows_conditions_apart():
    from flows.layanan import requirement_lines
    from tests.flows.fakes import FakeFacts

    said = render_say(requirement_lines(FakeFacts().layanan("donor_darah")))
    brought, _, rest = said.partition("bukan berkas")
    assert "KTP/SIM" in brought and "Badan sehat" not in brought and "Badan sehat" in rest
