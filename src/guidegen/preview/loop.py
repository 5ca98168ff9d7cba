"""The rebuild loop of ``watch`` and ``serve``: build, wait for a saved input, build again.

One :class:`Rebuilder` keeps one build session (:class:`~guidegen.builder.session.Session`)
for as long as the options stay the same: each rebuild renders only what changed (the
outputs' state says what is up to date), with the PDF helper process and the loaded
templates of the last build. Saving the project file makes the options again (a new
session if they changed). Builds run in the calling (main) thread, where time limits
and Ctrl-C work; a thread of its own watches the files; whoever shows the results (the
preview's server) listens (:attr:`Rebuilder.listeners`).

What is watched: the project's folder (the guides, packets, rosters, the project file),
the templates folder and the content and packets folders wherever they are, less the
output folder, the preview's own folder and what editors and version control keep.
Of what changes there, a rebuild follows only a change of an input
(:meth:`Rebuilder.inputs`): a file the last build read, the project file, a file of a
template folder, or a guide added to or removed from a folder being built. Another file
saved in the project (notes, a log, an editor's temporary file) builds nothing.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import watchfiles

from ..content.packetfile import GUIDE_SUFFIXES
from ..errors import GuidegenError, Problem, set_aside_warnings

if TYPE_CHECKING:
    from ..builder.jobs import Output
    from ..builder.options import BuildOptions
    from ..builder.session import Session

STEP_MS = 20  # a save is built once no other change came for this long (several files)
READY_MS = 200  # how soon the watcher says it is running (then, idle, it wakes this often)


@dataclass(frozen=True)
class Result:
    """One build of the loop: its number, outputs (None if it failed), problems, time."""

    generation: int
    outputs: list[Output] | None
    problems: list[Problem] = field(default_factory=list)
    summary: str | None = None  # an error's closing line ("2 errors in 1 file")
    seconds: float = 0.0
    changed: tuple[str, ...] = ()  # the files whose save started it

    @property
    def ok(self) -> bool:
        """Return whether the build succeeded (it may have warnings)."""
        return self.outputs is not None


class Rebuilder:
    """Builds ``paths`` with the options ``make_options`` returns, again at each save."""

    def __init__(self, make_options: Callable[[], BuildOptions], paths: Sequence[Path],
                 project_file: Path | None = None,
                 ignore: Sequence[Path] = ()) -> None:
        self.make_options = make_options
        self.paths = list(paths)
        self.project_file = project_file.resolve() if project_file is not None else None
        self.ignore = [path.resolve() for path in ignore]
        self.options = make_options()
        self.session: Session = _session(self.options)
        self.last: Result | None = None
        self.listeners: list[Callable[[Result], None]] = []

    def close(self) -> None:
        """End the session (its worker processes)."""
        self.session.close()

    # -- building --------------------------------------------------------------------------

    def build(self, changed: Sequence[str] = ()) -> Result:
        """Build once (the options made again if the project file is among ``changed``)."""
        started = time.monotonic()
        generation = 1 if self.last is None else self.last.generation + 1
        with set_aside_warnings() as found:
            try:
                if self.project_file is not None and str(self.project_file) in changed:
                    self._renew()
                outputs = self.session.build(self.paths)
                result = Result(generation, outputs, list(found),
                                seconds=time.monotonic() - started, changed=tuple(changed))
            except GuidegenError as exc:
                result = Result(generation, None, [*found, *exc.problems], exc.summary(),
                                time.monotonic() - started, tuple(changed))
            except (MemoryError, Exception) as exc:  # a bug: said, and the loop goes on
                result = Result(generation, None, list(found),
                                f"internal error: {type(exc).__name__}: {exc}",
                                time.monotonic() - started, tuple(changed))
        for listener in self.listeners:
            listener(result)
        self.last = result
        return result

    def _renew(self) -> None:
        """Make the options again from the project file; a new session if they changed."""
        options = self.make_options()
        if options != self.options:
            self.session.close()
            self.options, self.session = options, _session(options)

    # -- watching --------------------------------------------------------------------------

    def inputs(self, changed: Sequence[str]) -> list[str]:
        """Return the files of ``changed`` whose change the next build may see.

        Those the last build read, the project file, the files of the template folders,
        and guide files of a folder being built (one added or removed); after a failed
        build, which may have stopped before it read everything, every file.
        """
        if self.last is None or not self.last.ok:
            return list(changed)
        read = {os.path.realpath(path) for path in self.session.reads.files}
        if self.project_file is not None:
            read.add(str(self.project_file))
        templates = [path.resolve() for path in self.session.templates.folders]
        built = [path.resolve() for path in self._folders_built()]
        return [path for path in changed
                if os.path.realpath(path) in read
                or any(Path(path).resolve().is_relative_to(f) for f in templates)
                or (Path(path).suffix in GUIDE_SUFFIXES
                    and Path(path).resolve().parent in built)]

    def _folders_built(self) -> list[Path]:
        """Return the folders whose guides and packets the builds take (see ``sort_sources``)."""
        if not self.paths:
            return [self.options.content,
                    *([self.options.packets] if self.options.packets is not None else [])]
        return [path for path in self.paths if path.is_dir()]

    def roots(self) -> list[Path]:
        """Return the folders to watch (see the module's docstring), none inside another."""
        options = self.options
        wanted = [self.session.project, options.content, options.templates, options.packets,
                  *(path.parent for path in self.paths),
                  self.project_file.parent if self.project_file is not None else None]
        folders = sorted({path.resolve() for path in wanted if path is not None
                          and path.is_dir()})
        return [f for f in folders if not any(f != o and f.is_relative_to(o) for o in folders)]

    def watching(self, stop: threading.Event) -> queue.SimpleQueue[list[str]]:
        """Return where the files changed are put, each save's (sorted), once watched.

        A thread of its own watches (watchfiles) until ``stop`` is set; this returns once
        it does, so that no save after the return is missed, during a build neither.
        """
        ignored = [*self.ignore, self.options.out.resolve()]
        only = _Filter(ignore_paths=[str(path) for path in ignored])
        found: queue.SimpleQueue[list[str]] = queue.SimpleQueue()
        ready = threading.Event()

        def watch() -> None:
            for changes in watchfiles.watch(*self.roots(), watch_filter=only, step=STEP_MS,
                                            stop_event=stop, rust_timeout=READY_MS,
                                            yield_on_timeout=True, raise_interrupt=False):
                ready.set()  # the first yield, changes or none: the watcher is running
                if changes:
                    found.put(sorted({path for _, path in changes}))

        threading.Thread(target=watch, name="guidegen-watch", daemon=True).start()
        ready.wait()
        return found

    def run(self, stop: threading.Event | None = None) -> None:
        """Build, then build again after every save until ``stop`` is set (or Ctrl-C).

        The saves made during a build are built together after it.
        """
        stop = stop or threading.Event()
        try:
            found = self.watching(stop)
            if self.last is None:
                self.build()
            while not stop.is_set():
                try:
                    changed = found.get(timeout=0.5)  # so that Ctrl-C is heard
                except queue.Empty:
                    continue
                while not found.empty():
                    changed = sorted({*changed, *found.get()})
                changed = self.inputs(changed)
                if changed:
                    self.build(changed)
        finally:
            stop.set()


def _session(options: BuildOptions) -> Session:
    from ..builder.session import Session

    return Session(options)


class _Filter(watchfiles.DefaultFilter):
    """What the loop ignores: the default (version control, editors' files), outputs."""

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        """Return whether a change of ``path`` counts (not a state or temporary file)."""
        name = Path(path).name
        return bool(super().__call__(change, path)) and not name.startswith(".guidegen")
