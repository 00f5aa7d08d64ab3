"""`python -m handlers.rasa_actions --port 5055`: the action server (see handlers.rasa_actions.server)."""

if __name__ == "__main__":  # Sanic's worker process imports this module again: start only once
    from handlers.rasa_actions.server import main

    main()
