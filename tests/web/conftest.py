from tests.console.conftest import world  # noqa: F401  (the console's people, for cookie tests)
