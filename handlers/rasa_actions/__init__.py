"""rasa-sdk custom actions over the bot's own handlers (served by the Procfile's `actions`).

The actions themselves arrive with the Rasa issue; until then the action server starts and
serves no actions.
"""
