"""One LibreOffice kept running in each test process, that the conversions are handed to.

A ``soffice --convert-to`` started with the profile of a LibreOffice that is running
hands its files to that one (LibreOffice's single-instance pipe, as a second start on a
desktop does) and waits until it has written them. The tests' conversions then cost no
LibreOffice start each (about 1.8 s of CPU, a run made 30) but one per test process.
The files are the ones a LibreOffice of their own makes: poppler reads the same words in
the same boxes from every page (the 12 fixtures' DOCX, converted both ways).

The one kept running is started with a macro that opens a hidden document, which keeps
it from quitting when a conversion's document closes, and then says it is ready through
a named pipe: no conversion is handed to it before it can take them. It ends with the
test process (:func:`stop`, and the kernel's parent-death signal if that is killed).

In a run of several xdist workers, the controller starts one (:func:`share`, when a
worker first asks) and every worker hands its conversions to that one (:func:`_join`):
a LibreOffice start and its first conversions' loading of fonts and dictionaries fewer
than one a worker (3.7 s of CPU: 12 DOCX took 6.8 s in a new one, 4.2 s again in it).
It ends with the controller, after the workers.
"""

from __future__ import annotations

import ctypes
import fcntl
import hashlib
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
from contextlib import suppress
from pathlib import Path
from typing import IO

# LibreOffice Basic macros. Run by tests/readers.run_macro(), each opens the DOCX named
# in GUIDEGEN_IN (hidden), does one thing an editor does, writes what it finds to
# GUIDEGEN_OUT and quits.
# UpdateContents updates every index (its contents field) as Tools > Update > Update All
# does and writes their text; SetProperties sets the custom properties GUIDEGEN_SET
# names ("Version=9.9|Status=Obsolete", as File > Properties > Custom Properties does),
# updates the fields and writes the document as a PDF. Serve is what the kept LibreOffice
# starts with: a hidden document keeps it running; then it opens the named pipe
# GUIDEGEN_OUT and closes it, which its reader sees as the pipe's end.
MACROS = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1"
 script:language="StarBasic">
Function Hidden(url)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  Hidden = StarDesktop.loadComponentFromURL(url, &quot;_blank&quot;, 0, args())
End Function

Function Opened
  Opened = Hidden(ConvertToURL(Environ(&quot;GUIDEGEN_IN&quot;)))
End Function

Sub UpdateContents
  doc = Opened()
  indexes = doc.getDocumentIndexes()
  found = &quot;&quot;
  For i = 0 To indexes.getCount() - 1
    indexes.getByIndex(i).update()
    found = found &amp; indexes.getByIndex(i).getAnchor().getString()
  Next
  n = FreeFile
  Open Environ(&quot;GUIDEGEN_OUT&quot;) For Output As #n
  Print #n, found
  Close #n
  doc.close(True)
  StarDesktop.terminate()
End Sub

Sub SetProperties
  doc = Opened()
  custom = doc.getDocumentProperties().getUserDefinedProperties()
  For Each pair In Split(Environ(&quot;GUIDEGEN_SET&quot;), &quot;|&quot;)
    custom.setPropertyValue(Split(pair, &quot;=&quot;)(0), Split(pair, &quot;=&quot;)(1))
  Next
  doc.getTextFields().refresh()
  Dim out(0) As New com.sun.star.beans.PropertyValue
  out(0).Name = &quot;FilterName&quot;
  out(0).Value = &quot;writer_pdf_Export&quot;
  doc.storeToURL(ConvertToURL(Environ(&quot;GUIDEGEN_OUT&quot;)), out())
  doc.close(True)
  StarDesktop.terminate()
End Sub

Sub Serve
  Hidden(&quot;private:factory/swriter&quot;)
  n = FreeFile
  Open Environ(&quot;GUIDEGEN_OUT&quot;) For Output As #n
  Close #n
