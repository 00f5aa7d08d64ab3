"""The clock: APScheduler jobs that plan reminders, drain the outbox and follow up conversations."""
