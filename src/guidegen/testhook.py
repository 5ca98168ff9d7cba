"""Stop a build at a known point, for tests only: ``GUIDEGEN_TEST_HOOK=POINT[:N]=ACTION``.

The test suite kills and interrupts builds at named points instead of racing a timer.
The variable is read once, when this module is imported; unset (always, outside the
tests), :func:`reached` returns at once. The points a build passes:

* ``forked-first``: the PDF helper forked before the command line's imports, click's
  handling of Ctrl-C not yet there (:mod:`guidegen.cli`);
* ``render``: in the middle of rendering a document, in the process that renders it (the
  PDF helper, if any, has been handed the PDF; the other formats are still to come);
* ``lay``: in the PDF helper, as it begins to lay out a document;
* ``before-commit``: everything rendered and checked, nothing written yet;
* ``after-commit``: a batch of outputs and its state file written (a roster's packets
  are committed batch by batch, everything else at once).

``N`` (default 1) picks the N-th time this process passes the point. ``ACTION`` is
``kill`` (SIGKILL this process), ``interrupt`` (raise KeyboardInterrupt, as Ctrl-C does)
``pause`` (write ``guidegen test hook: POINT in process PID`` to standard error, then
wait for a signal forever), ``warn`` (write ``guidegen test hook: POINT warned in process
PID`` to file descriptor 2, as a C library warns, and go on) or ``die`` (write
``GLib-ERROR **: guidegen test hook: POINT`` to file descriptor 2, as GLib does when an
allocation fails, then SIGKILL this process: GLib's abort, without a core file),
``abort`` or ``segfault`` (write ``guidegen test hook: POINT crashing in process PID`` to
file descriptor 2, as a C library says what went wrong, then SIGABRT or SIGSEGV this
process, with no core file: a library's ``abort()``, a bad pointer).
"""

from __future__ import annotations

import os

ACTIONS = ("kill", "interrupt", "pause", "warn", "die", "abort", "segfault")
_armed: tuple[str, int, str] | None = None
_passed: dict[str, int] = {}
_said: list[int] = [2]  # where ``pause`` writes its line: standard error, or speak_to's


def speak_to(descriptor: int) -> None:
    """Write ``pause``'s line to ``descriptor`` from now on.

    A helper's or worker's real standard error, while its own is held
    (:mod:`guidegen.builder.heldstderr`).
    """
    _said[0] = descriptor


def arm(spec: str | None) -> None:
    """Stop at the point ``spec`` names from now on (``None``: nowhere); counts start again.

    Raise ValueError for a ``spec`` that is not ``POINT[:N]=ACTION``.
    """
    global _armed
    _passed.clear()
    if not spec:
        _armed = None
        return
    where, _, action = spec.rpartition("=")
    point, _, count = where.partition(":")
    if not point or action not in ACTIONS or not (count or "1").isdigit():
        raise ValueError(f"GUIDEGEN_TEST_HOOK={spec!r}: expected POINT[:N]=ACTION, "
                         f"ACTION one of {', '.join(ACTIONS)}")
    _armed = (point, int(count or 1), action)


def reached(point: str) -> None:
    """Say the build is at ``point``; act there if the hook names it (see the module)."""
    if _armed is None or _armed[0] != point:
        return
    _passed[point] = _passed.get(point, 0) + 1
    if _passed[point] != _armed[1]:
        return
    import signal

    action = _armed[2]
    if action == "interrupt":
        raise KeyboardInterrupt
    if action == "warn":
        os.write(2, f"guidegen test hook: {point} warned in process {os.getpid()}\n".encode())
        return
    if action == "die":
        os.write(2, f"(process:{os.getpid()}): GLib-ERROR **: guidegen test hook: {point}\n"
                 .encode())
    if action in ("kill", "die"):
        os.kill(os.getpid(), signal.SIGKILL)
    if action in ("abort", "segfault"):
        import resource

        os.write(2, f"guidegen test hook: {point} crashing in process {os.getpid()}\n"
                 .encode())
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.kill(os.getpid(), signal.SIGABRT if action == "abort" else signal.SIGSEGV)
    os.write(_said[0], f"guidegen test hook: {point} in process {os.getpid()}\n".encode())
    while True:
        signal.pause()


arm(os.environ.get("GUIDEGEN_TEST_HOOK"))
