"""How fast ``guidegen serve`` shows a save, and whether its memory grows over rebuilds.

    .venv/bin/python bench/preview.py                  # default guide, 15 saves
    .venv/bin/python bench/preview.py --guide tests/data/acht-dienstleister.yaml
    .venv/bin/python bench/preview.py --rebuilds 200   # memory over 200 rebuilds

A fresh project in a temporary folder holds the guide; ``guidegen serve`` runs on it as
a user runs it, and this script listens on the preview's event stream (``/events``) as
the page does. Each save changes the guide's title; the time is taken from just before
the file is written to the arrival of the ``build`` event that makes the page reload
(``save → event``), and to the first page's picture received after it (``→ page 1``),
which the page asks for next. The targets (issue 18): median ``save → event`` under
0.4 s for the default guide; the server's memory (the proportional set size of its whole process
tree: it and its PDF helper) grows by under 50 MB over 200 rebuilds, taken after the first 10.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]


def resident_mb(pid: int) -> float:
    """Return the proportional set size (PSS) of ``pid`` and its descendants, in MB.

    PSS counts a page shared by several processes once in all (split among them), so
    the PDF helper's pages shared with the server are not counted twice (/proc).
    """
    total = 0.0
    for one in [pid, *_descendants(pid)]:
        try:
            rollup = Path(f"/proc/{one}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) / 1024
    return total


def _descendants(pid: int) -> list[int]:
    """Return the processes started by ``pid`` and by them (the PDF helper), from /proc."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            for child in task.read_text().split():
                found += [int(child), *_descendants(int(child))]
    except OSError:
        pass
    return found


class Events:
    """The preview's event stream, read as the page's EventSource reads it."""

    def __init__(self, url: str) -> None:
        where = urlsplit(url)
        self.connection = http.client.HTTPConnection(where.hostname or "", where.port,
                                                     timeout=600)
        self.connection.request("GET", "/events")
        self.response = self.connection.getresponse()

    def next_build(self) -> int:
        """Return the generation of the next ``build`` event, once it arrives."""
        while True:
            line = self.response.readline().decode("utf-8")
            if line.startswith("data: "):
                return int(json.loads(line[6:])["generation"])


def fetch(url: str, path: str) -> bytes:
    """Return the body of GET ``path``."""
    where = urlsplit(url)
    connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=600)
    try:
        connection.request("GET", path)
        return connection.getresponse().read()
    finally:
        connection.close()


def retitled(line: str, n: int) -> str:
    """Return the guide's ``title:`` line with `` n`` at the end of the title."""
    quote = line.rstrip()[-1]
    return line.rstrip()[:-1] + f" {n}{quote}" if quote in "'\"" else f"{line.rstrip()} {n}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guide", type=Path, default=ROOT / "content" / "cmo-cdmo-cro.yaml")
    parser.add_argument("--saves", type=int, default=15)
    parser.add_argument("--rebuilds", type=int, default=0,
                        help="also count memory over this many rebuilds (200: the target)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="guidegen-bench-preview-") as folder:
        project = Path(folder)
        (project / "content").mkdir()
        guide = Path(shutil.copy(args.guide, project / "content"))
        text = guide.read_text(encoding="utf-8")
        title = next(line for line in text.splitlines() if line.strip().startswith("title:"))
        server = subprocess.Popen([sys.executable, "-m", "guidegen", "serve", str(guide)],
                                  cwd=project, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True)
        try:
            assert server.stdout is not None
            url = server.stdout.readline().split(" at ")[1].split()[0]
            events = Events(url)
            generation = events.next_build()  # the first build
            seconds, pictures = [], []
            memory: dict[int, float] = {}
            total = max(args.saves, args.rebuilds)
            for n in range(1, total + 1):
                started = time.perf_counter()
                guide.write_text(text.replace(title, retitled(title, n), 1), encoding="utf-8")
                generation = events.next_build()
                arrived = time.perf_counter()
                state = json.loads(fetch(url, "/state"))
                if not state["ok"]:
                    raise SystemExit(f"build {generation} failed: {state['summary']} "
                                     f"{state['problems']}")
                fetch(url, f"/page/0.png?g={state['shown']}")
                if n <= args.saves:
                    seconds.append(arrived - started)
                    pictures.append(time.perf_counter() - started)
                if n == 10 or n % 50 == 0 or n == total:
                    memory[n] = resident_mb(server.pid)
            print(f"guide: {args.guide.name}, {args.saves} saves")
            print(f"save → event:  median {statistics.median(seconds):.3f} s "
                  f"(min {min(seconds):.3f}, max {max(seconds):.3f}); target < 0.4 s")
            print(f"save → page 1: median {statistics.median(pictures):.3f} s")
            if args.rebuilds >= 10:
                steps = ", ".join(f"{n}: {mb:.0f}" for n, mb in memory.items())
                print(f"memory (PSS of the server and its helpers, MB) after rebuilds {steps}: "
                      f"grew {memory[total] - memory[10]:+.1f} MB from 10 to {total}; "
                      "target < 50 MB")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
