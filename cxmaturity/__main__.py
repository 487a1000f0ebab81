"""``python -m cxmaturity``: the command line (cxmaturity.cli)."""

import gc

# A command is a short process that makes millions of objects that live until it ends (the
# imports, a survey's cells): the cyclic collector, run every 700 new objects by default, spent
# about 0.08 s of a 0.9 s ``score`` going over them (bench/ingest.py). Collect rarely instead;
# this is set before the imports, which make most of those objects.
gc.set_threshold(100_000, 50, 100)

from cxmaturity.cli import run  # noqa: E402  (after the threshold, on purpose)

if __name__ == "__main__":
    run()
