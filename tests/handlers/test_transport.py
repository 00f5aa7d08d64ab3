"""The Twilio sender's HTTP client: proxies from the environment are honoured, read once."""

from handlers.transport.twilio_rest import TwilioSender
from tests.conftest import BASE_SETTINGS


def test_proxy_from_environment_is_used(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.pasuruankab.example:3128")
    sender = TwilioSender(BASE_SETTINGS.with_overrides(twilio_account_sid="AC" + "1" * 32, twilio_auth_token="t"))
    http = sender.client.http_client
    assert http.proxy["https"] == "http://proxy.pasuruankab.example:3128"
    assert http.session.trust_env is False


def test_no_proxy_configured(monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    sender = TwilioSender(BASE_SETTINGS.with_overrides(twilio_account_sid="AC" + "1" * 32, twilio_auth_token="t"))
    assert not sender.client.http_client.proxy
