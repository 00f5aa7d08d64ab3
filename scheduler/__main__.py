"""`python -m scheduler`: the clock process of the Procfile."""

import logging

from core.logging_setup import configure_logging
from core.runtime import Runtime
from core.settings import Settings
from scheduler.clock import build_blocking_scheduler
from scheduler.sender import lower_cpu_priority

settings = Settings.from_env()
configure_logging(settings.log_level)
lower_cpu_priority(settings.sender_nice)  # its drain sends broadcasts; the web comes first
runtime = Runtime(settings)
logging.getLogger("scheduler").info("clock starting (timezone %s, dry-run %s)", settings.bot_timezone, settings.dry_run)
try:
    build_blocking_scheduler(runtime).start()
except (KeyboardInterrupt, SystemExit):
    pass
finally:
    runtime.dispose()
