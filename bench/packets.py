"""Benchmark of onboarding packets: the targets of issues 21 and 12, as ratios in one run.

    .venv/bin/python bench/packets.py [--runs 2] [--rows 200]          # issue 21
    .venv/bin/python bench/packets.py --issue 12 [--runs 3] [--rows 20,200]

Issue 21 (curricula), a 4-guide packet whose guides are for three roles:

* A roster of 200 recipients in 3 curricula on 2 cores (``--jobs 2``) against one
  packet built from scratch (a cold ``guidegen build`` of a one-row roster, each
  curriculum in turn), the runs interleaved: CPU time per recipient of the whole
  process tree (workers and the PDF helper included, :func:`measure.run_tree`)
  ≤ 0.3 × the from-scratch packet's. Wall time is printed with the load average beside
  it (on a shared machine it moves with the load; CPU time does not).
* Peak memory of the whole process tree: the largest sum of its processes' PSS.

Issue 12:

* A packet of 4 guides (cover, contents, acknowledgement sheet), PDF + DOCX, against
  building the same 4 guides alone: target ≤ 2×.
* A roster on 2 cores (``--jobs 2``) against building each recipient's packet from
  scratch (a cold ``guidegen build`` of a one-row roster): target ≥ 3× faster per
  recipient; peak memory of the roster build (largest single process) ≤ 600 MB, shown
  also as a ratio to the single-packet build's; and linear growth from 20 to 200 rows
  (time per recipient at 200 rows ≤ 1.25 × at 20 rows).

Also printed: CPU time per recipient and the cores the roster build got (on a busy
machine the wall-clock ratio moves with the load; the CPU time does not), what the DOCX
adds per recipient, and an unchanged 200-row roster built again.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import GUIDEGEN, ROOT, TreeSample, run, run_tree

GUIDES = [ROOT / "content" / "cmo-cdmo-cro.yaml", ROOT / "packets" / "guides" / "qa-vs-qc.yaml",
          ROOT / "packets" / "guides" / "gmp-gcp-glp.yaml",
          ROOT / "tests" / "data" / "five-subjects.yaml"]
# the test fixture made an effective document: a packet holds effective guides only
EFFECTIVE = ("    approvals:\n      - role: Head of Clinical Systems\n",
             "    status: effective\n    effective: 2026-10-01\n    approvals:\n"
             "      - {role: Head of Clinical Systems, date: 2026-10-01}\n")
HEADER = "First name,Last name,Role,Site,Manager,Start date\n"


def project(tmp: Path) -> Path:
    """Return a project with the example packet grown to 4 guides."""
    shutil.copytree(ROOT / "content", tmp / "content")
    shutil.copytree(ROOT / "packets", tmp / "packets")
    five = tmp / "packets" / "guides" / "five-subjects.yaml"
    five.write_text(GUIDES[3].read_text(encoding="utf-8").replace(*EFFECTIVE), encoding="utf-8")
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


def timed(command: list, cwd: Path, runs: int) -> tuple[float, float, float]:
    """Return the median seconds, the largest peak MB and the median CPU seconds of
    ``command`` over ``runs``."""
    results = [run(command, cwd=cwd) for _ in range(runs)]
    return (statistics.median(r.seconds for r in results),
            max(r.max_rss_mb for r in results),
            statistics.median(r.cpu_seconds for r in results))


def verdict(met: bool) -> str:
    return "MET" if met else "MISSED"


ROLES = ("QC Analyst", "Process Engineer", "Clinical Research Associate")
FOR = {"guides/qa-vs-qc.yaml": ["QC Analyst"],
       "guides/gmp-gcp-glp.yaml": ["Clinical Research Associate"],
       "guides/five-subjects.yaml": ["QC Analyst", "Process Engineer"]}


def curricula_project(tmp: Path) -> Path:
    """Return the 4-guide packet with three of its guides for some of the three roles."""
    packet = project(tmp)
    text = packet.read_text(encoding="utf-8")
    text = text[:text.index("guides:")] + "guides:\n  - cmo-cdmo-cro\n" + "".join(
        f"  - {{guide: {guide}, for: {{role: [{', '.join(roles)}]}}}}\n"
        for guide, roles in FOR.items()) + text[text.index("right_hand_start:"):]
    packet.write_text(text, encoding="utf-8")
    return packet


def curricula_roster(tmp: Path, rows: int, roles: tuple[str, ...] = ROLES,
                     name: str = "") -> Path:
    path = tmp / f"{name or f'curricula-{rows}'}.csv"
    path.write_text(HEADER + "".join(
        f"Ann{n},Lee{n},{roles[n % len(roles)]},Cork,Bo Ng,2026-12-{n % 28 + 1:02d}\n"
        for n in range(rows)), encoding="utf-8")
    return path


def median(samples: list[TreeSample], what: str) -> float:
    return statistics.median(getattr(sample, what) for sample in samples)


def issue21(runs: int, rows: int) -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        packet = curricula_project(tmp)
        roster_file = curricula_roster(tmp, rows)
        singles = [curricula_roster(tmp, 1, (role,), f"one-{n}")
                   for n, role in enumerate(ROLES)]
        scratch: list[TreeSample] = []
        roster: list[TreeSample] = []
        for _ in range(runs):  # interleaved: the load falls on both alike
            for single in singles:
                scratch.append(run_tree([GUIDEGEN, "build", packet, "--roster", single, "-o",
                                         tmp / f"{single.stem}", "--jobs", "2", "--force"],
                                        cwd=tmp))
            roster.append(run_tree([GUIDEGEN, "build", packet, "--roster", roster_file, "-o",
                                    tmp / "r", "--jobs", "2", "--force"], cwd=tmp))
    one_cpu, each_cpu = median(scratch, "cpu_seconds"), median(roster, "cpu_seconds") / rows
    ratio = each_cpu / one_cpu
    print(f"issue 21: {rows} recipients in 3 curricula, --jobs 2, {runs} runs interleaved "
          f"with {len(scratch)} from-scratch packets")
    print(f"CPU per recipient (whole process tree): {each_cpu:.3f} s; one packet from "
          f"scratch: {one_cpu:.2f} s = {ratio:.2f}x  (target <= 0.3x)  "
          f"[{verdict(ratio <= 0.3)}]")
    loads = ", ".join(f"{sample.load:.1f}" for sample in roster)
    print(f"wall per recipient: {median(roster, 'seconds') / rows:.3f} s (load average "
          f"before each roster run: {loads}); one packet from scratch: "
          f"{median(scratch, 'seconds'):.2f} s (load "
          f"{median(scratch, 'load'):.1f})")
    peak, alone = max(s.peak_mb for s in roster), max(s.peak_mb for s in scratch)
    print(f"peak memory of the whole tree (sum of PSS): roster {peak:.0f} MB; one packet "
          f"from scratch {alone:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--issue", type=int, choices=(12, 21), default=21)
    parser.add_argument("--runs", type=int)
    parser.add_argument("--rows")
    args = parser.parse_args()
    if args.issue == 21:
        issue21(args.runs or 2, int(args.rows or 200))
        return 0
    return issue12(args.runs or 3, args.rows or "20,200")


def issue12(runs: int, rows: str) -> int:
    small, large = (int(n) for n in rows.split(","))
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        packet = project(tmp)
        guides, _, _ = timed([GUIDEGEN, "build", *GUIDES, "-o", tmp / "g", "--force"], tmp,
                             runs)
        one, one_mb, _ = timed([GUIDEGEN, "build", packet, "-o", tmp / "p", "--force"], tmp,
                               runs)
        scratch, _, _ = timed([GUIDEGEN, "build", packet, "--roster", roster(tmp, 1), "-o",
                               tmp / "s", "--force"], tmp, runs)
        times, cpu, peak = {}, {}, 0.0
        for rows in (small, large):
            command = [GUIDEGEN, "build", packet, "--roster", roster(tmp, rows), "-o",
                       tmp / f"r{rows}", "--jobs", "2"]
            seconds, mb, cpu_seconds = timed([*command, "--force"], tmp, 1)
            times[rows], cpu[rows], peak = seconds / rows, cpu_seconds / rows, max(peak, mb)
        unchanged, _, _ = timed(command, tmp, runs)
        pdf_only, _, _ = timed([GUIDEGEN, "build", packet, "--roster", roster(tmp, small),
                                "-o", tmp / "pdf", "--jobs", "2", "-f", "pdf", "--force"], tmp,
                               1)
    print(f"4 guides alone: {guides:.2f} s; packet of those 4: {one:.2f} s = "
          f"{one / guides:.2f}x  (target <= 2x)  [{verdict(one <= 2 * guides)}]")
    speedup = scratch / times[large]
    print(f"per recipient from scratch: {scratch:.2f} s; in a {large}-row roster on 2 cores: "
          f"{times[large]:.3f} s = {speedup:.2f}x faster  (target >= 3x)  "
          f"[{verdict(speedup >= 3)}]")
    print(f"  CPU time per recipient in the roster: {cpu[large]:.3f} s (its workers "
          f"included); the roster build used {cpu[large] / times[large]:.2f} cores")
    print(f"peak memory of the roster build: {peak:.0f} MB = {peak / one_mb:.2f}x the single "
          f"packet's {one_mb:.0f} MB  (target <= 600 MB)  [{verdict(peak <= 600)}]")
    growth = times[large] / times[small]
    print(f"per recipient at {small} rows: {times[small]:.3f} s, at {large}: "
          f"{times[large]:.3f} s = {growth:.2f}x  (linear: <= 1.25x)  [{verdict(growth <= 1.25)}]")
    print(f"  of which the DOCX: {times[small] - pdf_only / small:.3f} s per recipient "
          f"(PDF only: {pdf_only / small:.3f} s, {small} rows)")
    print(f"unchanged {large}-row roster, built again: {unchanged:.2f} s "
          f"({unchanged / large * 1000:.1f} ms per recipient)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
