"""Benchmark of a cold build's critical path in CPU time, step by step, in both processes.

    .venv/bin/python bench/critical.py [--runs 7] [--against OTHER/src] [--unforced] [GUIDE]

A cold ``guidegen build GUIDE --force`` (PDF + DOCX) runs in two processes, three when
the guide is fitted: this one loads the guide, lays it out and draws the PDF's HTML,
hands it to the PDF helper (forked early, importing WeasyPrint meanwhile), builds the
DOCX while the helper lays out the PDF, and finishes the DOCX with the PDF's page map
while the helper writes the PDF. A fitted guide is laid out again at tighter levels
(by the helper and its twin, side by side, where the code has a twin) before that. Its
wall time is the critical path through these steps. On a shared machine wall time moves
with everyone's load, so this measures each process's CPU time at every step, and at
every message to and answer from a helper (:mod:`critical_trace`), and replays the
build as free cores would run it (:func:`path_of`): this process's steps one after the
other, each message starting when it is sent and its helper is free, each wait ending
when the answer is there.

The runs take turns with ``--against``, another checkout's ``src`` folder (``git
worktree add /tmp/before main``), so a busy moment hits both; the minimum of each step
over the runs is the least disturbed. Bytecode is cached in a scratch folder, as the
main benchmark does, and the first run of each is not counted. Each checkout keeps its
caches in a folder of its own there (``GUIDEGEN_CACHE_DIR``), empty at first or a copy
of ``--seed-cache FOLDER``: sharing the project's, each helper made the style rules the
other checkout saved (another template folder: 30-60 ms of CPU after the hand-off).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

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
    ("HTML drawn, handed off", "main", "send helper lay"),
    ("DOCX built, waits for pages", "main", ">recv helper"),
    ("end (its own CPU)", "main", "end"),
    ("helper: WeasyPrint imported", "helper", "<weasyprint import"),
]


def run_once(guide: Path, src: str | None, records: Path, scratch: Path,
             force: str = "--force", cache: Path | None = None) -> dict[str, Any]:
    """Return the steps of one cold build of ``guide`` (with ``src``'s guidegen if given).

    Into a new output folder, with ``force`` (``--force``, or nothing: a first build),
    keeping its caches in ``cache`` if given (``GUIDEGEN_CACHE_DIR``), else the project's.

    ``main``: its marks in order; ``helper`` and ``twin`` (if forked): their marks and
    the messages they answered (each helper's last record has them all).
    """
    records.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(scratch / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if src:
        env["PYTHONPATH"] = src
    if cache is not None:
        env["GUIDEGEN_CACHE_DIR"] = str(cache)
    with tempfile.TemporaryDirectory(dir=scratch) as out:
        subprocess.run([sys.executable, str(TRACE), str(records), "--", "-q", "build",
                        str(guide), *filter(None, [force]), "-o", out], env=env, cwd=ROOT,
                       check=True, stdout=subprocess.DEVNULL)
    found: dict[str, Any] = {}
    for line in records.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        marks = [(step.replace("_options", "options_of"), cpu)  # its name before cli/
                 for step, cpu in record["marks"]]
        found[record["who"]] = {"marks": marks, "messages": record.get("messages", [])}
    return found


def first_marks(marks: list[tuple[str, float]]) -> dict[str, float]:
    """Return the CPU time at the first time each step was passed."""
    steps: dict[str, float] = {}
    for step, cpu in marks:
        steps.setdefault(step, cpu)
    return steps


def path_of(run: dict[str, Any]) -> dict[str, float]:
    """Return the critical path of ``run`` as free cores would run it, and its parts.

    The parts: the hand-off, when the helper is ready, its first layout, the layouts
    made, each process's CPU and their sum (what a change of who lays out what, when,
    is to cut: ``CPU: all``); and the path on two cores (this machine's): at least
    the hand-off and half the CPU time all the processes spend after it, where the
    main process, the helper and its twin work at once (three on two cores).

    The main process's marks are replayed in order on a clock that adds its CPU time; a
    message sent to a helper starts when both it is sent and that helper is free (the
    helper once its WeasyPrint import is done; a twin when the helper forks it) and
    takes the CPU time the helper took; a wait for an answer ends when the answer is
    there. A helper that sends the pages before the PDF answers twice; one that writes
    the PDF ahead, unasked, is busy that long after it sent the pages.
    """
    main = run["main"]["marks"]
    steps = first_marks(main)
    helper = run["helper"]
    messages = {who: list(run[who]["messages"]) for who in ("helper", "twin") if who in run}
    ready = steps[">PdfHelper.get"] + first_marks(helper["marks"])["<weasyprint import"]
    free: dict[str, float] = {"helper": ready}
    replies: dict[str, list[float]] = {"helper": [], "twin": []}
    clock = last = 0.0
    for step, cpu in main:
        clock, last = clock + cpu - last, cpu
        kind = step.split()
        if kind[0] == "send" and kind[2] == "twin":
            free["twin"] = max(clock, free["helper"])  # forked as the helper is free
        elif kind[0] == "send":
            _, began, pages, ended = messages[kind[1]].pop(0)
            start = max(clock, free[kind[1]])
            if pages is not None:
                replies[kind[1]].append(start + pages - began)
            replies[kind[1]].append(start + ended - began)
            free[kind[1]] = start + ended - began
            if messages[kind[1]] and messages[kind[1]][0][0] == "ahead":  # busy on
                _, began, _, ended = messages[kind[1]].pop(0)
                free[kind[1]] += ended - began
        elif kind[0] == "<recv":
            clock = max(clock, replies[kind[1]].pop(0))
    first = run["helper"]["messages"][0]
    layouts = sum(1 for who in ("helper", "twin") if who in run
                  for message in run[who]["messages"] if message[0] == "lay")
    hand_off = steps.get("send helper lay", 0.0)
    twin = run["twin"]["messages"][-1][3] - run["twin"]["messages"][0][1] if "twin" in run \
        else 0.0  # the twin's CPU from its fork on
    # after the hand-off the main process, the helper and its twin work at once: on two
    # cores the build takes at least half their CPU time from there on
    after = main[-1][1] - hand_off + sum(message[3] - message[1] for who in ("helper", "twin")
                                         if who in run for message in run[who]["messages"])
    return {"hand-off": hand_off, "helper ready": ready,
            "helper's first layout": (first[2] or first[3]) - first[1],
            "layouts (helper, twin)": layouts,
            "CPU: main": main[-1][1], "CPU: helper": helper["messages"][-1][3],
            "CPU: twin": twin, "CPU: all": main[-1][1] + helper["messages"][-1][3] + twin,
            "critical path": clock, "on two cores": max(clock, hand_off + after / 2)}


def main() -> None:
    """Run the builds taking turns; print each step's CPU time and the critical path."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("guide", nargs="?", type=Path, default=DEFAULT_GUIDE)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--against", help="another checkout's src folder, run in turns")
    parser.add_argument("--unforced", action="store_true",
                        help="build without --force (a first build into a new folder)")
    parser.add_argument("--seed-cache", type=Path, metavar="FOLDER",
                        help="start each checkout's cache folder as a copy of FOLDER")
    args = parser.parse_args()
    sources = {"this": None, **({"against": args.against} if args.against else {})}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in sources}
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        caches = {name: scratch / f"cache-{name}" for name in sources}
        for cache in caches.values():
            if args.seed_cache:
                shutil.copytree(args.seed_cache, cache)
        for turn in range(args.runs + 1):
            for name, src in sources.items():
                found = run_once(args.guide.resolve(), src, scratch / "records.jsonl", scratch,
                                 "" if args.unforced else "--force", caches[name])
                if turn:  # the first fills the bytecode and font caches
                    runs[name].append(found)
    print(f"CPU ms of a cold build of {args.guide.name}, min (median) of {args.runs} runs;"
          f" load average {os.getloadavg()[0]:.1f}")
    print(f"{'':34}" + "".join(f"{name:>18}" for name in sources))
    for label, who, step in ROWS:
        cells = [[first_marks(run[who]["marks"])[step] for run in runs[name]
                  if step in first_marks(run[who]["marks"])] for name in sources]
        print(f"  {label:32}" + "".join(
            f"{min(c):>9.0f} ({statistics.median(c):4.0f})" if c else f"{'-':>18}"
            for c in cells))
    for key in path_of(runs["this"][0]):
        cells = [[path_of(run)[key] for run in runs[name]] for name in sources]
        print(f"  {key:32}" + "".join(
            f"{min(c):>9.0f} ({statistics.median(c):4.0f})" for c in cells))


if __name__ == "__main__":
    main()
