"""Benchmark of onboarding packets: the targets of issue 12, as ratios measured in one run.

    .venv/bin/python bench/packets.py [--runs 3] [--rows 20,200]

* A packet of 4 guides (cover, contents, acknowledgement sheet), PDF + DOCX, against
  building the same 4 guides alone: target ≤ 2×.
* A roster on 2 cores (``--jobs 2``) against building each recipient's packet from
  scratch (a cold ``guidegen build`` of a one-row roster): target ≥ 3× faster per
  recipient; peak memory of the roster build (largest single process) ≤ 600 MB, shown
  also as a ratio to the single-packet build's; and linear growth from 20 to 200 rows
  (time per recipient at 200 rows ≤ 1.25 × at 20 rows).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import GUIDEGEN, ROOT, run

GUIDES = [ROOT / "content" / "cmo-cdmo-cro.yaml", ROOT / "packets" / "guides" / "qa-vs-qc.yaml",
          ROOT / "packets" / "guides" / "gmp-gcp-glp.yaml",
          ROOT / "tests" / "data" / "five-subjects.yaml"]
HEADER = "First name,Last name,Role,Site,Manager,Start date\n"


def project(tmp: Path) -> Path:
    """Return a project with the example packet grown to 4 guides."""
    shutil.copytree(ROOT / "content", tmp / "content")
    shutil.copytree(ROOT / "packets", tmp / "packets")
    shutil.copy(GUIDES[3], tmp / "packets" / "guides" / "five-subjects.yaml")
    packet = tmp / "packets" / "new-starter.yaml"
    packet.write_text(packet.read_text(encoding="utf-8").replace(
        "  - guide: guides/gmp-gcp-glp.yaml\n",
        "  - guide: guides/gmp-gcp-glp.yaml\n  - guides/five-subjects.yaml\n"), encoding="utf-8")
    return packet


def roster(tmp: Path, rows: int) -> Path:
    path = tmp / f"roster-{rows}.csv"
    path.write_text(HEADER + "".join(
        f"Ann{n},Lee{n},QC Analyst,Cork,Bo Ng,2026-12-{n % 28 + 1:02d}\n" for n in range(rows)),
        encoding="utf-8")
    return path


def timed(command: list, cwd: Path, runs: int) -> tuple[float, float]:
    """Return the median seconds and the largest peak MB of ``command`` over ``runs``."""
    results = [run(command, cwd=cwd) for _ in range(runs)]
    return (statistics.median(r.seconds for r in results),
            max(r.max_rss_mb for r in results))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", default="20,200")
    args = parser.parse_args()
    small, large = (int(n) for n in args.rows.split(","))
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        packet = project(tmp)
        guides, _ = timed([GUIDEGEN, "build", *GUIDES, "-o", tmp / "g", "--force"], tmp,
                          args.runs)
        one, one_mb = timed([GUIDEGEN, "build", packet, "-o", tmp / "p", "--force"], tmp,
                            args.runs)
        scratch, _ = timed([GUIDEGEN, "build", packet, "--roster", roster(tmp, 1), "-o",
                            tmp / "s", "--force"], tmp, args.runs)
        times = {}
        peak = 0.0
        for rows in (small, large):
            seconds, mb = timed([GUIDEGEN, "build", packet, "--roster", roster(tmp, rows),
                                 "-o", tmp / f"r{rows}", "--force", "--jobs", "2"], tmp, 1)
            times[rows], peak = seconds / rows, max(peak, mb)
    print(f"4 guides alone: {guides:.2f} s; packet of those 4: {one:.2f} s = "
          f"{one / guides:.2f}x  (target <= 2x)  [{'MET' if one <= 2 * guides else 'MISSED'}]")
    speedup = scratch / times[large]
    print(f"per recipient from scratch: {scratch:.2f} s; in a {large}-row roster on 2 cores: "
          f"{times[large]:.2f} s = {speedup:.2f}x faster  (target >= 3x)  "
          f"[{'MET' if speedup >= 3 else 'MISSED'}]")
    print(f"peak memory of the roster build: {peak:.0f} MB = {peak / one_mb:.2f}x the single "
          f"packet's {one_mb:.0f} MB  (target <= 600 MB)  [{'MET' if peak <= 600 else 'MISSED'}]")
    growth = times[large] / times[small]
    print(f"per recipient at {small} rows: {times[small]:.3f} s, at {large}: "
          f"{times[large]:.3f} s = {growth:.2f}x  (linear: <= 1.25x)  "
          f"[{'MET' if growth <= 1.25 else 'MISSED'}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