End Sub
</script:module>
"""
PATIENCE = 600  # seconds: a bound only a machine far slower than any CI runner reaches
PR_SET_PDEATHSIG = 1

SHARED = "guidegen_office"  # the workers' input naming the folder of the controller's

_kept: tuple[subprocess.Popen[bytes], Path] | None = None  # this process's own
_joined: tuple[Path, int] | None = None  # the controller's: its profile, a pidfd of it
_shared_folder: Path | None = None  # where the controller's is, in a worker of a run
_sharing: tuple[threading.Thread, threading.Event, Path] | None = None  # in the controller
_tried = False


def soffice() -> str:
    """Return the LibreOffice command."""
    return shutil.which("soffice") or "soffice"


def profile_for(own: Path) -> Path:
    """Return the profile a conversion is to name: the kept LibreOffice's, else ``own``.

    The kept one is started on the first call in this process; if it cannot be (it
    ended before it was ready), every conversion runs in a LibreOffice of its own.
    """
    global _kept, _joined, _tried
    if not _tried:
        _tried = True
        _joined = None if _shared_folder is None else _join(_shared_folder)
        if _joined is None:
            _kept = _start()
    if _joined is not None and kept_running():
        return _joined[0]
    if _kept is not None and kept_running():
        return _kept[1] / "profile"
    return own


def command_for(profile: Path) -> list[str]:
    """Return the command starting a headless LibreOffice with ``profile``."""
    return [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
            "--norestore"]


def make_profile(profile: Path, env: dict[str, str] | None = None) -> str | None:
    """Make ``profile`` (a LibreOffice start that ends once it is made) with :data:`MACROS`
    in it; return None, or what LibreOffice wrote to standard error if it could not."""
    made = subprocess.run([*command_for(profile), "--terminate_after_init"],
                          capture_output=True, text=True, timeout=PATIENCE, env=env)
    module = profile / "user" / "basic" / "Standard" / "Module1.xba"
    if made.returncode != 0 or not module.parent.is_dir():
        return made.stderr or f"no {module.parent}"
    module.write_text(MACROS, "utf-8")
    return None


def kept_running() -> bool:
    """Return whether this process keeps a LibreOffice running for conversions (its own,
    or the one of the run it hands them to)."""
    if _joined is not None:
        return not select.select([_joined[1]], [], [], 0)[0]  # readable once it ended
    return _kept is not None and _kept[0].poll() is None


def share() -> str:
    """Return the folder of the LibreOffice this run's workers are to hand conversions to,
    made (in the controller of the run) on the first call.

    A thread starts it when a worker first asks (:func:`_join`), so that a run whose
    tests convert nothing starts none (1.3 s of CPU: a test file of no conversions, -n 2,
    4.6 -> 6.3 s). A worker's first conversion waits on the folder's lock until it is
    ready. The thread keeps it (the kernel's parent-death signal is the starting
    thread's) until :func:`stop`.
    """
    global _sharing
    if _sharing is None:
        folder = Path(tempfile.mkdtemp(prefix="guidegen-office-"))
        lock = (folder / "lock").open("w")
        fcntl.flock(lock, fcntl.LOCK_EX)  # released once it is ready, or could not start
        os.mkfifo(folder / "wanted")
        # read from the start, so a worker's open to ask never waits; no writer yet:
        # not readable until one asks (or stop() wakes the thread)
        wanted = os.open(folder / "wanted", os.O_RDONLY | os.O_NONBLOCK)
        done = threading.Event()
        thread = threading.Thread(target=_keep, args=(folder, lock, wanted, done),
                                  daemon=True)
        thread.start()
        _sharing = thread, done, folder
    return str(_sharing[2])


def use_shared(folder: str) -> None:
    """Hand this process's conversions to the LibreOffice of the run, in ``folder``."""
    global _shared_folder
    _shared_folder = Path(folder)


def _keep(folder: Path, lock: IO[str], wanted: int, done: threading.Event) -> None:
    started = None
    try:
        select.select([wanted], [], [])  # a worker asked, or the run ends (done)
        os.close(wanted)
        started = None if done.is_set() else _start(folder)
        (folder / "pid").write_text(str(started[0].pid) if started else "", "utf-8")
    finally:  # the workers go on: with it, or (no pid written) each with its own
        lock.close()
    done.wait()
    if started is not None:
        _stop(*started)


def _join(folder: Path) -> tuple[Path, int] | None:
    """Return the profile of the run's LibreOffice in ``folder`` and a pidfd of it, once it
    is ready; None if it could not start or has ended."""
    _ask(folder)  # the first to ask has it started
    with (folder / "lock").open() as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)  # waits until the controller's thread let go
        pid = (folder / "pid").read_text("utf-8") if (folder / "pid").exists() else ""
    if not pid:
        return None
    try:
        return folder / "kept" / "profile", os.pidfd_open(int(pid))
    except ProcessLookupError:
        return None


