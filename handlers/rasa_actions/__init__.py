"""rasa-sdk custom actions over the bot's own flows and handlers, for regencies that run Rasa.

Served by `python -m handlers.rasa_actions` (the Procfile's `actions`: rasa-sdk behind a shared
secret, see server.py). The sender id is the resident's phone; tickets and proposals are the same
rows, codes and notifications as on WhatsApp, because the actions call the same flow functions and
effects. Started the old way (`python -m rasa_sdk --actions handlers.rasa_actions`), with no gate in
front, the actions refuse to load.
"""

from handlers.rasa_actions.server import refuse_ungated_server

refuse_ungated_server()

from handlers.rasa_actions.actions import (  # noqa: F401  (rasa-sdk registers Action subclasses)
    ActionCheckStatus, ActionHandoff, ActionNextVisit, ActionRegisterService, ActionSubmitProposal,
)
from handlers.rasa_actions.validation import ValidateServiceForm  # noqa: F401
