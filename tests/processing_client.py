"""The test client of every app in the tests: after a webhook (POST /twilio/messages) it runs the
processor's "process every waiting message" (handlers.processor.process_pending, the real code
path the clock and `scheduler tick` run) in the test's thread, before the test reads anything. So
a test reads a message's replies right after posting it, deterministically, without sleeps and
without a processor thread. A test of the acknowledgement itself (nothing processed in the
request) uses flask.testing.FlaskClient directly."""

from __future__ import annotations

from flask.testing import FlaskClient


class ProcessingClient(FlaskClient):
    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        request = getattr(response, "request", None)
        if (request is not None and request.method == "POST" and request.path == "/twilio/messages"
                and response.status_code == 200):
            runtime = self.application.extensions.get("kenduren")
            if runtime is not None:
                from sqlalchemy.exc import DBAPIError

                from handlers.processor import process_pending

                try:
                    process_pending(runtime)
                except DBAPIError:  # a test's database outage: the messages wait, as for a real processor
                    pass
        return response
