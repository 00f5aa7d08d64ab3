"""Two messages from one phone at the same instant are handled one after the other."""

import threading

from sqlalchemy import func, select

from storage.models import Conversation, InboundMessage, Resident
from tests.whatsapp import Phone, add_visit, replies_of


def fire_together(wa_app, forms):
    barrier = threading.Barrier(len(forms))
    results = [None] * len(forms)

    def run(i, form):
        phone = Phone(wa_app.test_client())
        barrier.wait()
        results[i] = phone.post(form)

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(forms)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_first_messages_at_once_make_one_resident_and_one_conversation(wa_app, rt):
    forms = [Phone(None, "+6285700000001").form(f"halo {i}") for i in range(8)]
    responses = fire_together(wa_app, forms)
    assert [r.status_code for r in responses] == [200] * 8
    with rt.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Resident)) == 1
        assert s.scalar(select(func.count()).select_from(Conversation)) == 1
        assert s.scalar(select(func.count()).select_from(InboundMessage)) == 8


def test_two_answers_at_once_are_not_interleaved(wa_app, rt):
    add_visit(rt, "Gempol", 7)
    phone = Phone(wa_app.test_client())
    phone.send("halo")  # main menu
    before = phone.last_reply_id()
    responses = fire_together(wa_app, [phone.form("1"), phone.form("1")])
    assert [replies_of(r) for r in responses] == [[], []]  # WhatsApp: the replies went to the outbox
    texts = [row.body for row in phone.reply_rows(before)]
    # Serialised: the first "1" opens the schedule, the second is read as an answer to it.
    assert sum("Jadwal Kenduren Mas berikutnya" in t for t in texts) == 1
    assert sum("belum saya kenali" in t for t in texts) == 1
    with rt.sessions() as s:
        conv = s.scalars(select(Conversation)).one()
        assert (conv.flow, conv.state, conv.misunderstood) == ("jadwal", "ask_kecamatan", 1)
