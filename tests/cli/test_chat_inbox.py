"""`python -m bot chat`: two people played in one database. What others sent to a number (the
petugas' reply, the relayed chat, the survey) is shown at its next turn, marked "(pesan masuk)",
once and in order; an empty line or /cek only looks; the number's own replies are never repeated."""

from __future__ import annotations

from handlers.outbox import enqueue
from tests.whatsapp import outbox

WARGA = "+6285712340001"
PETUGAS = "+6281298760002"


def chat(cli, phone: str, *lines: str) -> str:
    result = cli("chat", "--phone", phone, input="".join(line + "\n" for line in lines))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def incoming(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("(pesan masuk)")]


def test_a_petugas_and_a_resident_see_each_others_messages(cli, rt):
    assert cli("people", "add-petugas", "--phone", PETUGAS, "--name", "Bu Wulan", "--opd",
               "dispendukcapil").exit_code == 0
    # Krama, with a typo: the resident asks for a person and writes while waiting.
    asked = chat(cli, WARGA, "kula nyuwun bicanten kalih petugas dukcapil", "akta lair anak kula klentu asmane")
    assert incoming(asked) == []
    code = next(word.strip("*.") for word in asked.split() if word.strip("*.").startswith("KM-"))
    assert asked.count("Kode percakapan") == 1  # its own reply, printed once

    # The petugas' first look (an empty line) shows the escalation and the relayed message, in order;
    # the replies after it show nothing again.
    looked = chat(cli, PETUGAS, "", f"#{code} nggih Bu, mangke dibenahi wonten mobil capil", f"#{code} tutup")
    shown = incoming(looked)
    assert len(shown) == 2 and code in shown[0] and "klentu asmane" in looked.split(shown[1])[0] + shown[1]
    assert looked.index(shown[1]) < looked.index("Bot>")  # only looking: the first Bot> answers the reply
    assert "Terkirim" in looked
    # A later chat of the petugas starts after their last message: nothing is shown again.
    assert incoming(chat(cli, PETUGAS, "/cek")) == []

    # The resident's next turn starts with the reply, the end of the chat and the survey, then answers it.
    back = chat(cli, WARGA, "5")
    shown = incoming(back)
    assert "mangke dibenahi" in shown[0] and "Bagaimana pelayanan" in back.split("Anda> 5")[1].split("Bot>")[0]
    assert back.index("(pesan masuk)") < back.index("Bot>")
    # /cek afterwards: nothing new, and nothing is shown twice in a later chat either.
    assert "(tidak ada pesan baru)" in chat(cli, WARGA, "/cek")
    assert incoming(chat(cli, WARGA, "")) == []


def test_the_numbers_own_replies_in_the_outbox_are_not_shown_again(cli, rt):
    """Replies that go over REST are outbox rows of kind `reply`: the chat printed them as `Bot>`."""
    chat(cli, WARGA, "halo min")
    with rt.sessions.begin() as s:
        enqueue(s, kind="reply", channel="whatsapp", to_phone=WARGA, body="jawaban yang sudah tampil")
        enqueue(s, kind="ticket_update", channel="whatsapp", to_phone=WARGA, body="Tiket KM-1 diperbarui")
        enqueue(s, kind="reminder", channel="whatsapp", to_phone="+6285799990000", body="bukan untuk nomor ini")
    assert len(outbox(rt, WARGA)) == 1  # tests.whatsapp.outbox: what the number gets beyond its replies
    looked = chat(cli, WARGA, "/cek")
    assert incoming(looked) == ["(pesan masuk) Tiket KM-1 diperbarui"]
    assert "jawaban yang sudah tampil" not in looked and "bukan untuk nomor ini" not in looked


def test_a_nik_typed_in_the_chat_reaches_the_petugas_as_written_and_is_stored_masked(cli, rt):
    """`bot chat` reads a message as the webhook does (handlers.webhook_form.typed_body): the petugas holding
    the chat reads the NIK they asked for; the stored message keeps it masked."""
    from sqlalchemy import select

    from storage.models import InboundMessage

    assert cli("people", "add-petugas", "--phone", PETUGAS, "--name", "Bu Wulan", "--opd",
               "dispendukcapil").exit_code == 0
    asked = chat(cli, WARGA, "aku njaluk ngomong karo petugas capil")
    code = next(word.strip("*.") for word in asked.split() if word.strip("*.").startswith("KM-"))
    chat(cli, PETUGAS, f"#{code} Bu, NIK ibu berapa?")
    chat(cli, WARGA, "nik e ibuku 3514010101010003 pak")
    assert "3514010101010003" in outbox(rt, PETUGAS)[-1]
    with rt.sessions() as s:
        bodies = s.scalars(select(InboundMessage.body).where(InboundMessage.from_phone == WARGA)).all()
    assert not any("3514010101010003" in b for b in bodies) and any("3514********0003" in b for b in bodies)
