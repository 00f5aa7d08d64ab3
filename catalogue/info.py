"""Texts of the answers about a visit's dinas (flows/info.py)."""

MESSAGES: dict[str, str] = {
    "info.opd_list": ("Dinas yang hadir di Kenduren Mas *Kecamatan {kecamatan}* ({n} dinas):\n"
                      "📅 {tanggal}, 🕗 {jam}\n📍 {lokasi}\n{dinas}"),
    "info.opd_line": "{opd}{layanan}",
    "info.opd_line_offers": ": {layanan}",
    "info.opd_name": "*{singkatan}*",
    "info.opd_name_full": "*{singkatan}* ({nama})",
    "info.opd_yes": ("Ya, {opd} hadir di Kenduren Mas *Kecamatan {kecamatan}*:\n📅 {tanggal}\n🕗 {jam}\n📍 {lokasi}"
                     "{layanan}"),
    "info.opd_yes_offers": "\nLayanannya: {layanan}.",
    "info.opd_no": ("Tidak, {opd} tidak ikut di Kenduren Mas *Kecamatan {kecamatan}* ({tanggal}). "
                    "Yang hadir: {hadir}."),
    # — sourced answers to questions around a service (flows/info.py, storage/reference/tanya_jawab.csv) —
    "info.sourced": "{about}{jawaban}{care}{visit}\n📚 Sumber: {sumber}\n{more}",
    "info.more": "Masih ada yang belum jelas? Ketik *PETUGAS* untuk bertanya ke petugas.",
    # A petugas holds (or is awaited in) the chat: they see this answer; the chat goes on.
    "info.more_in_handoff": "Percakapan Anda dengan petugas tetap berjalan dan petugas ikut membaca jawaban ini. Masih ada yang ingin ditanyakan? Tulis saja di sini.",
    "info.about": "*{layanan}*: ",
    "info.requirements": "*{layanan}* ({opd}) — yang dibawa (asli, plus 1 fotokopi):\n{syarat}\nUntuk mendaftar, ketik *MENU* lalu pilih Daftar layanan.",
    "info.requirements_ticket": "Untuk tiket *{kode}* — *{layanan}* ({opd}), {tanggal} — yang dibawa (asli, plus 1 fotokopi):\n{syarat}",
    "info.requirements_in_handoff": "*{layanan}* ({opd}) — yang dibawa (asli, plus 1 fotokopi):\n{syarat}\nPercakapan Anda dengan petugas tetap berjalan dan petugas ikut membaca jawaban ini.",
    "info.your_visit": "\n📅 Jadwal Anda ({kode}): {tanggal}, {jam}, {lokasi}.",
    "info.extra": "\n{lines}",
    "info.your_ticket": "Tiket Anda *{kode}*: {status} (diperbarui {updated}). Rinciannya: ketik *STATUS {kode}*.",
    "info.your_ticket_visit": "Tiket Anda *{kode}*: {status}, untuk kunjungan {tanggal} di {lokasi}. Rinciannya: ketik *STATUS {kode}*.",
    "info.your_proposal": "Usulan Anda *{kode}*: {status} (diperbarui {updated}).",
    "info.your_visit_cannot_come": ("\n📅 Jadwal Anda ({kode}): {tanggal}, {jam}, {lokasi}. Tidak bisa datang? Balas "
                                    "*ganti tanggal* atau *batalkan tiket*."),
    "info.care": "\n⚠️ Info ini belum kami pastikan untuk Kabupaten Pasuruan; mohon cek lagi ke petugas.",
    "info.which_service": "Soal {topic}, jawabannya tergantung layanannya. Layanan apa yang Anda maksud? Tulis misalnya *{topic} KTP* atau *{topic} kartu kuning*.",
    "info.unknown": "Maaf, soal {topic} untuk {layanan} belum ada di data kami, jadi saya tidak mau menebak 🙏 Ketik *PETUGAS* untuk bertanya langsung ke petugas.",
    "info.this_service": "layanan ini",
    "info.no_number": "Nomor itu tidak saya punya 🙏 Nomor petugas lapangan, koperasi atau kantor biasanya ada di kantor desa/kelurahan atau kantor kecamatan (perangkat desa bisa membantu). Bila ingin ditanyakan ke petugas Kenduren Mas, balas *PETUGAS*.",
    "info.back_to_question": "Silakan lanjutkan menjawab pertanyaan saya sebelumnya, atau ketik *MENU*.",
    "info.topic.diwakilkan": "diwakilkan",
    "info.topic.syarat": "syarat",
    "info.topic.fotokopi": "fotokopi",
    "info.topic.biaya": "biaya",
    "info.topic.waktu_jadi": "kapan jadi",
    "info.topic.hilang_rusak": "surat kehilangan",
    "info.topic.terlewat": "terlambat/terlewat",
    "info.topic.kantor": "kantor dinas",
    "info.caravan_chosen": "\n🚐 Kenduren Mas yang sedang Anda daftarkan: *Kec. {kecamatan}*, {tanggal}, {jam}, {lokasi}.",
    "info.caravan_too": "\n🚐 Bisa menunggu? Kenduren Mas berikutnya di *Kec. {kecamatan}*: {tanggal}, {jam}, {lokasi}. Balas *DAFTAR* untuk mendaftar.",
    "info.topic.darurat": "keadaan darurat",
    "info.topic.musrenbang": "usulan dan Musrenbang",
    "info.topic.syarat_donor": "syarat donor",
    "info.topic.umur": "umur",
    "info.topic.denda": "denda",
    "info.topic.keluar_antrean": "keluar antrean",
    "info.topic.kematian": "KK setelah ada yang meninggal",
    "info.topic.bencana_dokumen": "dokumen yang hilang karena bencana",
    "info.topic.program": "Kenduren Mas",
    # A clear question the sourced data and the flows cannot answer: said so, never the menu or a schedule card.
    "info.cannot_answer": ("Maaf, pertanyaan itu belum bisa saya jawab: jawabannya belum ada di data kami, dan saya tidak "
                           "mau menebak 🙏 Mau saya teruskan ke petugas?\n{options}"),
    "info.did_you_mean": "Maaf, saya kurang yakin 🙏 Maksud Anda: _{question}_\n{options}",
    "opt.question_yes": "Ya, itu maksud saya",
    "opt.question_yes.short": "Ya, itu",
    "opt.question_no": "Bukan, tanya petugas",
    "opt.question_no.short": "Bukan, ke petugas",
    # "ada yg bls gak ya jam sgini": who reads the chat, and when.
    "info.replies_in_hours": ("Saya asisten otomatis Kenduren Mas dan menjawab kapan saja, 24 jam (jadwal, daftar "
                              "layanan, status tiket, usulan). Petugas membaca pesan pada jam kerja, Senin–Jumat "
                              "08.00–16.00 WIB; sekarang jam kerja. Ketik pertanyaan Anda, atau *PETUGAS* untuk bicara "
                              "dengan petugas."),
    "info.replies_after_hours": ("Saya asisten otomatis Kenduren Mas dan menjawab kapan saja, 24 jam (jadwal, daftar "
                                 "layanan, status tiket, usulan). Petugas membaca pesan pada jam kerja (Senin–Jumat "
                                 "08.00–16.00 WIB, hari libur tutup): pesan untuk petugas dibaca mulai *{hari} pukul "
                                 "{jam} WIB*. Ketik pertanyaan Anda, atau *PETUGAS* untuk meninggalkan pesan."),
    # A kepala desa asking for the announcement now: when it comes, and what may be forwarded at once.
    "info.announcement_kades": ("Pengumuman untuk grup warga kami kirim otomatis ke nomor ini beberapa hari sebelum "
                                "Kenduren Mas datang ke kecamatan Anda, sudah ditulis untuk diteruskan "
                                "dan lengkap dengan tautan desa Anda. Atas permintaan belum bisa saya kirim sekarang 🙏 "
                                "Yang bisa langsung diteruskan sekarang: ketik *JADWAL* lalu teruskan kartu jadwalnya. "
                                "Perlu teksnya lebih cepat? Ketik *PETUGAS*."),
    # A kepala desa's / camat's follow-up about the messages written for them to forward (#23 cat. 6).
    "staf.announcement_kades": ("Pengumuman Kenduren Mas di *Kecamatan {kecamatan}* ({tanggal}) untuk grup warga kami "
                                "kirim otomatis ke nomor ini: {kirim}. Teksnya sudah siap diteruskan; sebelum itu "
                                "belum bisa saya kirim. Yang bisa diteruskan sekarang: ketik *JADWAL* lalu teruskan "
                                "kartu jadwalnya."),
    "staf.announcement_kades_sent": ("Pengumuman Kenduren Mas di *Kecamatan {kecamatan}* ({tanggal}) sudah kami "
                                     "kirim ke nomor ini: cari pesan yang diawali \"Bapak/Ibu Kepala\" lalu teruskan "
                                     "ke grup warga."),
    "staf.announcement_kades_unplanned": ("Belum ada jadwal Kenduren Mas ke *Kecamatan {kecamatan}*. Begitu "
                                          "jadwalnya ada, pengumuman untuk grup warga kami kirim otomatis ke nomor "
                                          "ini beberapa hari sebelumnya."),
    "staf.announcement_camat": ("Pesan untuk diteruskan ke para kepala desa di *Kecamatan {kecamatan}* "
                                "(Kenduren Mas {tanggal}) kami kirim otomatis ke nomor ini: {kirim}. Sebelum itu "
                                "belum bisa saya kirim; kepala desa juga menerima pengumuman sendiri untuk grup warga."),
    "staf.announcement_camat_sent": ("Pesan untuk para kepala desa tentang Kenduren Mas di *Kecamatan {kecamatan}* "
                                     "({tanggal}) sudah kami kirim ke nomor ini; silakan teruskan ke grup kepala desa."),
    "staf.announcement_camat_unplanned": ("Belum ada jadwal Kenduren Mas ke *Kecamatan {kecamatan}*. Begitu "
                                          "jadwalnya ada, pesan untuk para kepala desa kami kirim otomatis ke nomor "
                                          "ini beberapa hari sebelumnya."),
    "staf.announcement_link": "Tautan Desa {desa} untuk warga: {link}",
    "staf.announcement_with_link": "{text}\n\n{link}",
    "flow.info": "pertanyaan seputar layanan",
}
