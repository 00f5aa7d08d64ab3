from tests.handlers.conftest import phone, wa_app, wa_client  # noqa: F401  (the signed app and its phone)
