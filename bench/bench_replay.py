"""CPU and wall time of `scrapy crawlall --replay` of the bundled snapshot, alternating with another checkout.

Usage: .venv/bin/python bench/bench_replay.py [--runs N] [--against /path/to/other/checkout]
Each run is a fresh process on a fresh database (the first night of the snapshot's 36 sites).
With --against, runs of this checkout and the other alternate, so a neighbour's load falls on
both alike; medians are printed. CPU is the child's user + system time from wait4: the machine
is shared, and wall time moves with the neighbours' load. The aim (issue 15) is at most 4 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = "data/snapshot/snapshot.warc.gz"


def replay_once(checkout: Path, db: Path) -> tuple[float, float]:
    """(wall s, CPU s) of one replay of ``checkout``'s snapshot with ``checkout``'s code."""
    db.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(checkout)}  # the code of that checkout, not the installed one
    command = [str(Path(sys.executable).with_name("scrapy")), "crawlall", "--replay", SNAPSHOT, "--db", str(db)]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 3):  # 3: finished with alerts
        raise SystemExit(f"replay of {checkout} failed with status {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="replays of each checkout (default 5)")
    parser.add_argument("--against", type=Path, help="another checkout (e.g. main) to alternate with")
    args = parser.parse_args()
    checkouts = [ROOT] + ([args.against.resolve()] if args.against else [])
    results: dict[Path, list[tuple[float, float]]] = {c: [] for c in checkouts}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            for checkout in checkouts:
                results[checkout].append(replay_once(checkout, Path(tmp) / "replay.db"))
    print(f"crawlall --replay {SNAPSHOT}: median of {args.runs} runs, fresh database each")
    for checkout, runs in results.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"  {str(checkout):<40} {wall:6.2f} s wall {cpu:6.2f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
