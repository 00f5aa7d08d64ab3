"""rasa-sdk custom actions over the bot's own flows and handlers, for regencies that run Rasa.

Served by `python -m rasa_sdk --actions handlers.rasa_actions` (the Procfile's `actions`). The
sender id is the resident's phone; tickets and proposals are the same rows, codes and
notifications as on WhatsApp, because the actions call the same flow functions and effects.
"""

from handlers.rasa_actions.actions import (  # noqa: F401  (rasa-sdk registers Action subclasses)
    ActionCheckStatus, ActionHandoff, ActionNextVisit, ActionRegisterService, ActionSubmitProposal,
)
from handlers.rasa_actions.validation import ValidateServiceForm  # noqa: F401
