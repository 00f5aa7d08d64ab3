"""Hostile input at the edge: signed forms with any field out of bounds never get a 5xx, and every
200 is TwiML an XML parser accepts. Property-based (hypothesis), derandomized so a run is repeatable."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.whatsapp import BOT_NUMBER, PUBLIC_BASE, sign

FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Characters that broke things before: NUL, controls, what XML cannot carry, and long runs.
NASTY = st.sampled_from(["\x00", "\x07", "\x1b", "\ufffe", "\uffff", "\ud7ff", "\U0001f64f", "<", "&", "]]>",
                         "'; DROP TABLE resident;--", "NIK 3514010101010001", "+1 415 555 0100", "\u202e"])
TEXT = st.one_of(st.text(max_size=40), st.lists(NASTY, max_size=6).map("".join),
                 st.builds(lambda s, n: s * n, st.sampled_from(["x", "\x00", "ü", "9"]), st.integers(200, 6000)))
NUMBERISH = st.one_of(st.sampled_from(["0", "1", "3", "10", "11", "-1", "2147483648", "9" * 40, "1e9", "inf", "nan",
                                       "-inf", "1_000", "٣", "", " 2 ", "0x10"]), TEXT)
PHONES = st.sampled_from(["whatsapp:+6281234567890", "whatsapp:+6281298765432", "+6281234567890", "whatsapp:+14155550100",
                          "whatsapp:+62343123456", "whatsapp:", "whatsapp:+62\x00812", "", "+" + "9" * 70])
SIDS = st.one_of(st.from_regex(r"SM[0-9a-f]{32}", fullmatch=True), TEXT)

INBOUND = st.fixed_dictionaries(
    {"MessageSid": SIDS, "From": PHONES, "Body": TEXT},
    optional={"ProfileName": TEXT, "NumMedia": NUMBERISH, "MediaUrl0": st.one_of(TEXT, st.just("https://x.test/\x00")),
              "Latitude": NUMBERISH, "Longitude": NUMBERISH, "ButtonPayload": TEXT, "ButtonText": TEXT, "WaId": TEXT,
              "SmsMessageSid": SIDS, "MediaContentType0": TEXT})
STATUS = st.fixed_dictionaries(
    {"MessageSid": SIDS, "MessageStatus": st.one_of(st.sampled_from(["queued", "sent", "delivered", "read", "failed",
                                                                     "undelivered", "DELIVERED", ""]), TEXT)},
    optional={"ErrorCode": NUMBERISH, "ErrorMessage": TEXT, "SmsStatus": TEXT, "To": PHONES})


def post(client, path: str, form: dict):
    form = {k: v for k, v in form.items()}
    return client.post(path, data=form, base_url=PUBLIC_BASE, headers={"X-Twilio-Signature": sign(path, form)})


def test_fuzzed_inbound_forms_get_no_5xx_and_valid_twiml(wa_client, rt):
    outcomes: dict[int, int] = {}

    @FUZZ
    @given(form=INBOUND)
    def one(form):
        form = {"AccountSid": "AC" + "0" * 32, "To": BOT_NUMBER, **form}
        response = post(wa_client, "/twilio/messages", form)
        outcomes[response.status_code] = outcomes.get(response.status_code, 0) + 1
        assert response.status_code < 500, response.get_data(as_text=True)[:500]
        if response.status_code == 200:
            root = ET.fromstring(response.get_data())
            assert root.tag == "Response"

    one()
    assert outcomes.get(200, 0) > 0, outcomes  # the fuzzer reached the handlers, not only the 400s


def test_fuzzed_status_callbacks_get_no_5xx(wa_client, rt):
    outcomes: dict[int, int] = {}

    @FUZZ
    @given(form=STATUS)
    def one(form):
        response = post(wa_client, "/twilio/status", form)
        outcomes[response.status_code] = outcomes.get(response.status_code, 0) + 1
        assert response.status_code < 500, response.get_data(as_text=True)[:500]

    one()
    assert outcomes.get(204, 0) > 0, outcomes
