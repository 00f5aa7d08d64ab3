"""A DATABASE_URL that `init` never set up gets "run init first", not a traceback."""

from tests.conftest import Cli


def test_commands_on_a_database_without_init_say_what_to_do(fresh_database_url):
    cli = Cli(fresh_database_url)
    for args in (("schedule", "list"), ("people", "list"), ("broadcast", "list"), ("report", "1")):
        result = cli(*args)
        assert result.exit_code != 0, args
        assert "jalankan `python -m bot init` dulu" in result.output, (args, result.output)
    assert cli("init").exit_code == 0
    assert cli("schedule", "list").exit_code == 0


def test_unreachable_database_is_a_sentence(tmp_path):
    result = Cli("postgresql+psycopg://nobody@127.0.0.1:1/none")("schedule", "list")
    assert result.exit_code != 0 and "tidak dapat dibuka" in result.output and "Traceback" not in result.output
