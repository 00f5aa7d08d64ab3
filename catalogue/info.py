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
}
