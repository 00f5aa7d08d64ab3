"""Logs keep what traces an attack (client addresses, timestamps) and mask what is personal (phone
numbers, NIKs): the mask used to turn `203.0.113.45` into `2030****345` and eat timestamps."""

from __future__ import annotations

import io
import logging

import pytest
from hypothesis import given, settings, strategies as st

from core.logging_setup import MaskPhonesFilter, configure_logging, mask_log_text
from flows.phones import to_e164

NIK = "3514010101010001"
KEPT = ["203.0.113.45", "127.0.0.1", "10.0.0.9:5000", "2001:db8::1", "::1", "[2001:db8::7]:443",
        "2026-12-07 11:10:54,719", "2026-12-07T11:10:54.123456+07:00", "11:10:54", "12:30:45.123456",
        "07/Dec/2026:11:10:54 +0000", "2026-12-07", "07:00"]
PHONES = ["+6281234567890", "081234567890", "0812-3456-7890", "+62 812 3456 7890", "081.234.567.890",
          "(0343) 123456", "+14155550100", "6281234567890"]


@pytest.mark.parametrize("kept", KEPT)
def test_addresses_and_timestamps_stay_readable(kept):
    line = f"console login failed for +62812****890 from {kept} at {kept}"
    assert mask_log_text(line) == line


@pytest.mark.parametrize("phone", PHONES)
def test_phone_numbers_next_to_addresses_and_times_are_masked(phone):
    masked = mask_log_text(f"2026-12-07 11:10:54,719 WARNING from 203.0.113.45 phone {phone} NIK {NIK}")
    digits = "".join(c for c in phone if c.isdigit())
    assert digits not in "".join(c for c in masked if c.isdigit()) and "****" in masked, masked
    assert NIK not in masked and "3514********0001" in masked
    assert masked.startswith("2026-12-07 11:10:54,719 WARNING from 203.0.113.45 phone ")


@settings(max_examples=200, deadline=None)
@given(st.ip_addresses(v=4),
       st.from_regex(r"\+62 ?8[1-9]\d{1,2}[- ]?\d{3,4}[- ]?\d{3,4}", fullmatch=True).filter(to_e164),
       st.datetimes())
def test_any_address_time_and_indonesian_mobile(address, phone, when):
    line = f"{when.isoformat(sep=' ')} refused {phone} from {address}"
    masked = mask_log_text(line)
    assert str(address) in masked and when.isoformat(sep=" ") in masked
    digits = "".join(c for c in phone if c.isdigit())
    told = masked.split(" refused ")[1].split(" from ")[0]
    assert digits not in "".join(c for c in told if c.isdigit()) and "****" in told, masked


def test_the_configured_handler_writes_the_address_and_time(capsys):
    """Through configure_logging's own handler and formatter, as the app and CLI log."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    handler.addFilter(MaskPhonesFilter())
    configure_logging("INFO")
    log = logging.getLogger("bot.test_log_mask")
    log.addHandler(handler)
    try:
        log.warning("too many attempts for %s from %s", "+6281298765432", "203.0.113.45")
    finally:
        log.removeHandler(handler)
    line = stream.getvalue()
    assert "from 203.0.113.45" in line and "+62812****432" in line and "98765432" not in line
    assert line[:4].isdigit() and line[10] == " " and line[13] == ":"  # the asctime, readable


# The bot's own parts, named in its logs: no personal data, so never masked (a pid of six or seven
# digits, or a row id of a 20,000-row broadcast, was taken for a phone number and masked).
OWN_NAMES = ["vm:2312345:0a1b2c", "kenduren-web-7f9c.internal:48213:9f3a1b", "send-worker-2", "outbox-resident-1",
             "outbox-3", "outbox 20417", "visit 123456", "broadcast #12"]


@pytest.mark.parametrize("name", OWN_NAMES)
def test_the_bots_own_names_and_ids_stay_readable_beside_a_masked_phone(name):
    line = f"outbox 5 to +6281234567890: no longer claimed by {name} when recording its SID; NIK {NIK}"
    masked = mask_log_text(line)
    assert name in masked, masked
    assert "+62812****890" in masked and "34567" not in masked and "3514********0001" in masked


def test_a_real_sender_name_stays_readable_through_the_configured_filter():
    from scheduler.sender import worker_name

    worker = worker_name()
    record = logging.LogRecord("handlers.outbox.deliver", logging.ERROR, __file__, 1,
                               "outbox %s: no longer claimed by %s when recording %s", (20417, worker, "sent"),
                               None)
    MaskPhonesFilter().filter(record)
    assert record.getMessage().startswith("outbox 20417: no longer claimed by ")
    assert record.getMessage() == f"outbox 20417: no longer claimed by {worker} when recording sent"


@pytest.mark.parametrize("text", ["HP-0812 3456 7890", "wa-0812-3456-7890", "outbox 6281234567890", "id 081234567890",
                                  "tel:081234567:abcdef"])
def test_a_phone_number_dressed_as_a_name_or_an_id_is_still_masked(text):
    masked = mask_log_text(f"resident wrote {text} today")
    assert "****" in masked and "4567" not in masked.replace("****", ""), masked
