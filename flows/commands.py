"""Global commands: words that mean the same in every state (after case and punctuation are
normalised). Declared once here; the policy and the engine read them."""

from __future__ import annotations

import re

MENU_WORDS = frozenset({"menu", "menu utama", "kembali", "home", "0", "kembali ke menu"})
CANCEL_WORDS = frozenset({"batal", "batalkan", "cancel", "gak jadi", "ga jadi", "nggak jadi", "ora sido", "gak sido",
                          "ndak jadi", "ndak sido", "mboten sios"})
STOP_WORDS = frozenset({"berhenti", "stop", "unsubscribe", "unreg", "stop pengingat", "berhenti langganan"})
START_WORDS = frozenset({"mulai", "start", "subscribe", "mulai lagi"})
HUMAN_WORDS = frozenset({"petugas", "operator", "cs", "admin manusia"})
HELP_WORDS = frozenset({"bantuan", "help", "tolong", "?"})
ERASE_WORDS = frozenset({"hapus data saya", "hapus data", "hapus dataku", "hapus data pribadi"})

# Staff's commands on their phones (handlers/petugas_commands builds its patterns from these; the
# help texts in catalogue/petugas.py name the same words).
STAFF_HELP_WORDS = frozenset({"bantuan", "help", "perintah", "?"})  # a petugas' "menu" too; a kades' MENU is the resident menu
PETUGAS_MENU_WORD = "menu"
BACKLOG_WORD = "tiket"  # "tiket", "tiket saya", "tiket 2"
CLAIM_WORD = "ambil"  # "ambil #KM-6905"
CALL_WORDS = frozenset({"panggil", "panggil berikutnya", "berikutnya", "next"})  # the next in the queue at the stand
CHECK_IN_WORD = "hadir"  # "#KM-6905 hadir"
SKIP_WORD = "lewati"  # "#KM-6905 lewati": a no-show
# Only "alihkan": a word a petugas would not begin a message to the resident with.
TRANSFER_WORD = "alihkan"  # "#KM-6905 alihkan dinsos"
END_CHAT_WORDS = ("tutup", "akhiri")  # "#KM-6905 tutup [catatan]"

COMMANDS = {"menu": MENU_WORDS | HELP_WORDS, "cancel": CANCEL_WORDS, "stop": STOP_WORDS, "start": START_WORDS,
            "human": HUMAN_WORDS, "erase": ERASE_WORDS}


def normalise_command(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s?]", " ", text.casefold())).strip()


def command_of(text: str) -> str | None:
    """"menu", "cancel", "stop", "start", "human", "erase", or None when the text is no command."""
    cmd = normalise_command(text)
    return next((name for name, words in COMMANDS.items() if cmd in words), None)
