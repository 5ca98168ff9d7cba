"""Benchmark of a cold build's critical path in CPU time, step by step, in both processes.

    .venv/bin/python bench/critical.py [--runs 7] [--against OTHER/src] [GUIDE]

A cold ``guidegen build GUIDE --force`` (PDF + DOCX) runs in two processes: this one
loads the guide, lays it out and draws the PDF's HTML, hands it to the PDF helper
(forked early, importing WeasyPrint meanwhile), builds the DOCX while the helper lays
out the PDF, finishes the DOCX with the PDF's page map as soon as the helper has laid
out the pages (it writes the PDF meanwhile), and writes both. Its wall time is the
critical path through these steps. On a shared machine wall time moves
with everyone's load, so this measures each process's CPU time at every step
(:mod:`critical_trace`) and adds up the path as two free cores would run it:

    start = max(hand-off, helper ready)
    DOCX finished = max(main built the DOCX, start + helper laid out the pages) + finishing
    result = max(DOCX finished, start + helper's layout and PDF)
    critical path = result + what the main process does after it

The runs take turns with ``--against``, another checkout's ``src`` folder (``git
worktree add /tmp/before main``), so a busy moment hits both; the minimum of each step
over the runs is the least disturbed. Bytecode is cached in a scratch folder, as the
main benchmark does, and the first run of each is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import ROOT

TRACE = Path(__file__).resolve().parent / "critical_trace.py"
DEFAULT_GUIDE = ROOT / "content" / "cmo-cdmo-cro.yaml"
ROWS = [  # what the table shows: (label, process, step)
    ("command line imported", "main", "cli imported"),
    ("options read", "main", "<options_of"),
    ("helper forked", "main", ">PdfHelper.get"),
    ("guide loaded", "main", "<load_guides"),
    ("layout: dates written", "main", "<Labels.date"),
    ("layout: hyphenated", "main", "<hyphenate_blocks"),
    ("laid out", "main", "<layout_guide"),
    ("HTML drawn, handed off", "main", ">PdfHelper.submit"),
    ("DOCX built, waits for pages", "main", ">PdfHelper.laid_out"),
    ("DOCX finished, waits for PDF", "main", ">PdfHelper.result"),
    ("end", "main", "end"),
    ("helper: WeasyPrint imported", "helper", "<weasyprint import"),
    ("helper: pages laid out, sent", "helper", "pages known"),
    ("helper: PDF laid out, written", "helper", "<lay_out"),
]


def run_once(guide: Path, src: str | None, records: Path, scratch: Path) -> dict[str, dict]:
    """Return the steps of one cold build of ``guide`` (with ``src``'s guidegen if given)."""
    records.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(scratch / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if src:
        env["PYTHONPATH"] = src
    with tempfile.TemporaryDirectory(dir=scratch) as out:
        subprocess.run([sys.executable, str(TRACE), str(records), "--", "-q", "build",
                        str(guide), "--force", "-o", out], env=env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    found = {}
    for line in records.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        steps: dict[str, float] = {}
        for step, cpu in record["marks"]:
            step = step.replace("_options", "options_of")  # its name before cli/
            steps.setdefault(step, cpu)  # the first time a step is passed
        found[record["who"]] = steps
    return found


def path_of(run: dict[str, dict]) -> dict[str, float]:
    """Return the hand-off, when the helper is ready, and the critical path of ``run``.

    Where the helper sends the pages before it writes the PDF, this process finishes
    the DOCX from when it has both built the DOCX and the pages, then waits for the PDF.
    """
    main, helper = run["main"], run["helper"]
    ready = main[">PdfHelper.get"] + helper["<weasyprint import"]
    layout = helper["<lay_out"] - helper[">lay_out"]
    handoff = main[">PdfHelper.submit"]
    start = max(handoff, ready)
    waits = main[">PdfHelper.result"]
    if ">PdfHelper.laid_out" in main and "pages known" in helper:
        pages = start + helper["pages known"] - helper[">lay_out"]
        waits = max(main[">PdfHelper.laid_out"], pages) + main[">PdfHelper.result"] \
            - main["<PdfHelper.laid_out"]
    result = max(waits, start + layout)
    return {"hand-off": handoff, "helper ready": ready, "helper's layout": layout,
            "critical path": result + main["end"] - main["<PdfHelper.result"]}


def main() -> None:
    """Run the builds taking turns; print each step's CPU time and the critical path."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("guide", nargs="?", type=Path, default=DEFAULT_GUIDE)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--against", help="another checkout's src folder, run in turns")
    args = parser.parse_args()
    sources = {"this": None, **({"against": args.against} if args.against else {})}
    runs: dict[str, list[dict[str, dict]]] = {name: [] for name in sources}
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        for turn in range(args.runs + 1):
            for name, src in sources.items():
                found = run_once(args.guide.resolve(), src, scratch / "records.jsonl", scratch)
                if turn:  # the first fills the bytecode and font caches
                    runs[name].append(found)
    print(f"CPU ms of a cold build of {args.guide.name}, min (median) of {args.runs} runs;"
          f" load average {os.getloadavg()[0]:.1f}")
    print(f"{'':34}" + "".join(f"{name:>18}" for name in sources))
    for label, who, step in ROWS:
        cells = [[run[who][step] for run in runs[name] if step in run[who]]
                 for name in sources]
        print(f"  {label:32}" + "".join(
            f"{min(c):>9.0f} ({statistics.median(c):4.0f})" if c else f"{'-':>18}"
            for c in cells))
    for key in ("hand-off", "helper ready", "helper's layout", "critical path"):
        cells = [[path_of(run)[key] for run in runs[name]] for name in sources]
        print(f"  {key:32}" + "".join(
            f"{min(c):>9.0f} ({statistics.median(c):4.0f})" for c in cells))


if __name__ == "__main__":
    main()
