"""Reminders and corrections sent to subscribed residents and kepala desa.

Placeholders: {kecamatan}, {tanggal} ("Rabu, 9 Desember 2026"), {jam} ("08.00–13.00 WIB"),
{lokasi}, {dinas} (attending agencies), {layanan} (their best-known services), {wilayah}
("Desa Gempol"), {link} (wa.me link with the desa's referral code), {tanggal_lama}, {perubahan}.

Outside WhatsApp's 24-hour window these go as approved templates (TWILIO_TEMPLATE_<KIND>) with
ContentVariables, so the approved texts must take these numbered variables:
- reminder:        {{1}} kecamatan, {{2}} tanggal, {{3}} jam, {{4}} lokasi
- kades_reminder:  {{1}} kecamatan, {{2}} tanggal, {{3}} jam, {{4}} lokasi, {{5}} link
- correction:      {{1}} kecamatan, {{2}} tanggal lama, {{3}} perubahan ("dibatalkan" / "dipindah ke …" /
                   "jam/tempat berubah: …")
"""

_DETAIL = (
    "📅 {tanggal}\n"
    "🕗 {jam}\n"
    "📍 {lokasi}\n"
    "Hadir: {dinas}.\n"
    "Layanan: {layanan}, dan lainnya.\n"
    "Daftar dulu supaya tidak antre: balas *DAFTAR*.\n"
    "Berhenti menerima pengingat: balas *BERHENTI*."
)

MESSAGES: dict[str, str] = {
    # Resident reminders, one per reminder kind of settings.reminder_plan; other kinds use _segera.
    "reminder_h3": "📣 *Kenduren Mas segera datang ke Kecamatan {kecamatan}*\n" + _DETAIL,
    "reminder_h1": "📣 *Besok Kenduren Mas di Kecamatan {kecamatan}*\n" + _DETAIL,
    "reminder_hari_h": "📣 *Hari ini Kenduren Mas di Kecamatan {kecamatan}*\n" + _DETAIL,
    "reminder_segera": "📣 *Kenduren Mas akan datang ke Kecamatan {kecamatan}*\n" + _DETAIL,
    # For a kepala desa to forward to the village groups.
    "kades_reminder": (
        "Bapak/Ibu Kepala {wilayah}, mohon diteruskan ke grup warga {wilayah} 🙏\n"
        "———\n"
        "📣 *Kenduren Mas datang ke Kecamatan {kecamatan}!*\n"
        "📅 {tanggal} 🕗 {jam} 📍 {lokasi}\n"
        "Urus {layanan} — dan sampaikan usulan pembangunan desa.\n"
        "Daftar & tanya jadwal lewat WhatsApp: {link}\n"
        "— Pemkab Pasuruan"
    ),
    "correction_cancelled": (
        "⚠️ *Perubahan jadwal Kenduren Mas*\n"
        "Kenduren Mas di Kecamatan {kecamatan} pada {tanggal_lama} *dibatalkan*. "
        "Mohon maaf atas perubahan ini 🙏\n"
        "Jadwal berikutnya: balas *JADWAL*. Berhenti menerima pengingat: balas *BERHENTI*."
    ),
    "correction_moved": (
        "⚠️ *Perubahan jadwal Kenduren Mas*\n"
        "Kenduren Mas di Kecamatan {kecamatan} *dipindah* dari {tanggal_lama} ke:\n"
        "📅 {tanggal}\n"
        "🕗 {jam}\n"
        "📍 {lokasi}\n"
        "Mohon maaf atas perubahan ini 🙏 Daftar: balas *DAFTAR*. "
        "Berhenti menerima pengingat: balas *BERHENTI*."
    ),
    "correction_changed": (
        "⚠️ *Perubahan jadwal Kenduren Mas*\n"
        "Kenduren Mas di Kecamatan {kecamatan} tetap pada {tanggal}, tetapi *jam/tempatnya berubah*:\n"
        "📅 {tanggal}\n"
        "🕗 {jam}\n"
        "📍 {lokasi}\n"
        "Mohon maaf atas perubahan ini 🙏 Daftar: balas *DAFTAR*. "
        "Berhenti menerima pengingat: balas *BERHENTI*."
    ),
    # Appended for residents holding a ticket for the changed visit.
    "correction_ticket_follows": "\nTiket Anda ikut pindah ke tanggal baru; kodenya tetap sama.",
    "correction_ticket_cancelled": "\nTiket Anda tetap tersimpan; kami kabari bila ada jadwal pengganti.",
    "correction_ticket_stays": "\nTiket Anda tetap berlaku untuk jadwal ini; kodenya tetap sama.",
    "correction_kades_intro": "Bapak/Ibu Kepala Desa, mohon diteruskan ke grup warga 🙏\n———\n",
    # The {perubahan} variable of the correction template.
    "correction_change_cancelled": "dibatalkan",
    "correction_change_moved": "dipindah ke {tanggal}, {jam}, {lokasi}",
    "correction_change_changed": "jam/tempat berubah: {jam}, {lokasi}",
    "dinas_more": "{first}, dan {more} dinas lain",
    "link_missing": "(nomor WhatsApp Kenduren Mas belum diatur)",
}
