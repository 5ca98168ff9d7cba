"""What the hostile-input tests share: the corpus, the secret, outputs, processes."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from .conftest import DATA

HOSTILE = Path(__file__).resolve().parent / "hostile"
SECRET = Path("/etc/passwd")
SECRET_BYTES = SECRET.read_bytes().splitlines()[0]  # e.g. b"root:x:0:0:root:/root:/bin/bash"
MINIMAL = (DATA / "minimal.yaml").read_text(encoding="utf-8")
# the minimal guide as a controlled document in force, as a packet's guides must be
CONTROLLED = MINIMAL.replace("  title: Alpha vs Beta\n", """\
  title: Alpha vs Beta
  document:
    number: AB-001
    version: "1.0"
    status: effective
    effective: 2026-01-05
    approvals: [{role: Head of Quality, date: 2026-01-02}]
""", 1)


def small_project(project: Path) -> Path:
    """Return ``project`` holding the minimal guide (one layout) instead of the default one.

    For the tests of how a build's files are moved into place, not of what they hold (a
    build 0.16 s of CPU in the test process, not 0.7: the default guide is fitted).
    """
    (project / "content" / "cmo-cdmo-cro.yaml").unlink()
    (project / "content" / "minimal.yaml").write_text(MINIMAL, encoding="utf-8")
    return project


def use_guide(project: Path, name: str) -> Path:
    """Replace the project's content with the hostile guide ``name``."""
    shutil.rmtree(project / "content")
    (project / "content").mkdir()
    return Path(shutil.copy(HOSTILE / name, project / "content" / name))


def outputs(project: Path, folder: str = "output") -> dict[str, bytes]:
    """Return every file of the project's output folder, by name, with its bytes."""
    path = project / folder
    return {p.name: p.read_bytes() for p in path.iterdir()} if path.exists() else {}


def big_guide(rows: int) -> str:
    """Return a valid guide whose matrix has ``rows`` rows (slow to lay out)."""
    row = "      - criterion: Row {n}\n        values: {{alpha: yes, beta: no}}\n"
    return MINIMAL + "".join(row.format(n=n) for n in range(rows))


def guidegen_process(project: Path, *args: str,
                     env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Return ``guidegen ARGS`` started in ``project`` as a process of its own."""
    return subprocess.Popen([sys.executable, "-m", "guidegen", *args], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def children(pid: int) -> list[int]:
    """Return the process ids whose parent is ``pid``.

    Not multiprocessing's resource tracker, which spawned processes come with (the
    portable paths, guidegen.system): it tracks their semaphores and renders nothing.
    """
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"multiprocessing.resource_tracker" not in command:
            found.append(int(stat.parent.name))
    return found


def png(width: int, height: int, rows: bytes | None = None) -> bytes:
    """Return a 1-bit greyscale PNG of ``width`` x ``height`` (white unless ``rows``)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))

    if rows is None:
        rows = (b"\x00" + b"\xff" * ((width + 7) // 8)) * height
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))
