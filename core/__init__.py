"""What every process needs, below bot/: settings, the runtime (engine, sessions, clock, registry,
recogniser, spool) and logging set-up. The web app, the CLI, the clock, the sender, the Rasa
action server and Alembic all build on these; bot/ only wires them (DESIGN.md §1)."""
