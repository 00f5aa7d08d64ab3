"""Texts around a petugas: what the resident is told, and what the officer reads on their phone."""

MESSAGES: dict[str, str] = {
    # — to the resident —
    "handoff.connecting": "Baik, saya sambungkan ke petugas *{opd}*. Biasanya dibalas dalam 2 jam kerja (Senin–Jumat 08.00–16.00 WIB). Silakan tulis pertanyaan Anda. Kode percakapan: *{kode}*",
    "handoff.connecting_after_confusion": "Maaf, sepertinya saya kurang paham 🙏 Saya sambungkan ke petugas *{opd}*. Biasanya dibalas dalam 2 jam kerja (Senin–Jumat 08.00–16.00 WIB). Kode: *{kode}*",
    "handoff.no_petugas": "Saat ini belum ada petugas {opd} yang bisa dihubungi lewat WhatsApp. Pesan Anda tercatat dengan kode *{kode}* dan akan ditindaklanjuti pada jam kerja.",
    "handoff.from_petugas": "👤 {name} ({opd}): {text}",
    "handoff.closed": "Percakapan dengan petugas selesai. Anda kembali dilayani asisten otomatis; ketik *MENU* untuk pilihan.",
    "handoff.timeout": "Maaf, petugas belum sempat membalas (kode *{kode}*). Pesan Anda tetap tersimpan dan akan dibalas pada jam kerja. Balas *MENU* untuk dilayani asisten otomatis sambil menunggu.",
    "ticket.status_changed": "Kabar tiket *{kode}* ({layanan}): status sekarang *{status_text}*.{note}",
    "ticket.note_line": "\nCatatan petugas: \"{note}\"",
    # — to the petugas —
    "petugas.handoff_notice": "🔔 *{kode}* — {nama} ({desa}) minta bicara dengan petugas.\nPesan terakhir:\n{last}\nBalas: *#{kode} pesan Anda* • Selesai: *#{kode} selesai*",
    "petugas.relay": "💬 *{kode}* — {nama}: {text}\nBalas: *#{kode} pesan Anda*",
    "petugas.resident_left": "↩️ *{kode}* — {nama} kembali ke asisten otomatis (mengetik MENU/BATAL). Tiket tetap terbuka; balasan Anda tetap sampai: *#{kode} pesan Anda*.",
    "petugas.escalated": "⏰ *{kode}* ({opd}) belum dibalas petugas selama 1 hari kerja. Mohon ditindaklanjuti: *ambil {kode}*.",
    "petugas.help": "Perintah petugas:\n• *#KODE pesan* — balas warga\n• *#KODE selesai [catatan]* — tutup percakapan\n• *#KODE status diteruskan|menunggu_dokumen|selesai|ditolak [catatan]*\n• *ambil KODE* — ambil tiket\n• *tiket* — tiket terbuka Anda\n• *bantuan* — daftar perintah ini",
    "petugas.unknown_command": "Perintah tidak dikenali. Ketik *bantuan* untuk daftar perintah.",
    "petugas.not_found": "Kode {kode} tidak ditemukan.",
    "petugas.not_your_opd": "Tiket {kode} milik dinas lain; Anda tidak dapat mengubahnya.",
    "petugas.sent": "✓ Terkirim ke warga ({kode}).",
    "petugas.closed": "✓ {kode} ditutup. Warga kembali ke asisten otomatis dan menerima survei.",
    "petugas.status_set": "✓ Status {kode}: {status}.",
    "petugas.bad_status": "Status tidak dikenal. Pilih: diteruskan, menunggu_dokumen, selesai, ditolak.",
    "petugas.claimed": "✓ {kode} sekarang Anda tangani.",
    "petugas.my_tickets": "Tiket terbuka Anda:\n{items}",
    "petugas.ticket_line": "{kode} — {layanan} — {nama} ({status})",
    "petugas.no_tickets": "Tidak ada tiket terbuka untuk Anda.",
    "petugas.empty_message": "Pesannya kosong. Tulis: *#{kode} pesan Anda*",
    "petugas.resident_gone": "Warga untuk {kode} sudah menghapus datanya; pesan tidak dapat dikirim.",
}
