"""Builds that do part of the work: ``--keep-going`` and the outputs of removed guides.

``--keep-going``: a build that fails is made again one guide or packet at a time (in
the same session: what rendered and is up to date is not rendered twice), so every one
that can be built is written; then :class:`~guidegen.errors.PartialBuildError` names the rest,
with their problems (or, for one that failed without any, its error line, as a build
without ``--keep-going`` prints it), and the exit status of the first that failed.

An output folder's state records which guide made each file. A file whose guide is no
longer in the project (its file removed or renamed) is a warning located at the file;
``--clean`` removes it and its record instead, with the build's other writes. So for a
packet's folder (``OUT/<packet>``) whose packet file is gone: one warning located at
the folder, or, with ``--clean``, its recorded files and state files removed, and the
folder if nothing else is left in it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import GuidegenError, Location, PartialBuildError, UsageError, display_name, warn
from . import progress
from .base import sort_sources
from .jobs import Batch, Output
from .state import state_files

if TYPE_CHECKING:
    from .base import PathLike, SessionBase
    from .state import BuildState

GUIDE_OWNER = "the guide "
PACKET_OWNER = "the packet "


def keep_going(session: SessionBase, paths: Sequence[PathLike],
               build: Callable[[Sequence[PathLike]], list[Output]]) -> list[Output]:
    """Build ``paths`` with ``build``; if that fails, each guide and packet alone.

    ``build`` is the session's all-or-nothing build (see the module's docstring).
    """
    try:
        return build(paths)
    except UsageError:
        raise  # the command line is wrong: no guide would build
    except GuidegenError:
        pass
    outputs: list[Output] = []
    failed: list[tuple[Path, GuidegenError]] = []
    for source in sources(session, paths):
        try:
            built = build([source])
        except UsageError:
            raise
        except GuidegenError as exc:
            failed.append((source, exc))
            continue
        progress.reporter().wrote(built)  # said now: the next may fail
        outputs += built
    if not failed:
        return outputs
    names = ", ".join(display_name(path) for path, _ in failed)
    built_count = len({o.source for o in outputs})
    raise PartialBuildError(f"not built: {names} ({len(failed)} of {len(failed) + built_count}; "
                   "the others were written)",
                   [problem for _, exc in failed for problem in exc.problems],
                   failed[0][1].exit_code, _reasons(exc for _, exc in failed))


def _reasons(errors: Iterable[GuidegenError]) -> list[str]:
    """Return the error lines of ``errors`` that hold no problem, each once.

    A render stopped at the time limit or a template's refused HTML is only its message
    (``error: ...``), which a build without ``--keep-going`` prints: so is it here.
    """
    return list(dict.fromkeys(line for exc in errors if not exc.problems
                              if (line := exc.summary()) is not None))


def sources(session: SessionBase, paths: Sequence[PathLike]) -> list[Path]:
    """Return the guide files, then the packet files, that ``paths`` name."""
    from .guides import find_guides

    with session.building():
        guide_files, packet_files = sort_sources(paths, session)
        guides = find_guides(guide_files, session.options.content) \
            if guide_files or not packet_files else []
    return [*guides, *packet_files]


def leftovers(session: SessionBase, state: BuildState, pending: list[Batch]) -> None:
    """Warn about the outputs of guides no longer in the project; with --clean, remove them.

    Removing means forgetting their records and having the build's writes remove the
    files (:func:`~.jobs.commit`), in the same locked write.
    """
    found = []
    for name, record in sorted(state.records.items()):
        source = _gone(session, record.owner, GUIDE_OWNER)
        if source is not None:
            found.append((name, source))
    if not found:
        return
    folder = state.path.parent
    if not session.options.clean:
        for name, source in found:
            _warn_gone(folder / name, source, "it")
        return
    for name, _ in found:
        state.forget(name)
    _pend(state, pending)


def packet_leftovers(session: SessionBase, pending: list[Batch]) -> None:
    """Warn about the folders of packets no longer in the project; with --clean, empty them.

    A packet's folder is a folder of the output folder whose state files record only
    that packet's files; its files, then its state files, go with the build's writes
    (:func:`~.jobs.commit`).
    """
    out = session.options.out
    if not out.is_dir() or out.is_symlink():
        return
    for folder in sorted(path for path in out.iterdir()
                         if path.is_dir() and not path.is_symlink()):
        states = [session.state(folder, path.name) for path in state_files(folder)]
        owners = {record.owner.split(" with ")[0]  # with a roster or without, one packet
                  for state in states for record in state.records.values()}
        if len(owners) != 1:
            continue  # no record, or made by several builds: not one packet's folder
        source = _gone(session, owners.pop(), PACKET_OWNER)
        if source is None:
            continue
        if not session.options.clean:
            files = sum(len(state.records) for state in states)
            _warn_gone(folder, source, f"its {files} file{'s' * (files != 1)}")
            continue
        for state in states:
            for name in list(state.records):
                state.forget(name)
            _pend(state, pending)


def _gone(session: SessionBase, owner: str, kind: str) -> Path | None:
    """Return the file of ``owner`` if it is a ``kind`` and no longer in the project."""
    if not owner.startswith(kind):
        return None
    source = session.project / owner[len(kind):]
    return None if os.path.lexists(source) else source


def _warn_gone(where: Path, source: Path, what: str) -> None:
    warn(Location(display_name(where)), f"made from {display_name(source)}, which is no "
         f"longer in the project; --clean removes {what}")


def _pend(state: BuildState, pending: list[Batch]) -> None:
    """Have the build's writes write ``state`` (and remove what it forgot)."""
    if not any(batch_state is state for _, batch_state in pending):
        pending.append(({}, state))
