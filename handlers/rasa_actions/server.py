"""The action server, as the Procfile's `actions` starts it: rasa-sdk's own Sanic app with a shared
secret in front, listening on loopback unless RASA_ACTIONS_HOST says otherwise.

rasa-sdk itself checks nothing: whoever reaches its port and names a resident's phone as
`sender_id` acts as that resident. Rasa's `action_endpoint` can send a secret two ways, and both
are accepted: `token:` (added to the URL as `?token=…`; `token_name:` renames the parameter) or
`headers: {Authorization: "Bearer …"}`. `/health` stays open for process monitors.

Outside dry-run the server refuses to start without RASA_ACTIONS_TOKEN; in dry-run without one it
answers loopback callers only (and refuses a non-loopback address to listen on).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from functools import partial

log = logging.getLogger("handlers.rasa_actions")

OPEN_PATHS = frozenset({"/health"})
GATED = "KENDUREN_ACTIONS_GATED"  # set by main() for itself and Sanic's worker process
TOKEN_PARAM = "token"


class Refused(SystemExit):
    """The server must not start as configured (the message says why and what to set)."""


def refuse_ungated_server() -> None:
    """rasa-sdk's own CLI serves any caller: loading these actions into it without our gate is refused."""
    import sys

    for name in ("__main__", "__mp_main__"):
        spec = getattr(sys.modules.get(name), "__spec__", None)
        if spec is not None and spec.name == "rasa_sdk.__main__" and os.environ.get(GATED) != "1":
            raise Refused("These actions answer for any resident: start them with `python -m handlers.rasa_actions` "
                          "(the Procfile's `actions`), which requires RASA_ACTIONS_TOKEN, not with "
                          "`python -m rasa_sdk`.")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def presented_token(args, headers) -> str:
    """The secret a caller presented: `?token=` (Rasa's `token:`) or `Authorization: Bearer …`."""
    given = args.get(TOKEN_PARAM) or ""
    if not given:
        auth = headers.get("authorization") or ""
        if auth[:7].lower() == "bearer ":
            given = auth[7:].strip()
    return given


def admitted(token: str, given: str, remote: str) -> bool:
    """With a secret configured: only a caller presenting it. Without (dry-run): loopback callers only."""
    if token:
        return bool(given) and hmac.compare_digest(given.encode(), token.encode())
    return is_loopback(remote or "")


def check_config(settings, host: str) -> None:
    if not settings.rasa_actions_token and not settings.dry_run:
        raise Refused("RASA_ACTIONS_TOKEN is not set: the action server answers for any resident, so it "
                      "will not start without a shared secret (set it, and the same value as `token:` "
                      "under action_endpoint in Rasa's endpoints.yml).")
    if not settings.rasa_actions_token and not is_loopback(host):
        raise Refused(f"RASA_ACTIONS_HOST={host} is not loopback and RASA_ACTIONS_TOKEN is not set: "
                      "set a token before listening beyond this machine.")


def create_app(action_executor, token: str, cors_origins=None, endpoints: str = "endpoints.yml"):
    """rasa-sdk's app (module level, so Sanic can hand it to its worker process) with the gate."""
    from rasa_sdk.endpoint import create_app_for_serve
    from sanic import response

    app = create_app_for_serve(action_executor, cors_origins=cors_origins, endpoints=endpoints)

    @app.on_request
    async def _gate(request):
        if request.path in OPEN_PATHS:
            return None
        if admitted(token, presented_token(request.args, request.headers), request.ip):
            return None
        log.warning("action server: refused %s %s from %s (no or wrong token)", request.method, request.path,
                    request.ip)
        return response.json({"error": "unauthorised"}, status=401)

    return app


def main(argv: list[str] | None = None) -> None:
    from rasa_sdk import utils
    from rasa_sdk.endpoint import create_argument_parser
    from rasa_sdk.executor import ActionExecutor
    from sanic import Sanic
    from sanic.worker.loader import AppLoader

    from core.logging_setup import configure_logging
    from core.settings import Settings

    parser = create_argument_parser()
    parser.set_defaults(actions="handlers.rasa_actions")
    parser.add_argument("--host", default=None, help="address to listen on (default: RASA_ACTIONS_HOST, loopback)")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    host = args.host or settings.rasa_actions_host
    check_config(settings, host)  # SystemExit with the reason when it must not start
    os.environ[GATED] = "1"
    executor = ActionExecutor()
    executor.register_package(args.actions_module or args.actions)
    loader = AppLoader(factory=partial(create_app, executor, settings.rasa_actions_token,
                                       cors_origins=args.cors, endpoints=args.endpoints))
    app = loader.load()
    log.info("action server on http://%s:%s (%s)", host, args.port,
             "token required" if settings.rasa_actions_token else "dry-run: loopback callers only")
    app.prepare(host=host, port=args.port, workers=utils.number_of_sanic_workers(), access_log=False)
    Sanic.serve(primary=app, app_loader=loader)
