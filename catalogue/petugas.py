"""Texts around staff: what the resident is told about a petugas, what the officer reads on their
phone, and what a kepala desa or admin is told when they ask for help.

Template variables outside WhatsApp's 24-hour window (TWILIO_TEMPLATE_<KIND>):
- ticket_update:   {{1}} ticket code, {{2}} status (diteruskan, menunggu_dokumen, selesai, ditolak)
- relay:           {{1}} petugas name, {{2}} message (first 200 characters)
- handoff_notice:  {{1}} ticket code, {{2}} resident name
"""

MESSAGES: dict[str, str] = {
    # — to the resident —
    "handoff.connecting": "Baik, saya sambungkan ke petugas *{opd}*. Biasanya dibalas dalam 2 jam kerja (Senin–Jumat 08.00–16.00 WIB). Silakan tulis pertanyaan Anda. Kode percakapan: *{kode}*",
    "handoff.connecting_after_confusion": "Maaf, sepertinya saya kurang paham 🙏 Saya sambungkan ke petugas *{opd}*. Biasanya dibalas dalam 2 jam kerja (Senin–Jumat 08.00–16.00 WIB). Kode: *{kode}*",
    "handoff.wait_queued": "Permintaan Anda untuk bicara dengan petugas tercatat dengan kode *{kode}*.",
    "handoff.wait_in_hours": "Pesan Anda sudah sampai ke petugas; biasanya dibalas dalam 2 jam kerja (Senin–Jumat 08.00–16.00 WIB). Percakapan dengan petugas tetap terbuka.",
    "handoff.wait_after_hours": "Sekarang di luar jam kerja. Pesan Anda tersimpan dan dibaca petugas mulai *{hari} pukul {jam} WIB*; biasanya dibalas dalam 2 jam kerja setelah itu. Percakapan dengan petugas tetap terbuka.",
    "handoff.after_hours": "🕗 Sekarang di luar jam kerja petugas. Pesan Anda tersimpan dan akan dibaca petugas mulai *{hari} pukul {jam} WIB*. Sambil menunggu, pertanyaan jadwal atau status bisa langsung saya jawab.",
    "petugas.bot_answered": "ℹ️ *{kode}* — {nama} bertanya: {text}\n🤖 Dijawab asisten otomatis ({topic}):\n{answer}\nObrolan tetap milik Anda; untuk menambahkan, tulis *#{kode}* lalu pesannya.",
    "handoff.no_petugas": "Saat ini belum ada petugas {opd} yang bisa dihubungi lewat WhatsApp. Pesan Anda tercatat dengan kode *{kode}* dan akan ditindaklanjuti pada jam kerja.",
    "handoff.from_petugas": "👤 {name} ({opd}): {text}",
    "handoff.chat_ended": "Percakapan dengan petugas (*{kode}*) sudah diakhiri. Pendaftaran *{layanan}* Anda tetap berlaku{when}. Ketik *MENU* untuk pilihan lain.",
    "handoff.chat_ended_case_open": "Percakapan dengan petugas (*{kode}*) diakhiri untuk sekarang; urusan Anda tetap dicatat dan ditindaklanjuti {opd}.{note}\nCek kapan saja: ketik *STATUS {kode}*.",
    "handoff.visit_when": " untuk kunjungan {tanggal}",
    "handoff.closed": "Percakapan dengan petugas (*{kode}*) selesai.{note}\nAnda kembali dilayani asisten otomatis; ketik *MENU* untuk pilihan.",
    # A service ticket closed: say what was done, by whom.
    "handoff.closed_service": "✅ Tiket *{kode}* ({layanan}) sudah *selesai* ditangani {name} ({opd}).{note}\nCek kapan saja: ketik *STATUS {kode}*. Ketik *MENU* untuk layanan lain.",
    "handoff.timeout": "Maaf, petugas belum sempat membalas (kode *{kode}*). Pesan Anda tetap tersimpan dan akan dibalas pada jam kerja. Balas *MENU* untuk dilayani asisten otomatis sambil menunggu.",
    "ticket.status_changed": "Kabar tiket *{kode}* ({layanan}): status sekarang *{status_text}*.{note}",
    "ticket.transferred": "ℹ️ Tiket *{kode}* ({layanan}) sekarang ditangani *{opd}*. Cek kapan saja: ketik *STATUS {kode}*.",
    "handoff.transferred": "ℹ️ Percakapan Anda (kode *{kode}*) sekarang ditangani petugas *{opd}*. Silakan lanjutkan menulis di sini; balasan berikutnya datang dari petugas {opd}.",
    "handoff.transferred_waiting": "ℹ️ Percakapan Anda (kode *{kode}*) diteruskan ke *{opd}*. Saat ini belum ada petugas {opd} yang bisa dihubungi lewat WhatsApp; pesan Anda tercatat dan akan ditindaklanjuti pada jam kerja. Ketik *MENU* untuk dilayani asisten otomatis.",
    "handoff.routed": "✓ Karena menyangkut *{topic}*, pesan Anda saya teruskan ke petugas *{opd}* (kode *{kode}*). Biasanya dibalas dalam 2 jam kerja (Senin–Jumat 08.00–16.00 WIB).",
    "ticket.note_line": "\nCatatan petugas: \"{note}\"",
    # — to the petugas —
    "petugas.handoff_notice": "🔔 *{kode}* — {nama} ({desa}) minta bicara dengan petugas.\nPesan terakhir:\n{last}\nBalas: tulis *#{kode}* lalu pesannya • Akhiri obrolan: *#{kode} tutup*",
    "petugas.relay": "💬 *{kode}* — {nama}: {text}\nBalas: tulis *#{kode}* lalu pesannya",
    "petugas.ticket_cancelled": "❌ *{kode}* — {nama} ({layanan}) dibatalkan oleh warga: tidak jadi datang {tanggal}.",
    "petugas.ticket_moved": "📅 *{kode}* — {nama} ({layanan}) pindah jadwal oleh warga: {dari} → *{ke}*. Kode tiket tetap.",
    "petugas.resident_left": "↩️ *{kode}* — {nama} kembali ke asisten otomatis (mengetik MENU/BATAL). Tiket tetap terbuka; balasan Anda tetap sampai: tulis *#{kode}* lalu pesannya.",
    "petugas.escalated": "⏰ *{kode}* ({opd}) belum dibalas petugas selama 1 hari kerja. Mohon ditindaklanjuti: *ambil {kode}*.",
    "petugas.help": "Perintah petugas:\n• *#KODE teks* — balas warga (mis. *#KM-4821 Selamat pagi*)\n• *#KODE tutup* — akhiri obrolan (tiket layanan tetap terbuka)\n• *#KODE selesai [catatan]* — layanan selesai, tiket ditutup\n• *#KODE status diteruskan / menunggu dokumen / selesai / ditolak [catatan]*\n• *#KODE alihkan dinas* — alihkan ke dinas lain (mis. dinsos, capil, dinkes)\n• *ambil KODE* — ambil tiket\n• *tiket* — tiket terbuka dinas Anda\n• *bantuan* — daftar perintah ini\nKode boleh ditulis #KM-4821, KM 4821 atau km4821.",
    "petugas.closing_like": ("Pesan untuk *{kode}* ({layanan}) BELUM saya kirim ke warga: sepertinya Anda ingin menutup. Pilih:\n"
                             "• *#{kode} tutup* — akhiri obrolan (pendaftaran tetap berlaku)\n"
                             "• *#{kode} selesai* — layanan sudah diberikan, tiket ditutup\n"
                             "• *#{kode} pesan {teks}* — tetap kirim teks ini ke warga"),
    "petugas.close_only_chat": ("Tutup obrolan *{kode}* ({nama}, {layanan})?\n1. Ya, tutup\n2. Tidak\n"
                                "Pesan ini tidak dikirim ke warga. Perintahnya: *#{kode} tutup*."),
    "petugas.close_which_chat": "Anda memegang beberapa obrolan; pesan ini tidak dikirim ke warga. Tutup yang mana? Ketik salah satu: {kodes}.",
    "petugas.close_no_chat": "Anda tidak sedang memegang obrolan dengan warga; pesan ini tidak dikirim ke siapa pun. Ketik *tiket* untuk daftar tiket.",
    "petugas.close_kept": "Baik, obrolan *{kode}* tetap terbuka. Balas warga dengan *#{kode}* lalu pesannya.",
    "petugas.unknown_command": "Perintah tidak dikenali. Ketik *bantuan* untuk daftar perintah.",
    "petugas.not_found": "Kode {kode} tidak ditemukan.",
    "petugas.not_your_opd": "Tiket {kode} milik dinas lain; Anda tidak dapat mengubahnya.",
    "petugas.sent": "✓ Terkirim ke warga ({kode}).",
    "petugas.confirm_finish": "{kode} adalah pendaftaran *{layanan}* untuk kunjungan {tanggal}, yang belum berlangsung. Hanya mengakhiri obrolan? Ketik *#{kode} tutup* (pendaftarannya tetap berlaku). Layanannya memang sudah selesai? Ketik *#{kode} selesai ya*.",
    "petugas.chat_ended": "✓ Obrolan {kode} diakhiri; tiketnya ({layanan}) tetap terbuka dan warga kembali ke asisten otomatis. Kalau urusannya memang sudah selesai: *#{kode} selesai ya*.",
    "petugas.closed": "✓ {kode} ditutup. Warga kembali ke asisten otomatis dan menerima survei.",
    "petugas.status_set": "✓ Status {kode}: {status}. Warga sudah dikabari.",
    "petugas.bad_status": "Status tidak dikenal. Tulis misalnya *#KM-4821 status menunggu dokumen bawa KK asli*. Pilihan: diteruskan, menunggu dokumen, selesai, ditolak.",
    "petugas.already_closed": "Tiket {kode} sudah ditutup.",
    "petugas.claimed": "✓ {kode} sekarang Anda tangani.",
    "petugas.backlog": "Tiket {opd} {first}–{last} dari {total}:\n{items}{more}",
    "petugas.backlog_more": "\nBerikutnya: *tiket {next}*",
    "petugas.backlog_no_page": "Tidak ada tiket di halaman {page}. Ketik *tiket* untuk halaman pertama.",
    "petugas.ticket_line": "*{kode}* {layanan} · {nama} · {status} · {who}",
    "petugas.chat": "percakapan",
    "petugas.unassigned": "belum diambil",
    "petugas.yours": "Anda",
    "petugas.held_by": "{name}",
    "petugas.no_tickets": "Tidak ada tiket terbuka untuk dinas Anda.",
    "petugas.empty_message": "Pesannya kosong. Tulis *#{kode}* lalu pesannya.",
    "petugas.resident_gone": "Warga untuk {kode} sudah menghapus datanya; pesan tidak dapat dikirim.",
    "petugas.transfer_notice": "🔀 *{kode}* dialihkan dari {from_opd} ({who}) ke dinas Anda — {nama} ({desa}).\nPesan terakhir:\n{last}\nBalas: tulis *#{kode}* lalu pesannya • Akhiri obrolan: *#{kode} tutup*",
    "petugas.transfer_by_bot": "otomatis: warga menyebut {why}",
    "petugas.transferred_away": "↪️ *{kode}* dialihkan ke {opd} ({who}); petugas {opd} yang melanjutkan.",
    "petugas.transferred": "✓ {kode} dialihkan ke {opd}, sekarang ditangani {name}. Warga sudah dikabari.",
    "petugas.transferred_unstaffed": "✓ {kode} dialihkan ke {opd}, tetapi belum ada petugas {opd} yang aktif: tiket menunggu di antrean {opd} (helpdesk Diskominfo tetap dapat menanganinya). Warga sudah dikabari.",
    "petugas.transfer_not_yours": "Tiket {kode} milik {opd}; hanya petugas {opd} atau helpdesk Diskominfo yang dapat mengalihkannya.",
    "petugas.transfer_same": "Tiket {kode} sudah ditangani {opd}.",
    "petugas.transfer_usage": "Tulis dinas tujuannya, misalnya *#{kode} alihkan dinsos* (atau capil, dinkes, …).",
    "petugas.transfer_unknown": "Dinas \"{name}\" tidak saya kenali. Tulis misalnya *#{kode} alihkan dinsos*.\nPilihan: {options}",
    "petugas.transfer_which": "\"{name}\" bisa berarti: {options}. Tulis lebih lengkap, misalnya *#{kode} alihkan {example}*.",
    # — to a kepala desa or an admin (they use the bot like residents otherwise) —
    "staff.help_kades": "Halo {name} 👋 Nomor ini terdaftar sebagai *Kepala {wilayah}* (Kec. {kecamatan}). Sebelum Kenduren Mas datang ke kecamatan Anda, kami kirim pengumuman untuk diteruskan ke grup warga, dengan tautan khusus desa Anda.\nTanya jadwal seperti warga: ketik *JADWAL* atau nama kecamatan. Ketik *MENU* untuk layanan lain.",
    "staff.help_admin": "Halo {name} 👋 Nomor ini terdaftar sebagai *admin* Kenduren Mas. Jadwal, tiket, usulan dan laporan dikelola di konsol web atau lewat perintah `python -m bot`.\nTanya jadwal seperti warga: ketik *JADWAL* atau nama kecamatan. Ketik *MENU* untuk layanan lain.",
}
