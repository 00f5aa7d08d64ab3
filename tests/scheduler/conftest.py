"""Fixtures for the scheduler and sender: the fake Twilio on loopback and a runtime pointed at it."""

from tests.sending import fake_twilio, signed_twilio, trt  # noqa: F401 (fixtures, for this folder's tests)
