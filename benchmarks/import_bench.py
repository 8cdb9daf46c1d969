"""Time ``observe import --dry-run`` of N CSV rows against the bundled corpus (issue #17: it was cubic).

    python benchmarks/import_bench.py --rows 1000,10000

Each size runs in a fresh subprocess (``helsinki-compliance --no-cache observe import``) on a copy
of the bundled corpus; the rows are distinct, valid observations. Prints wall-clock seconds.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def rows(n: int) -> str:
    head = "date,dated_by,state,kind,source,locator,quote,confidence\n"
    body = "".join(
        f"1985-{1 + i % 12:02d}-{1 + i % 28:02d},bench,SU,arrest,schifter-1987,item {i},bench quote {i},medium\n"
        for i in range(n)
    )
    return head + body


def measure(n: int, work: Path) -> float:
    data = work / f"data-{n}"
    for d in ("commitments", "observations", "goals"):
        shutil.copytree(REPO / d, data / d)
    csv_path = work / f"rows-{n}.csv"
    csv_path.write_text(rows(n), encoding="utf-8")
    cmd = [sys.executable, "-m", "helsinki_compliance", "--no-cache", "--data", str(data), "--quiet"]
    t = time.perf_counter()
    p = subprocess.run([*cmd, "observe", "import", str(csv_path), "--dry-run"], capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"import of {n} rows failed:\n{p.stderr[-2000:]}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", default="1000,10000", help="comma-separated row counts")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.rows.split(",")):
            print(f"{n:>7,} rows: observe import --dry-run {measure(n, Path(tmp)):6.2f} s", flush=True)


if __name__ == "__main__":
    main()
