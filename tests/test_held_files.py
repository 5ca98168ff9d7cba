"""The file a PDF helper's standard error is held in is never left in the temporary folder.

The caller makes it (:func:`guidegen.builder.heldstderr.reserve`) and the helper unlinks
it as it holds; a helper that could not start, one that died between builds, or one
ended before it held (by its caller's exit) left it there, 0 bytes, and its descriptor
open in the caller: eight such files in /tmp after an afternoon of test runs.
"""

from __future__ import annotations

import multiprocessing.process
import os
import subprocess
import sys
import tempfile

import pytest

from guidegen.builder import heldstderr
from guidegen.builder.processes import PdfHelper


@pytest.fixture
def temporary(tmp_path, monkeypatch):
    """Return the temporary folder reserve makes its files in, empty; no helper running."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    running = PdfHelper._running
    if running is not None:
        running.stop()
    yield tmp_path
    assert PdfHelper._running is None


def _cannot_start(self):
    raise OSError(11, "Resource temporarily unavailable")  # fork's EAGAIN


class _Dead:
    """A helper's process that ended (killed by SIGKILL) between builds."""

    exitcode = -9

    def is_alive(self):
        return False

    def join(self):
        pass

    def kill(self):
        raise AssertionError("killed when dead")


class _Connection:
    closed = False

    def close(self):
        self.closed = True


def test_a_helper_that_cannot_start_leaves_no_file(temporary, monkeypatch):
    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", _cannot_start)
    made = []
    reserve = heldstderr.reserve
    monkeypatch.setattr(heldstderr, "reserve", lambda: made.append(reserve()) or made[-1])
    with pytest.raises(OSError, match="temporarily unavailable"):
        PdfHelper.get()
    assert list(temporary.iterdir()) == []  # before: guidegen-stderr-XXXX, 0 bytes
    assert len(made) == 1 and made[0] is not None
    with pytest.raises(OSError):
        os.fstat(made[0][0])  # its descriptor closed too


def test_a_helper_that_died_between_builds_has_its_file_closed(temporary, monkeypatch):
    held = heldstderr.reserve()
    assert held is not None
    dead = PdfHelper(_Dead(), _Connection(), 64, held)  # type: ignore[arg-type]
    PdfHelper._running = dead
    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", _cannot_start)
    with pytest.raises(OSError):
        PdfHelper.get(64)  # replaced: a new one is started (here: cannot be)
    assert dead.held is None and dead.connection.closed  # before: left open, as it was
    assert list(temporary.iterdir()) == []
    with pytest.raises(OSError):
        os.fstat(held[0])


def test_a_file_never_held_is_unlinked_as_the_caller_exits(tmp_path):
    # the caller exits (or is interrupted) before its helper held: the file goes with it
    code = ("from guidegen.builder import heldstderr\n"
            "print(heldstderr.reserve()[1])\n")
    said = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "TMPDIR": str(tmp_path)}, check=True)
    assert said.stdout.strip().startswith(str(tmp_path))
    assert list(tmp_path.iterdir()) == []  # before: the file stayed


def test_a_file_unreserved_is_not_unlinked_again_at_exit(tmp_path):
    # unreserve forgets it (a later file of that name is another's)
    reserved = heldstderr.reserve()
    assert reserved is not None
    heldstderr.unreserve(reserved)
    assert reserved[1] not in heldstderr._RESERVED
