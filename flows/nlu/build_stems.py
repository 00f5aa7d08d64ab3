"""Regenerate data/stems.tsv after changing the labelled examples or lexicons:

    .venv/bin/python -m flows.nlu.build_stems
"""

from __future__ import annotations

import sys

from flows.nlu.recogniser import training_vocabulary
from flows.nlu.resources import DATA_DIR
from flows.nlu.stems import STEMS_FILE, write_stem_table


def main() -> None:
    count = write_stem_table(training_vocabulary())
    print(f"wrote {count} stems to {DATA_DIR / STEMS_FILE}", file=sys.stderr)


if __name__ == "__main__":
    main()
