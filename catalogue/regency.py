"""Texts of the regency's side of a visit: the camat's messages (to forward to the kepala desa), each
dinas' preparation list, the desa poster, and the console pages for them (CONSOLE, merged into the
console's texts).

Outside WhatsApp's 24-hour window these go as approved templates (TWILIO_TEMPLATE_<KIND>):
- camat_brief:  {{1}} kecamatan, {{2}} tanggal, {{3}} the desa that brought fewest ("Desa X (0 warga)")
- camat_hasil:  {{1}} kecamatan, {{2}} tanggal, {{3}} "N hadir dari M pendaftar"
- persiapan:    {{1}} dinas, {{2}} kecamatan and tanggal, {{3}} "N pendaftar, sekitar W datang langsung"
"""

MESSAGES: dict[str, str] = {
    "staff.help_camat": "Halo {name} 👋 Nomor ini terdaftar sebagai *Camat {kecamatan}*. Seminggu dan 3 hari sebelum Kenduren Mas datang, kami kirim pesan untuk diteruskan ke para kepala desa, dengan jangkauan tiap desa pada kunjungan lalu; sehari sesudahnya, kehadiran per desa. Konsol web menampilkan kunjungan, jangkauan dan usulan kecamatan Anda.\nTanya jadwal seperti warga: ketik *JADWAL*. Ketik *MENU* untuk layanan lain.",
    # — the camat, H-7 and H-3: the part below the line is written to be forwarded as it is —
    "camat_brief": (
        "Bapak/Ibu Camat {kecamatan}, Kenduren Mas datang {kapan}. Pesan di bawah ini bisa langsung "
        "diteruskan ke grup kepala desa 🙏\n"
        "———\n"
        "Bapak/Ibu Kepala Desa/Lurah se-Kecamatan {kecamatan}:\n"
        "📣 *Kenduren Mas datang ke Kecamatan {kecamatan}*\n"
        "📅 {tanggal} 🕗 {jam} 📍 {lokasi}\n"
        "Mohon ajak warga mendaftar lewat tautan WhatsApp desa masing-masing (sudah kami kirim ke "
        "Bapak/Ibu Kepala Desa) dan menyampaikan usulan pembangunan.\n"
        "{jangkauan}\n"
        "— Pemkab Pasuruan"
    ),
    "camat_kapan_h7": "seminggu lagi",
    "camat_kapan_lusa": "lusa",
    "camat_kapan_hari": "{n} hari lagi",
    "camat_reach_intro": "Warga yang datang lewat tautan tiap desa pada kunjungan lalu ({tanggal_lalu}):\n{daftar}",
    "camat_reach_line": "• {desa}: {n} warga",
    "camat_reach_more": "• … dan {n} desa/kelurahan lain",
    "camat_reach_lowest": "Paling sedikit: *{desa}*. Mohon perhatian khusus agar warganya ikut datang.",
    "camat_reach_first": "Ini kunjungan pertama Kenduren Mas di Kecamatan {kecamatan}: belum ada angka per desa.",
    "camat_reach_lowest_var": "{desa} ({n} warga)",
    # — the camat, the day after the visit —
    "camat_hasil": (
        "Bapak/Ibu Camat {kecamatan}, terima kasih atas dukungannya 🙏\n"
        "Hasil Kenduren Mas {tanggal}: *{hadir} warga hadir* dari {terdaftar} pendaftar.\n"
        "Kehadiran per desa/kelurahan (hadir / daftar):\n{daftar}\n"
        "{belum}"
        "— Pemkab Pasuruan"
    ),
    "camat_hasil_line": "• {desa}: {hadir} / {terdaftar}",
    "camat_hasil_none": "Desa/kelurahan yang belum ada warganya hadir: {desa}.\n",
    "camat_hasil_var": "{hadir} hadir dari {terdaftar} pendaftar",
    # — each dinas' preparation list, H-2 07:00 —
    "persiapan": (
        "🧰 *Persiapan {dinas}* — Kenduren Mas Kec. {kecamatan}\n"
        "📅 {tanggal} 🕗 {jam} 📍 {lokasi}\n"
        "Pendaftar lewat WhatsApp: *{total}*\n{layanan}\n"
        "Perkiraan datang langsung (tanpa daftar): *{walk_in}* orang ({dasar}).\n"
        "{bekal}"
        "Nama dan kode pendaftar: {link}"
    ),
    "persiapan_line": "• {layanan}: {n}",
    "persiapan_none": "• belum ada",
    "persiapan_bekal": "Yang perlu dibawa (sesuai pendaftar, tambahkan cadangan untuk yang datang langsung):\n{items}\n",
    "persiapan_bekal_line": "• {item}: {n}",
    "persiapan_dasar_kecamatan": "median kunjungan sebelumnya di kecamatan ini",
    "persiapan_dasar_semua": "median semua kunjungan; kecamatan ini belum pernah dikunjungi",
    "persiapan_dasar_belum": "belum ada data kunjungan",
    "persiapan_link_console": "konsol, menu Persiapan",
    "persiapan_var_dinas": "{dinas}",
    "persiapan_var_where": "Kec. {kecamatan}, {tanggal}",
    "persiapan_var_count": "{total} pendaftar, sekitar {walk_in} datang langsung",
    # — the proposal flow's Musrenbang measure (flows/usulan.SATUAN) —
    "usulan.ask_volume.meter": "Kira-kira berapa *meter* panjang {kategori} yang perlu diperbaiki/dibangun? Balas angkanya (misalnya *300* atau *1,5 km*), atau *lewati* bila tidak tahu.",
    "usulan.ask_volume.titik": "Kira-kira berapa *titik* lampu jalan yang dibutuhkan? Balas angkanya (misalnya *5*), atau *lewati* bila tidak tahu.",
    "usulan.ask_volume_again.meter": "Mohon balas panjangnya dengan angka, misalnya *300* (meter) atau *1,5 km*. Tidak tahu? Balas *lewati*.",
    "usulan.ask_volume_again.titik": "Mohon balas jumlah titik lampunya dengan angka, misalnya *5*. Tidak tahu? Balas *lewati*.",
    # — the Musrenbang export: the activity a category means, by default —
    "musrenbang.kegiatan.jalan": "Perbaikan/peningkatan jalan",
    "musrenbang.kegiatan.jembatan": "Pembangunan/perbaikan jembatan",
    "musrenbang.kegiatan.irigasi": "Rehabilitasi saluran irigasi",
    "musrenbang.kegiatan.drainase": "Pembangunan/normalisasi saluran drainase",
    "musrenbang.kegiatan.lampu_jalan": "Pemasangan penerangan jalan umum (PJU)",
    "musrenbang.kegiatan.air_bersih": "Penyediaan sarana air bersih",
    "musrenbang.kegiatan.sampah": "Penanganan sampah",
    "musrenbang.kegiatan.tanggul": "Pembangunan/perbaikan tanggul/plengsengan",
    "musrenbang.kegiatan.fasilitas_umum": "Pembangunan/perbaikan fasilitas umum",
    "musrenbang.kegiatan.lainnya": "Usulan pembangunan lainnya",
    # — the console's review of a proposal, as the resident reads its status —
    "status.proposal.layak": "Layak dibawa ke Musrenbang",
    "status.proposal.perlu_verifikasi": "Perlu verifikasi lapangan",
    # — the desa poster (A4, printed in black and white) —
    "poster.title": "KENDUREN MAS",
    "poster.subtitle": "Kendaraan Urun Rembug Masyarakat · Pemkab Pasuruan",
    "poster.for": "Untuk warga {wilayah}, Kecamatan {kecamatan}",
    "poster.next": "Kunjungan berikutnya di Kecamatan {kecamatan}",
    "poster.next_none": "Jadwal berikutnya belum ditetapkan. Tanyakan lewat WhatsApp: ketik JADWAL.",
    "poster.when": "{tanggal}, pukul {jam}",
    "poster.where": "Tempat: {lokasi}",
    "poster.can_title": "Lewat WhatsApp Kenduren Mas, Anda bisa:",
    "poster.can": (
        "Tanya jadwal dan tempat Kenduren Mas (ketik JADWAL)|"
        "Daftar layanan lebih dulu agar tidak antre: KTP-el, KK, akta, KIA, bansos, cek kesehatan, dan lainnya (ketik DAFTAR)|"
        "Tanya syarat dokumen yang perlu dibawa|"
        "Kirim usulan pembangunan desa: jalan, lampu jalan, saluran air (ketik USULAN)|"
        "Cek status tiket atau usulan (ketik STATUS)|"
        "Ambil nomor antrean saat tiba di lokasi (ketik HADIR)"
    ),
    "poster.scan": "Pindai kode QR ini dengan kamera HP untuk membuka WhatsApp Kenduren Mas:",
    "poster.or_number": "Atau kirim pesan WhatsApp ke {number} dengan kode desa: {kode}",
    "poster.no_number": "(Nomor WhatsApp Kenduren Mas belum diatur oleh admin.)",
    "poster.footer": "Gratis. Layanan resmi Pemerintah Kabupaten Pasuruan. Jangan berikan NIK atau kata sandi kepada siapa pun yang mengaku petugas di luar lokasi.",
}

