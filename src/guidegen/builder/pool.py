"""The pool of worker processes that render whole documents (several documents, ``jobs``).

Started as the helper is (:mod:`.processes`): forked on Linux, spawned elsewhere; each
worker dies with its parent, ignores Ctrl-C, imports WeasyPrint and the renderers while
the caller loads the content, and then takes at most ``memory_limit`` megabytes more.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from .. import system
from ..caches import tell, told
from ..errors import GuidegenError, RenderError, out_of_memory
from ..renderers import RENDERERS
from . import heldstderr
from . import processes as processes_
from .limits import memory_hint, ready
from .serving import HelperCrashError, _become_child, _spawn_slack

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

    from ..common.language import Language

WORKER_MEMORY: list[int] = []  # the memory limit of this worker process, once started
_CEILING: list[int | None] = []  # this worker's limit in bytes, once its first render starts


def start_pool(processes: int, memory_limit: int) -> Any:
    """Return a pool of worker processes that render whole documents, started now.

    Each worker (forked or spawned: :func:`guidegen.system.start_method`) imports
    WeasyPrint and the renderers as it starts, while this process
    loads and validates the content, then may take ``memory_limit`` megabytes more.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    start = multiprocessing.get_context(system.start_method())
    imported = tuple(sorted(name for name in sys.modules if name.startswith("guidegen.")))
    pool = ProcessPoolExecutor(processes, mp_context=start, initializer=_start_worker,
                               initargs=(os.getpid(), memory_limit, processes_._language, imported,
                                         told()))
    pool.submit(int)  # forked, this starts every worker; spawned, more start as tasks come
    return pool


def _start_worker(parent: int, memory_limit: int, language: Language | None,
                  imported: Sequence[str], cache: list[tuple[str, Path]]) -> None:
    _become_child(parent)
    heldstderr.hold()  # passed on as each render ends, unless it ran out of memory
    tell(cache)  # the project's cache, which a spawned worker does not inherit
    for renderer in RENDERERS.values():  # imported ahead of the first task
        with suppress(Exception):  # errors show when the renderers are used
            renderer.warm_up(language)
    import importlib

    # what unpickling a task imports, not under the memory limit: the tree and the model
    # (not loaded yet where the pool starts), and in a spawned worker what this one had
    for name in ("guidegen.tree", "guidegen.content.model", *imported):
        with suppress(Exception):
            importlib.import_module(name)
    ready()
    WORKER_MEMORY.append(memory_limit)
    heldstderr.passed_on()  # what warming up printed


@contextmanager
def limited_worker_memory() -> Iterator[None]:
    """Hold this worker to its memory limit (``--memory-limit``) while the body runs.

    The limit is what the worker holds as its first render starts, plus ``memory_limit``
    megabytes: not as the worker starts, for the task it takes first is unpickled (a
    document tree) by :mod:`concurrent.futures`. It is lifted after each render, for the
    same reason: concurrent.futures pickles the result or the error, and formats the
    error's traceback, outside guidegen's code, where running out printed
    multiprocessing's tracebacks over guidegen's located error.
    """
    if not WORKER_MEMORY:  # not a worker
        yield
        return
    from ..native import memory_ceiling, set_memory_ceiling

    if not _CEILING:
        _CEILING.append(memory_ceiling(WORKER_MEMORY[-1] + _spawn_slack()))
    before = None if _CEILING[0] is None else set_memory_ceiling(_CEILING[0])
    try:
        yield
    finally:
        if before is not None:
            set_memory_ceiling(before)


class WorkerCrashError(HelperCrashError):
    """An unexpected exception in a worker, raised again in its caller: an internal error."""

    WHERE = "a worker process"


@contextmanager
def worker_rendering(title: str) -> Iterator[None]:
    """Render ``title`` in this worker (:func:`limited_worker_memory`); raise what pickles.

    concurrent.futures pickles what the worker raises for its caller, where an lxml
    error cannot be (its log: "cannot pickle 'lxml.etree._ListErrorLog'", exit 70): a
    failed allocation (:func:`guidegen.errors.out_of_memory`) is raised as the
    :class:`RenderError` naming ``--memory-limit``, any other as a
    :class:`WorkerCrashError`, made once the limit is lifted. What the render printed
    is passed on as it ends, or dropped if it ran out of memory (:mod:`.heldstderr`).
    """
    heldstderr.begin()
    try:
        with limited_worker_memory():
            yield
    except GuidegenError:
        heldstderr.passed_on()
        raise
    except Exception as exc:
        if out_of_memory(exc):
            heldstderr.dropped(quiet=True)
            raise RenderError(f"rendering {title!r} ran out of memory; "
                              f"{memory_hint(WORKER_MEMORY[-1] if WORKER_MEMORY else 0)}"
                              ) from None
        heldstderr.passed_on()
        raise WorkerCrashError.of(exc) from None
    heldstderr.passed_on()
