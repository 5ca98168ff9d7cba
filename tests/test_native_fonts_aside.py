"""fontconfig read in a thread while the main process works (guidegen.native.read_fonts_aside).

Called once the helper is forked first (builder.processes.fork_helper_first): what the
thread reads is what a first match would have read, and no process is forked while the
library is half read.
"""

from __future__ import annotations

import subprocess
import sys

_SCRIPT = """
import os, sys
from guidegen import native

faces = [("Carlito", False, False), ("DejaVu Sans", True, False), ("no such font", False, True)]
if sys.argv[1] == "aside":
    native.read_fonts_aside()
    native.read_fonts_aside()  # once a process
    assert len(native._READING) == 1
    thread = native._READING[0]
    pid = os.fork()  # at once, while the thread likely still reads
    if pid == 0:  # the child: the library read whole before the fork, usable
        os._exit(0 if native.font_file(faces[0]) else 3)
    assert not thread.is_alive()  # the fork waited for it
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, status
print([native.font_file(face) for face in faces], native.uncovered("a\\u4e00\\U000e0001"))
"""


def run(how: str) -> str:
    done = subprocess.run([sys.executable, "-c", _SCRIPT, how], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_fonts_read_aside_answer_as_read_in_place_and_a_fork_waits_for_them():
    assert run("aside") == run("in place")
