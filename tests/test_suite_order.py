"""The suite's own order: the long tests conftest starts first must still be where it names them
(a moved or renamed one would silently run last again, alone on one xdist worker)."""

from __future__ import annotations

import re

from core.settings import PROJECT_DIR
from tests.conftest import LONG_TESTS


def test_every_long_test_named_in_conftest_exists():
    for prefix in LONG_TESTS:
        path, _, name = prefix.partition("::")
        source = (PROJECT_DIR / path).read_text(encoding="utf-8")
        assert re.search(r"^def test_", source, re.M), prefix
        if name:
            assert re.search(rf"^def {re.escape(name)}", source, re.M), prefix
