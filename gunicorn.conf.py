"""gunicorn settings read automatically from the project folder (Procfile `web`)."""


def on_starting(server):
    # Said once by the master: each worker makes its app with announce_dry_run=False (Procfile), or
    # every worker said it (WEB_CONCURRENCY times).
    from bot import warn_if_dry_run
    from core.logging_setup import configure_logging
    from core.settings import Settings

    settings = Settings.from_env()
    configure_logging(settings.log_level)
    warn_if_dry_run(settings)


def post_worker_init(worker):
    # Build the language recogniser before the first request, so no resident waits ~0.4 s for it.
    runtime = getattr(worker.wsgi, "extensions", {}).get("kenduren")
    if runtime is not None:
        runtime.recogniser
    worker.log.info("Worker %s ready", worker.pid)