def _start(within: Path | None = None) -> tuple[subprocess.Popen[bytes], Path] | None:
    """Return the kept LibreOffice and its folder once it is ready; None if it ended.

    The folder is a new temporary one, or ``kept`` in ``within``.
    """
    if within is None:
        folder = Path(tempfile.mkdtemp(prefix="guidegen-office-"))
    else:
        folder = within / "kept"
        folder.mkdir()
    profile = folder / "profile"
    command = command_for(profile)
    own_tmp = {**os.environ, "TMPDIR": str(folder)}  # its lu*.tmp folders go with it
    if make_profile(profile, own_tmp) is not None:
        shutil.rmtree(folder)
        return None
    pipe = folder / "ready"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)  # no writer yet: not readable
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    process = subprocess.Popen(
        [*command, "macro:///Standard.Module1.Serve"],
        env={**own_tmp, "GUIDEGEN_OUT": str(pipe)}, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        preexec_fn=lambda: prctl(PR_SET_PDEATHSIG, signal.SIGTERM))
    ended = os.pidfd_open(process.pid)
    try:  # readable once the macro has opened and closed the pipe; or the process ended
        woken = select.select([reader, ended], [], [], PATIENCE)[0]
        ready = reader in woken and process.poll() is None
    finally:
        os.close(reader)
        os.close(ended)
    if not ready:
        _stop(process, folder)
        return None
    return process, folder


def stop() -> None:
    """End the kept LibreOffice, if this process started one, and remove its profile; in
    the controller of a run, the workers' one (they have ended)."""
    global _kept, _joined
    if _kept is not None:
        _stop(*_kept)
        _kept = None
    if _joined is not None:
        os.close(_joined[1])
        _joined = None
    _unshare()


def _ask(folder: Path) -> None:
    """Wake the thread that starts the run's LibreOffice in ``folder`` (once it is awake,
    or has ended, nothing reads: nothing to do)."""
    with suppress(OSError):
        os.close(os.open(folder / "wanted", os.O_WRONLY | os.O_NONBLOCK))


def _unshare() -> None:
    """End the LibreOffice the workers of this run shared, if it was started, and remove
    its folder."""
    global _sharing
    if _sharing is not None:
        thread, done, folder = _sharing
        done.set()
        _ask(folder)  # if none asked: the thread wakes, and starts none
        thread.join()
        shutil.rmtree(folder, ignore_errors=True)
        _sharing = None


def _stop(process: subprocess.Popen[bytes], folder: Path) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: oosplash, soffice.bin
        try:
            process.wait(PATIENCE)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    single_instance_pipe(folder / "profile").unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)


def single_instance_pipe(profile: Path) -> Path:
    """Return the socket a LibreOffice using ``profile`` listens on for a second start.

    LibreOffice names it by the MD5 of its profile's URL (as UTF-16, each byte in hex
    without leading zeros: desktop/source/app/officeipcthread.cxx) in /tmp, and leaves it
    behind when a signal ends it, as :func:`stop` does.
    """
    digest = hashlib.md5(profile.as_uri().encode("utf-16-le")).digest()
    name = "".join(format(byte, "x") for byte in digest)
    return Path("/tmp") / f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{name}"
