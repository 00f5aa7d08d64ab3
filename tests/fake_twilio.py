"""A fake Twilio REST API, served over real HTTP on loopback, for the sender's tests.

twilio-python talks to it through TWILIO_API_BASE_URL exactly as to api.twilio.com: it checks
Basic auth, answers POST …/Messages.json like Twilio (201 with a fresh SM… SID, status "queued")
and GET …/Messages.json (filtered by To, From and DateSent>, newest first), and records every
request. A template (ContentSid) sent from a number comes back with its rendered body; sent
through a Messaging Service its body is empty, in the create answer and in every listing, as
Twilio's is (twilio-node issue #1081): recovery cannot match such a message by its text. Faults
are injected on purpose: the next N requests (429, 500 …), a given recipient
(21610), or free-form bodies outside the 24-hour window (63016; templates pass). It can also call
the app back with status callbacks signed like Twilio's.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from twilio.request_validator import RequestValidator

ERROR_TEXT = {
    429: (20429, "Too Many Requests"),
    500: (20500, "Internal Server Error"),
    503: (20503, "Service Unavailable"),
}
CODE_TEXT = {
    21610: "Attempt to send to unsubscribed recipient",
    63016: "Failed to send freeform message because you are outside the allowed window. "
           "If you want to send messages outside this window, please use a Template.",
    63018: "Rate limit exceeded for Channel",
    63024: "Invalid message recipient",
}


@dataclass
class Fault:
    status: int
    code: int
    message: str
    to: str | None = None  # only for this recipient (E.164, with or without "whatsapp:")
    freeform_only: bool = False  # only bodies without ContentSid
    content_only: bool = False  # only messages with a ContentSid
    remaining: int | None = None  # None: for ever


@dataclass
class Sent:
    sid: str
    form: dict[str, str]
    date_created: datetime
    at: float  # time.monotonic() when it arrived
    status: str = "queued"

    @property
    def to(self) -> str:
        return self.form.get("To", "")

    @property
    def phone(self) -> str:
        return self.to.removeprefix("whatsapp:")

    @property
    def via_messaging_service(self) -> bool:
        return bool(self.form.get("MessagingServiceSid")) and not self.form.get("From")

    @property
    def api_body(self) -> str:
        """The body Twilio's API shows: empty for a template sent through a Messaging Service."""
        return "" if "ContentSid" in self.form and self.via_messaging_service else self.body

    content: dict | None = None  # the Content resource of a ContentSid created in this fake

    @property
    def variables(self) -> dict[str, str]:
        return json.loads(self.form.get("ContentVariables") or "{}")

    @property
    def body(self) -> str:
        """What the recipient reads (a template rendered with its variables)."""
        if "ContentSid" in self.form:
            if self.content is not None:
                return render_content(self.content, self.variables)
            return f"[{self.form['ContentSid']}] " + " | ".join(str(v) for v in self.variables.values())
        return self.form.get("Body", "")

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(title, id) of the quick-reply buttons or list items the recipient can tap."""
        if self.content is None:
            return []
        types = self.content["types"]
        fill = lambda text: _fill(text, {**self.content.get("variables", {}), **self.variables})  # noqa: E731
        if "twilio/quick-reply" in types:
            return [(fill(a["title"]), fill(a["id"])) for a in types["twilio/quick-reply"]["actions"]]
        if "twilio/list-picker" in types:
            return [(fill(i["item"]), fill(i["id"])) for i in types["twilio/list-picker"]["items"]]
        return []

    def resource(self, account_sid: str) -> dict:
        created = format_datetime(self.date_created.replace(microsecond=0), usegmt=True)
        return {
            "sid": self.sid, "account_sid": account_sid, "to": self.to, "from": self.form.get("From"),
            "messaging_service_sid": self.form.get("MessagingServiceSid"), "body": self.api_body,
            "status": self.status, "direction": "outbound-api", "num_segments": "1", "num_media": "0",
            "date_created": created, "date_updated": created, "date_sent": created,
            "error_code": None, "error_message": None, "price": None, "price_unit": "USD",
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{self.sid}.json", "subresource_uris": {},
        }


@dataclass
class Request:
    method: str
    path: str
    form: dict[str, str]
    status: int
    at: float = field(default_factory=time.monotonic)


class FakeTwilio:
    def __init__(self, account_sid: str = "AC" + "f" * 32, auth_token: str = "fake-auth-token",
                 delay: float = 0.0):
        self.account_sid, self.auth_token, self.delay = account_sid, auth_token, delay
        self.messages: list[Sent] = []
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.contents: dict[str, dict] = {}  # Content API resources by HX… SID
        self.waiting = 0  # content creates held by hold()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._sid_prefix = uuid.uuid4().hex[:16]  # unique across fakes, numbered within one
        self._open = threading.Event()  # cleared by hold(): message POSTs wait until release()
        self._open.set()
        self._server = _CountingServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-twilio", daemon=True)
        self._thread.start()

    # -- what tests configure -----------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, n: int, status: int = 429, code: int | None = None, message: str | None = None) -> None:
        """The next `n` POSTs get this error (429 and 500 by default codes 20429 / 20500)."""
        default_code, default_text = ERROR_TEXT.get(status, (code or status, "error"))
        self._add(Fault(status, code or default_code, message or CODE_TEXT.get(code, default_text), remaining=n))

    def refuse(self, to: str | None = None, code: int = 21610, *, status: int = 400, freeform_only: bool = False,
               content_only: bool = False, times: int | None = None) -> None:
        """Refuse messages (to one recipient, or all) with a Twilio error code, like 21610;
        `content_only`: only messages sent with a ContentSid (text still passes)."""
        self._add(Fault(status, code, CODE_TEXT.get(code, "error"), to=_phone(to) if to else None,
                        freeform_only=freeform_only, content_only=content_only, remaining=times))

    def refuse_freeform(self, to: str | None = None) -> None:
        """63016: free text refused (outside the 24-hour window); templates still pass."""
        self.refuse(to, 63016, freeform_only=True)

    def hold(self) -> None:
        """Message POSTs wait, unanswered and unrecorded, until `release()`: lets a test line
        senders up (each holding claimed rows) before any of them may send."""
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def settle(self, timeout: float = 30.0) -> None:
        """Return once every request that reached the fake so far is recorded and its connection
        closed: a killed sender's last requests, still in the socket queue or in a handler, are in
        `messages` afterwards (not recorded late, after the test looked). A request of our own goes
        through the same listen queue behind them; then the open connections fall to none."""
        urllib.request.urlopen(f"{self.base_url}/settle", timeout=timeout).close()
        deadline = time.monotonic() + timeout
        while self._server.open_connections:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self._server.open_connections} connections to the fake still open")
            time.sleep(0.01)

    def nth_sid(self, n: int) -> str:
        """The SID the n-th accepted message gets (1-based)."""
        return f"SM{self._sid_prefix}{n:016x}"

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def _add(self, fault: Fault) -> None:
        with self._lock:
            self.faults.append(fault)

    # -- what tests read ------------------------------------------------------------------------
    def sent_to(self, phone: str) -> list[Sent]:
        with self._lock:
            return [m for m in self.messages if m.phone == _phone(phone)]

    def per_recipient(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        with self._lock:
            for m in self.messages:
                counts[m.phone] = counts.get(m.phone, 0) + 1
        return counts

    def find(self, sid: str) -> Sent | None:
        with self._lock:
            return next((m for m in self.messages if m.sid == sid), None)

    # -- calling the app back -------------------------------------------------------------------
    def callback_params(self, sid: str, status: str, error_code: int | str | None = None) -> dict[str, str]:
        sent = self.find(sid)
        params = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": status, "SmsStatus": status,
                  "AccountSid": self.account_sid, "ApiVersion": "2010-04-01",
                  "To": sent.to if sent else "", "From": sent.form.get("From", "") if sent else ""}
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        return params

    def sign(self, url: str, params: dict[str, str]) -> str:
        return RequestValidator(self.auth_token).compute_signature(url, params)

    def send_status_callback(self, url: str, sid: str, status: str, error_code: int | str | None = None) -> int:
        """POST a signed status callback to `url` (the app's /twilio/status); returns the HTTP status."""
        params = self.callback_params(sid, status, error_code)
        data = urllib.parse.urlencode(params).encode()
        req = urllib.request.Request(url, data=data, method="POST", headers={
            "X-Twilio-Signature": self.sign(url, params),
            "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- the API ---------------------------------------------------------------------------------
    def _authorised(self, header: str | None) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return header == f"Basic {expected}"

    def _fault_for(self, form: dict[str, str], *, freeform: bool) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.to and _phone(form.get("To", "")) != fault.to:
                    continue
                if fault.freeform_only and not freeform:
                    continue
                if fault.content_only and "ContentSid" not in form:
                    continue
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self.faults.remove(fault)
                return fault
        return None

    def _create(self, form: dict[str, str]) -> tuple[int, dict]:
        if not form.get("To") or not (form.get("From") or form.get("MessagingServiceSid")):
            return 400, _error(400, 21604, "A 'To' and a 'From' or 'MessagingServiceSid' are required")
        if not (form.get("Body") or form.get("ContentSid")):
            return 400, _error(400, 21602, "Message body is required")
        if "ContentVariables" in form:
            try:
                json.loads(form["ContentVariables"])
            except ValueError:
                return 400, _error(400, 21656, "ContentVariables is not valid JSON")
        content = self.contents.get(form.get("ContentSid", ""))
        if form.get("ContentSid", "").startswith("HX") and form["ContentSid"] not in self.contents \
                and form["ContentSid"].startswith(f"HX{self._sid_prefix}"):
            return 404, _error(404, 20404, "Content not found")
        # Quick replies and list pickers exist only inside the 24-hour window, like free text.
        freeform = "ContentSid" not in form or (
            content is not None and any(t in content["types"] for t in SESSION_ONLY_TYPES))
        fault = self._fault_for(form, freeform=freeform)
        if fault is not None:
            return fault.status, _error(fault.status, fault.code, fault.message)
        with self._lock:
            sid = self.nth_sid(next(self._ids))
            sent = Sent(sid, form, datetime.now(UTC), time.monotonic(), content=content)
            self.messages.append(sent)
        return 201, sent.resource(self.account_sid)

    # -- the Content API (content.twilio.com/v1/Content) ------------------------------------------
    def create_content(self, request: dict) -> tuple[int, dict]:
        problem = _content_problem(request)
        if problem:
            return 400, _error(400, 20001, problem)
        with self._lock:
            sid = f"HX{self._sid_prefix}{next(self._ids):016x}"
            created = format_datetime(datetime.now(UTC).replace(microsecond=0), usegmt=True)
            resource = {"sid": sid, "account_sid": self.account_sid, "friendly_name": request.get("friendly_name"),
                        "language": request.get("language", "en"), "variables": request.get("variables") or {},
                        "types": request["types"], "date_created": created, "date_updated": created,
                        "url": f"https://content.twilio.com/v1/Content/{sid}", "links": {}}
            self.contents[sid] = resource
        return 201, resource

    def content_creates(self) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.method == "POST" and r.path.rstrip("/") == "/v1/Content")

    def _list(self, query: dict[str, str]) -> dict:
        to, from_ = query.get("To"), query.get("From")
        after = query.get("DateSent>")
        since = _parse_date(after) if after else None
        with self._lock:
            found = [m for m in reversed(self.messages)
                     if (not to or m.to == to) and (not from_ or m.form.get("From") == from_)
                     and (since is None or m.date_created.replace(microsecond=0) >= since)]
        size = int(query.get("PageSize", 50))
        return {"messages": [m.resource(self.account_sid) for m in found[:size]], "page": 0, "page_size": size,
                "start": 0, "end": max(len(found[:size]) - 1, 0), "first_page_uri": None, "next_page_uri": None,
                "previous_page_uri": None, "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"}

    def _handler_class(self):
        fake = self
        prefix = f"/2010-04-01/Accounts/{self.account_sid}/Messages"

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as twilio-python's session expects
            # Headers and body go out in two writes: without TCP_NODELAY, Nagle plus delayed ACK
            # would add ~40 ms to every answer.
            disable_nagle_algorithm = True

            def log_message(self, *args) -> None:  # quiet: tests read fake.requests instead
                pass

            def _reply(self, status: int, payload: dict, form: dict[str, str]) -> None:
                body = json.dumps(payload).encode()
                with fake._lock:
                    fake.requests.append(Request(self.command, self.path, form, status))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                form = {k: v[-1] for k, v in urllib.parse.parse_qs(raw, keep_blank_values=True).items()}
                if not fake._authorised(self.headers.get("Authorization")):
                    return self._reply(401, _error(401, 20003, "Authenticate"), form)
                if urllib.parse.urlsplit(self.path).path.rstrip("/") == "/v1/Content":
                    try:
                        request = json.loads(raw)
                    except ValueError:
                        return self._reply(400, _error(400, 20001, "Invalid JSON"), {})
                    with fake._lock:
                        fake.waiting += 1
                    fake._open.wait(timeout=60)  # hold() lines content creates up too
                    with fake._lock:
                        fake.waiting -= 1
                    status, payload = fake.create_content(request if isinstance(request, dict) else {})
                    return self._reply(status, payload, {"json": raw})
                if urllib.parse.urlsplit(self.path).path != prefix + ".json":
                    return self._reply(404, _error(404, 20404, "Not found"), form)
                fake._open.wait(timeout=60)
                status, payload = fake._create(form)
                if fake.delay:
                    # After recording: Twilio has the message while the sender does not know yet,
                    # the window a killed sender leaves behind.
                    time.sleep(fake.delay)
                self._reply(status, payload, form)

            def do_GET(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                if parts.path == "/settle":  # settle()'s own request: no auth, not recorded
                    self.close_connection = True
                    self.send_response(204)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                query = {k: v[-1] for k, v in urllib.parse.parse_qs(parts.query).items()}
                if not fake._authorised(self.headers.get("Authorization")):
                    return self._reply(401, _error(401, 20003, "Authenticate"), query)
                if parts.path == prefix + ".json":
                    return self._reply(200, fake._list(query), query)
                if parts.path.startswith("/v1/Content/"):
                    with fake._lock:
                        content = fake.contents.get(parts.path[len("/v1/Content/"):])
                    if content is not None:
                        return self._reply(200, content, query)
                if parts.path.startswith(prefix + "/") and parts.path.endswith(".json"):
                    sent = fake.find(parts.path[len(prefix) + 1:-5])
                    if sent is not None:
                        return self._reply(200, sent.resource(fake.account_sid), query)
                self._reply(404, _error(404, 20404, "Not found"), query)

            def do_DELETE(self) -> None:
                path = urllib.parse.urlsplit(self.path).path
                if not fake._authorised(self.headers.get("Authorization")):
                    return self._reply(401, _error(401, 20003, "Authenticate"), {})
                with fake._lock:
                    gone = fake.contents.pop(path[len("/v1/Content/"):], None) if path.startswith("/v1/Content/") else None
                if gone is None:
                    return self._reply(404, _error(404, 20404, "Not found"), {})
                with fake._lock:
                    fake.requests.append(Request("DELETE", self.path, {}, 204))
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler


class _CountingServer(ThreadingHTTPServer):
    """Counts its open connections: from the accept (in the serving thread, in the listen queue's
    order) to the handler's end, whatever way it ends (a killed client's reset included)."""

    daemon_threads = True

    def __init__(self, *args) -> None:
        self.open_connections = 0
        self._count_lock = threading.Lock()
        super().__init__(*args)

    def process_request(self, request, client_address) -> None:
        with self._count_lock:
            self.open_connections += 1
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._closed_one()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._closed_one()

    def _closed_one(self) -> None:
        with self._count_lock:
            self.open_connections -= 1


SESSION_ONLY_TYPES = ("twilio/quick-reply", "twilio/list-picker")
_VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def _fill(text: str, variables: dict) -> str:
    return _VARIABLE.sub(lambda m: str(variables.get(m.group(1), m.group(0))), text)


def _content_problem(request: dict) -> str | None:
    """Why Twilio would refuse this create request (the limits of quick-reply and list-picker)."""
    types = request.get("types")
    if not isinstance(types, dict) or not types:
        return "types is required"
    if "twilio/quick-reply" in types:
        qr = types["twilio/quick-reply"]
        actions = qr.get("actions") or []
        if not qr.get("body") or not 1 <= len(actions) <= 10:
            return "twilio/quick-reply needs a body and 1-10 actions"
        if any(not a.get("title") or not a.get("id") for a in actions):
            return "every quick-reply action needs a title and an id"
    if "twilio/list-picker" in types:
        lp = types["twilio/list-picker"]
        items = lp.get("items") or []
        if not lp.get("body") or not lp.get("button") or not 1 <= len(items) <= 10:
            return "twilio/list-picker needs a body, a button and 1-10 items"
        if any(not i.get("item") or not i.get("id") for i in items):
            return "every list item needs an item and an id"
    return None


def render_content(content: dict, variables: dict) -> str:
    """What a WhatsApp resident sees of a quick-reply or list-picker message (text form), with the
    limits Twilio enforces at send time checked: an over-long value would not be sent."""
    values = {**content.get("variables", {}), **variables}
    types = content["types"]
    if "twilio/quick-reply" in types:
        qr = types["twilio/quick-reply"]
        body = _fill(qr["body"], values)
        titles = [_fill(a["title"], values) for a in qr["actions"]]
        assert len(body) <= 1024 and all(len(t) <= 20 for t in titles), (body, titles)
        return body + "\n" + " ".join(f"[{t}]" for t in titles)
    if "twilio/list-picker" in types:
        lp = types["twilio/list-picker"]
        body = _fill(lp["body"], values)
        lines = [body, f"[{_fill(lp['button'], values)}]"]
        for item in lp["items"]:
            title, description = _fill(item["item"], values), _fill(item.get("description", ""), values).strip()
            assert len(title) <= 24 and len(description) <= 72, (title, description)
            lines.append(f"• {title}" + (f" — {description}" if description else ""))
        assert len(body) <= 1024
        return "\n".join(lines)
    return json.dumps(types)


def _phone(address: str) -> str:
    return address.removeprefix("whatsapp:")


def _error(status: int, code: int, message: str) -> dict:
    return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status}


def _parse_date(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def serve_main(argv: list[str] | None = None) -> None:
    """`python -m tests.fake_twilio --dump FILE`: the fake in a process of its own (benchmarks: its
    threads then do not compete with the client's for one GIL). Prints its base URL, and on
    SIGTERM writes every accepted message (sid, to, body, ContentSid, arrival on the machine's
    monotonic clock, comparable across processes) to FILE as JSON lines."""
    import argparse
    import signal
    import sys

    parser = argparse.ArgumentParser()
    parser.add_argument("--account-sid", default="AC" + "f" * 32)
    parser.add_argument("--auth-token", default="fake-auth-token")
    parser.add_argument("--dump", required=True)
    args = parser.parse_args(argv)
    fake = FakeTwilio(args.account_sid, args.auth_token)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print(fake.base_url, flush=True)
    done.wait()
    with fake._lock:
        messages = list(fake.messages)
    with open(args.dump, "w") as out:
        for m in messages:
            out.write(json.dumps({"sid": m.sid, "to": m.phone, "body": m.body, "content_sid": m.form.get("ContentSid"),
                                  "at": m.at}) + "\n")
    fake.close()
    sys.exit(0)


if __name__ == "__main__":
    serve_main()
