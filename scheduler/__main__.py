"""`python -m scheduler`: the clock process of the Procfile."""

import logging

from core.logging_setup import configure_logging
from core.runtime import Runtime
from core.settings import Settings
from scheduler.clock import build_blocking_scheduler

settings = Settings.from_env()
configure_logging(settings.log_level)
runtime = Runtime(settings)
logging.getLogger("scheduler").info("clock starting (timezone %s, dry-run %s)", settings.bot_timezone, settings.dry_run)
try:
    build_blocking_scheduler(runtime).start()
except (KeyboardInterrupt, SystemExit):
    pass
finally:
    runtime.dispose()
