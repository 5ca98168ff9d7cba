"""Previewing while you edit: ``guidegen serve`` and ``guidegen watch``.

Both keep one build session (:mod:`.loop`) and build again at each save of an input.
``watch`` writes the output folder as ``build`` does; ``serve`` writes its renders to a
temporary folder of its own (never the project's outputs) and shows the PDF's pages
(:mod:`.pages`), its sections and the HTML output in a browser (:mod:`.server`), which
reloads itself after each build and shows an error over the last good rendering.
"""

from __future__ import annotations

import signal
import tempfile
import threading
import webbrowser
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import display_name
from .loop import Rebuilder, Result

if TYPE_CHECKING:
    from ..builder.options import BuildOptions
    from ..console import Console

PREVIEW_FORMATS = ("pdf", "html")


def default_target(content: Path) -> Path:
    """Return what ``serve`` shows without a file named: the content folder's first guide.

    The first by name that is not a translation named after its source (``x.de.yaml``).
    """
    from ..builder.guides import find_guides

    found = find_guides([], content)
    return min(found, key=lambda path: (path.stem.count("."), path.name))


def watch(make_options: Callable[[], BuildOptions], paths: Sequence[Path],
          project_file: Path | None, console: Console,
          stop: threading.Event | None = None) -> None:
    """Build ``paths`` into the output folder, and again at each save, until Ctrl-C."""
    loop = Rebuilder(make_options, paths, project_file)
    loop.listeners.append(lambda result: _tell(console, result, outputs=True))
    try:
        console.say(f"watching {', '.join(map(display_name, loop.roots()))} (Ctrl-C to stop)")
        with _terminate_as_ctrl_c():
            loop.run(stop)
    finally:
        loop.close()


def serve(make_options: Callable[[], BuildOptions], target: Path, project_file: Path | None,
          console: Console, *, host: str = "127.0.0.1", port: int = 0,
          open_browser: bool = False, stop: threading.Event | None = None) -> None:
    """Show ``target`` (a guide or a packet) as it will print, rebuilt at each save."""
    from .server import Server
    from .show import Shown

    with (_terminate_as_ctrl_c(),
          tempfile.TemporaryDirectory(prefix="guidegen-preview-") as folder):
        out = Path(folder)

        def preview_options() -> BuildOptions:
            return make_options().replace(out=out, formats=PREVIEW_FORMATS)

        shown = Shown()
        loop = Rebuilder(preview_options, [target], project_file, ignore=[out])
        server = Server(host, port, shown)
        loop.listeners += [shown.update, lambda result: server.announce(result.generation),
                           lambda result: _tell(console, result, outputs=False)]
        server.start()
        try:
            console.result(f"previewing {target} at {server.url} (Ctrl-C to stop)")
            if open_browser:
                webbrowser.open(server.url)
            loop.run(stop)
        finally:
            server.stop()
            loop.close()


@contextmanager
def _terminate_as_ctrl_c() -> Iterator[None]:
    """Stop as Ctrl-C does on ``SIGTERM`` meanwhile (a service manager's or ``kill``'s stop).

    Without it the process ended at once and left ``serve``'s temporary folder behind.
    Only in the main thread (where Python runs signal handlers); the handler before is
    put back after.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _tell(console: Console, result: Result, *, outputs: bool) -> None:
    """Say on the terminal what build ``result`` made, or what stopped it."""
    console.problems(list(result.problems))
    saved = [p for p in result.changed if Path(p).exists()] or result.changed  # not temporaries
    what = ", ".join(display_name(Path(p)) for p in saved) or "the first build"
    if result.ok:
        if outputs:
            console.outputs(result.outputs or ())
            console.shown.clear()  # each build lists its files again
        console.say(f"build {result.generation} ({what}): done in {result.seconds:.2f} s")
    else:
        console.tell(f"build {result.generation} ({what}): {result.summary or 'failed'}; "
                     "waiting for the next save")
