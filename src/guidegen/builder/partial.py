"""Builds that do part of the work: ``--keep-going`` and the outputs of removed guides.

``--keep-going``: a build that fails is made again one guide or packet at a time (in
the same session: what rendered and is up to date is not rendered twice), so every one
that can be built is written; then :class:`~guidegen.errors.PartialBuildError` names the rest,
with their problems, and the exit status of the first that failed.

An output folder's state records which guide made each file. A file whose guide is no
longer in the project (its file removed or renamed) is a warning located at the file;
``--clean`` removes it and its record instead, with the build's other writes.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import GuidegenError, Location, PartialBuildError, UsageError, display_name, warn
from . import progress
from .jobs import Batch, Output

if TYPE_CHECKING:
    from .session import PathLike, Session
    from .state import BuildState

GUIDE_OWNER = "the guide "


def keep_going(session: Session, paths: Sequence[PathLike]) -> list[Output]:
    """Build ``paths``; if that fails, each guide and packet alone (see the docstring)."""
    try:
        return session.build_together(paths)
    except UsageError:
        raise  # the command line is wrong: no guide would build
    except GuidegenError:
        pass
    outputs: list[Output] = []
    failed: list[tuple[Path, GuidegenError]] = []
    for source in sources(session, paths):
        try:
            built = session.build_together([source])
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
                   failed[0][1].exit_code)


def sources(session: Session, paths: Sequence[PathLike]) -> list[Path]:
    """Return the guide files, then the packet files, that ``paths`` name."""
    from .guides import find_guides
    from .session import sort_sources

    with session.building():
        guide_files, packet_files = sort_sources(paths, session)
        guides = find_guides(guide_files, session.options.content) \
            if guide_files or not packet_files else []
    return [*guides, *packet_files]


def leftovers(session: Session, state: BuildState, pending: list[Batch]) -> None:
    """Warn about the outputs of guides no longer in the project; with --clean, remove them.

    Removing means forgetting their records and having the build's writes remove the
    files (:func:`~.jobs.commit`), in the same locked write.
    """
    found = []
    for name, record in sorted(state.records.items()):
        if not record.owner.startswith(GUIDE_OWNER):
            continue
        source = session.project / record.owner[len(GUIDE_OWNER):]
        if not os.path.lexists(source):
            found.append((name, source))
    if not found:
        return
    folder = state.path.parent
    if not session.options.clean:
        for name, source in found:
            warn(Location(display_name(folder / name)),
                 f"made from {display_name(source)}, which is no longer in the project; "
                 "--clean removes it")
        return
    for name, _ in found:
        state.forget(name)
    if not any(batch_state is state for _, batch_state in pending):
        pending.append(({}, state))