# The console's own pages (merged into catalogue.console.MESSAGES; keys start with "console.").
CONSOLE: dict[str, str] = {
    "console.role.camat": "camat",
    "console.nav.kecamatan": "Kecamatan",
    "console.nav.evaluasi": "Evaluasi",
    # — the camat's kecamatan page —
    "console.camat.title": "Kecamatan {kecamatan}",
    "console.camat.readonly": "Halaman ini hanya untuk dibaca.",
    "console.camat.visits": "Kunjungan Kenduren Mas",
    "console.camat.reach": "Jangkauan dan kehadiran per desa — kunjungan {tanggal}",
    "console.camat.no_visit": "Belum ada kunjungan yang sudah berlangsung.",
    "console.camat.proposals": "Usulan dari kecamatan ini",
    "console.camat.all_proposals": "Lihat semua usulan",
    "console.camat.choose": "Pilih kecamatan",
    "console.col.tanggal": "Tanggal",
    "console.col.lokasi": "Tempat",
    "console.col.desa": "Desa/kelurahan",
    "console.col.reach": "Lewat tautan desa",
    "console.col.registered": "Mendaftar",
    "console.col.attended": "Hadir",
    "console.col.lowest": "Jangkauan terendah",
    "console.col.status": "Status",
    "console.lowest_mark": "terendah",
    "console.col.supporters": "Pendukung",
    "console.visit_status.planned": "Terjadwal",
    "console.visit_status.cancelled": "Dibatalkan",
    "console.visit_status.moved": "Dipindah",
    # — preparation lists —
    "console.persiapan.title": "Persiapan kunjungan #{id}",
    "console.persiapan.subtitle": "Kec. {kecamatan} · {tanggal} · {jam} · {lokasi}",
    "console.persiapan.per_service": "Pendaftar per layanan",
    "console.persiapan.supplies": "Yang perlu dibawa",
    "console.persiapan.walk_ins": "Perkiraan datang langsung: {n} orang ({dasar})",
    "console.persiapan.registrations": "Pendaftar (nama dan kode)",
    "console.persiapan.layanan": "Layanan",
    "console.persiapan.jumlah": "Jumlah",
    "console.persiapan.kode": "Kode",
    "console.persiapan.nama": "Nama",
    "console.persiapan.item": "Barang",
    "console.persiapan.link": "Persiapan",
    # — posters —
    "console.poster.link": "Poster desa (PDF)",
    "console.poster.kecamatan": "Poster semua desa (PDF)",
    # — proposals: the Musrenbang columns and the review —
    "console.usulan.musrenbang": "Kolom Musrenbang",
    "console.usulan.kegiatan": "Usulan/kegiatan",
    "console.usulan.volume": "Volume",
    "console.usulan.satuan": "Satuan",
    "console.usulan.opd": "Perangkat daerah penanggung jawab",
    "console.usulan.prioritas": "Prioritas",
    "console.usulan.derived": "(otomatis: {value})",
    "console.usulan.saved": "Kolom Musrenbang usulan {kode} disimpan.",
    "console.usulan.bad_fields": "Volume harus angka positif dan prioritas bilangan bulat 1 atau lebih.",
    "console.usulan.review": "Tinjau usulan",
    "console.usulan.review_layak": "Layak dibawa ke Musrenbang",
    "console.usulan.review_perlu_verifikasi": "Perlu verifikasi lapangan",
    "console.usulan.review_ditolak": "Ditolak",
    "console.usulan.reason": "Alasan (wajib bila ditolak; dikirim ke warga)",
    "console.usulan.reason_needed": "Tuliskan alasan penolakan: warga yang mengusulkan akan menerimanya.",
    "console.usulan.export_musrenbang": "Unduh format Musrenbang (XLSX)",
    "console.usulan.export_musrenbang_csv": "Unduh format Musrenbang (CSV)",
    "console.usulan.year": "Tahun",
    # — evaluation across events —
    "console.evaluasi.title": "Evaluasi antar kunjungan",
    "console.evaluasi.intro": "Membandingkan setiap kunjungan Kenduren Mas: pendaftar, kehadiran, dilayani, tidak hadir, waktu tunggu, kepuasan, usulan dan jangkauan desa.",
    "console.evaluasi.from": "Dari tanggal",
    "console.evaluasi.until": "Sampai tanggal",
    "console.evaluasi.kunjungan": "Kunjungan",
    "console.evaluasi.registrations": "Pendaftar",
    "console.evaluasi.attendance": "Hadir",
    "console.evaluasi.served": "Dilayani",
    "console.evaluasi.no_shows": "Tidak hadir saat dipanggil",
    "console.evaluasi.median_wait": "Median tunggu (menit)",
    "console.evaluasi.satisfaction": "Kepuasan (1–5)",
    "console.evaluasi.proposals": "Usulan",
    "console.evaluasi.reach": "Jangkauan lewat tautan desa",
    "console.evaluasi.lowest": "Desa jangkauan terendah",
    "console.evaluasi.chart_registrations": "Pendaftar per kunjungan",
    "console.evaluasi.chart_attendance": "Hadir per kunjungan",
    "console.evaluasi.chart_satisfaction": "Kepuasan per kunjungan",
    "console.evaluasi.chart_reach": "Jangkauan lewat tautan desa per kunjungan",
    "console.evaluasi.lowest_overall": "Jangkauan terendah di rentang ini: {desa} (Kec. {kecamatan}, {n} warga, kunjungan {tanggal}).",
    "console.evaluasi.per_desa": "Jangkauan, pendaftar dan kehadiran per desa",
    "console.evaluasi.print": "Halaman ini bisa dicetak (Ctrl+P) tanpa menu dan formulir.",
}
