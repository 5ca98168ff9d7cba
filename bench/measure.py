"""Timing helpers: run a command in a fresh process, time it, and read its peak memory.

Each command runs with ``subprocess.Popen`` in its own process group and is reaped with
``os.wait4``, which returns the resource usage of that one child (and the children it
waited for), so the peak RSS is per command, not the running maximum of
``RUSAGE_CHILDREN``. Before the next command starts, whatever the last one left running
in its process group has ended.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GUIDEGEN = BIN / "guidegen"
PYTHON = Path(sys.executable)


class CommandError(RuntimeError):
    """A measured command exited with a non-zero status."""


@dataclass(frozen=True)
class Sample:
    """One run of a command: wall and CPU seconds, peak resident memory, status, output.

    CPU seconds are user + system time of the process and of the children it waited
    for (a pool's workers, a helper process), so CPU / wall is the cores it kept busy.
    """

    seconds: float
    max_rss_mb: float
    cpu_seconds: float
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Stat:
    """The samples of one measurement and their summary (median, min, max)."""

    seconds: list[float]
    max_rss_mb: list[float] = field(default_factory=list)
    note: str = ""
    last: Sample | None = None
    cpu_seconds: list[float] = field(default_factory=list)

    def add(self, sample: Sample) -> None:
        """Record one run."""
        self.seconds.append(sample.seconds)
        self.max_rss_mb.append(sample.max_rss_mb)
        self.cpu_seconds.append(sample.cpu_seconds)
        self.last = sample

    @property
    def median(self) -> float:
        """Return the median time in seconds (NaN without samples)."""
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def peak_mb(self) -> float:
        """Return the largest peak RSS seen, in MB (NaN when not measured)."""
        return max(self.max_rss_mb) if self.max_rss_mb else float("nan")

    def to_json(self) -> dict[str, Any]:
        """Return the measurement as plain JSON data."""
        data: dict[str, Any] = {
            "median_s": round(self.median, 4),
            "min_s": round(min(self.seconds), 4) if self.seconds else None,
            "max_s": round(max(self.seconds), 4) if self.seconds else None,
            "runs": len(self.seconds), "samples_s": [round(s, 4) for s in self.seconds]}
        if self.max_rss_mb:
            data["peak_rss_mb"] = round(self.peak_mb, 1)
        if self.cpu_seconds:
            data["cpu_median_s"] = round(statistics.median(self.cpu_seconds), 4)
        if self.note:
            data["note"] = self.note
        return data


def environment(**extra: str) -> dict[str, str]:
    """Return the environment for measured commands: the virtualenv's bin/ first on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("SOURCE_DATE_EPOCH", None)
    env.update(extra)
    return env


def run(command: Sequence[str | os.PathLike[str]], *, cwd: Path = ROOT,
        env: dict[str, str] | None = None, check: bool = True) -> Sample:
    """Run ``command`` once; return its wall time, peak RSS and output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen([str(c) for c in command], cwd=cwd,
                                   env=env or environment(), stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL, process_group=0)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        settle(process.pid)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        sample = Sample(seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime,
                        process.returncode,
                        out.read().decode("utf-8", "replace"),
                        err.read().decode("utf-8", "replace"))
    if check and sample.returncode != 0:
        shown = " ".join(str(c) for c in command)
        raise CommandError(f"{shown} exited with {sample.returncode}:\n"
                            f"{sample.stderr.strip() or sample.stdout.strip()}")
    return sample


def left_running(group: int) -> list[int]:
    """Return the processes of process ``group`` that still run (zombies do not)."""
    found = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            state, _, pgid = stat[stat.rindex(")") + 2:].split()[:3]
            if int(pgid) == group and state != "Z":
                found.append(int(entry))
    return found


def settle(group: int, timeout: float = 10.0) -> None:
    """Wait (untimed) until what a command left running in its process group has ended.

    A ``guidegen build`` that ends quickly can leave its PDF helper process finishing its
    imports for a moment before it notices; it must not slow the next measured run.
    """
    deadline = time.monotonic() + timeout
    while left_running(group) and time.monotonic() < deadline:
        time.sleep(0.01)


def repeat(make: Callable[[int], Sequence[str | os.PathLike[str]]], runs: int, *,
           warmup: bool = True, before: Callable[[int], None] | None = None,
           env: dict[str, str] | None = None, note: str = "") -> Stat:
    """Run the command ``make(i)`` returns ``runs`` times (after one untimed warm-up).

    ``before(i)``, if given, runs untimed before each run (e.g. a first build that the
    timed run then repeats). The warm-up only fills the OS file and font caches: every
    timed run is still a new process.
    """
    if warmup:
        if before:
            before(-1)
        run(make(-1), env=env)
    stat = Stat([], [], note)
    for i in range(runs):
        if before:
            before(i)
        stat.add(run(make(i), env=env))
    return stat


BUSY_LOOP = "sum(range(15_000_000))"


def parallel_pair(env: dict[str, str] | None = None) -> tuple[float, float]:
    """Return the seconds of one CPU-bound Python process, then of two at once.

    Two processes on two free cores take as long as one; on a busy or throttled
    machine they take longer. ``2 * one / two`` is the speed-up the machine allows.
    """
    one = run([PYTHON, "-c", BUSY_LOOP], env=env).seconds
    started = time.perf_counter()
    processes = [subprocess.Popen([str(PYTHON), "-c", BUSY_LOOP], env=env or environment())
                 for _ in range(2)]
    for process in processes:
        process.wait()
    return one, time.perf_counter() - started


def python_json(script: str, *args: str | os.PathLike[str],
                env: dict[str, str] | None = None) -> Any:
    """Run ``bench/<script>`` in a fresh interpreter and return the JSON it prints last."""
    import json

    sample = run([PYTHON, ROOT / "bench" / script, *map(str, args)], env=env)
    lines = [line for line in sample.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise CommandError(f"{script} printed no JSON:\n{sample.stdout}{sample.stderr}")
    return json.loads(lines[-1])


def pdf_pages(path: Path) -> int | None:
    """Return the page count of a PDF, read with poppler's pdfinfo (None without it)."""
    import shutil

    if not shutil.which("pdfinfo"):
        return None
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def option_supported(help_text: str, option: str) -> bool:
    """Return whether ``option`` (e.g. ``--force``) is listed in a command's ``--help``."""
    return any(part.strip(",[]") == option for part in help_text.split())


def machine() -> dict[str, Any]:
    """Return a description of the machine the numbers were taken on."""
    import platform

    info: dict[str, Any] = {"python": platform.python_version(), "platform": platform.platform(),
                            "cpus": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return info


@dataclass(frozen=True)
class TreeSample:
    """One run of a command measured over its whole process tree.

    ``cpu_seconds``: user + system time of the command and of every process it started,
    waited for or not (a PDF helper that outlives its parent included): this process
    becomes their subreaper and reaps each with ``wait4``. ``peak_mb``: the largest sum
    of the tree's proportional set sizes (PSS: shared pages divided among the processes
    sharing them), sampled every 50 ms. ``load``: the 1-minute load average before.
    """

    seconds: float
    cpu_seconds: float
    peak_mb: float
    load: float


def _subreaper() -> None:
    """Make this process the reaper of its orphaned descendants (Linux)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def _tree_pss(group: int) -> float:
    """Return the sum of the PSS of the processes of ``group``, in MB."""
    total = 0
    for pid in left_running(group):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            continue
    return total / 1024


def run_tree(command: Sequence[str | os.PathLike[str]], *, cwd: Path = ROOT,
             env: dict[str, str] | None = None) -> TreeSample:
    """Run ``command`` once; return its wall time, its tree's CPU time and peak PSS."""
    import threading

    _subreaper()
    load = os.getloadavg()[0]
    peak = 0.0
    done = threading.Event()
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen([str(c) for c in command], cwd=cwd,
                                   env=env or environment(), stdout=subprocess.DEVNULL,
                                   stderr=err, stdin=subprocess.DEVNULL, process_group=0)

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.05):
                peak = max(peak, _tree_pss(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        cpu = usage.ru_utime + usage.ru_stime
        while True:  # the orphans it left (reparented to this process), each once it ends
            try:
                _, _, orphan = os.wait4(-1, 0)
            except ChildProcessError:
                break
            cpu += orphan.ru_utime + orphan.ru_stime
        done.set()
        sampler.join()
        err.seek(0)
        errors = err.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise CommandError(f"{' '.join(map(str, command))} failed:\n{errors}")
    return TreeSample(seconds, cpu, peak, load)
