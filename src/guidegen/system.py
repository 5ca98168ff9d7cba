"""What the operating system offers guidegen, and the portable paths taken where it lacks it.

On Linux guidegen forks its PDF helper and worker processes, stops overlong work with
``SIGALRM``, locks an output folder with ``flock`` on the folder itself, opens inputs
with ``O_NONBLOCK`` (so a FIFO never blocks a read), and limits a helper's memory with
``RLIMIT_DATA``. macOS and Windows lack some of these (macOS forks unsafely once its
system frameworks are loaded, Windows has neither ``fork`` nor ``SIGALRM`` nor
``flock``), so there guidegen takes the *portable paths*:

================  ==========================  =========================================
what              Linux                       portable
================  ==========================  =========================================
processes         forked                      spawned (a fresh interpreter each)
time limits       ``SIGALRM``                 a watchdog thread that raises the limit's
                                              exception in the main thread at its next
                                              safe point, and ends a helper or worker
                                              process that does not reach one
a helper dies     ``PR_SET_PDEATHSIG``        a thread that waits on its parent's end
with its parent
folder locks      ``flock`` on the folder     ``filelock`` on ``.guidegen-lock`` in it
special files     refused when opened         refused before they are opened (``stat``)
                  (``O_NONBLOCK``)            and checked again once open
memory limits     ``RLIMIT_DATA``             Linux only: said where not enforced
================  ==========================  =========================================

``GUIDEGEN_PORTABLE=1`` forces the portable paths on Linux, so that the test suite runs
them on this machine (CI runs the build, packet, roster, limits and interruption tests
twice, once each way). Memory limits stay where the system has them.
"""

from __future__ import annotations

import os
import signal
import sys

PORTABLE = "GUIDEGEN_PORTABLE"  # the environment variable that forces the portable paths


def forced() -> bool:
    """Return whether ``GUIDEGEN_PORTABLE=1`` asks for the portable paths."""
    return os.environ.get(PORTABLE, "").strip() == "1"


def start_method() -> str:
    """Return how helper and worker processes start: ``fork`` on Linux, else ``spawn``."""
    linux = sys.platform.startswith("linux") and hasattr(os, "fork")
    return "fork" if linux and not forced() else "spawn"


def has_alarm() -> bool:
    """Return whether time limits use ``SIGALRM`` (else the watchdog thread)."""
    return hasattr(signal, "SIGALRM") and hasattr(signal, "setitimer") and not forced()


def has_death_signal() -> bool:
    """Return whether the kernel ends a helper with its parent (else a thread watches)."""
    return sys.platform.startswith("linux") and not forced()


def has_folder_flock() -> bool:
    """Return whether a folder is locked with ``flock`` on itself (else ``filelock``)."""
    if forced() or sys.platform == "win32":
        return False
    try:
        import fcntl
    except ImportError:  # pragma: no cover - a POSIX system without it
        return False
    return hasattr(fcntl, "flock")


def nonblocking() -> int:
    """Return the flag that opens a FIFO without waiting for a writer (0: none)."""
    return 0 if forced() else getattr(os, "O_NONBLOCK", 0)


def limits_memory() -> bool:
    """Return whether helper and worker processes can be given a memory limit here.

    Linux counts a process's heap and private mappings in ``RLIMIT_DATA``; macOS accepts
    the limit but does not enforce it on memory a process maps, and Windows has none.
    """
    return sys.platform.startswith("linux")


def described() -> str:
    """Return one line saying which paths this process takes (for ``--debug``, tests)."""
    return (f"processes: {start_method()}; time limits: "
            f"{'SIGALRM' if has_alarm() else 'watchdog thread'}; folder locks: "
            f"{'flock' if has_folder_flock() else 'filelock'}; special files: "
            f"{'O_NONBLOCK' if nonblocking() else 'stat first'}; memory limits: "
            f"{'RLIMIT_DATA' if limits_memory() else 'not enforced'}")
