"""Kill writers at random moments, during appends and during compaction (issue 12).

    PYTHONPATH=. python benchmarks/kill_run.py --rounds 240

Half the rounds use a plain space, half a sealed one. Each round starts a
writer that saves entries one by one (and folds its change log into a new
snapshot after every fourth), kills it with SIGKILL after a random moment,
then opens the space as the next writer would and checks that every entry
whose save had returned is there and that the save counter never went back.
Prints the counts; raises on the first lost entry or space that does not open.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_change_log import kill_rounds  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=240)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reflect-kills-") as tmp:
        stats = kill_rounds(Path(tmp), args.rounds, args.seed)
    print(
        f"{stats['kills']} kills ({stats['during_compaction']} during a compaction, "
        f"{stats['during_quick']} during an append made without opening the space), "
        f"{stats['acknowledged']} acknowledged entries, none lost; "
        f"the space opened after {stats['opened']} of them "
        f"(from its head part, agreeing with the whole, after {stats.get('opened_from_head', 0)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
