"""gunicorn settings read automatically from the project folder (Procfile `web`)."""


def post_worker_init(worker):
    # Build the language recogniser before the first request, so no resident waits ~0.4 s for it.
    runtime = getattr(worker.wsgi, "extensions", {}).get("kenduren")
    if runtime is not None:
        runtime.recogniser
