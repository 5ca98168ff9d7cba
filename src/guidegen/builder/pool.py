"""The pool of worker processes that render whole documents (several documents, ``jobs``).

Started as the helper is (:mod:`.processes`): forked on Linux, spawned elsewhere; each
worker dies with its parent, ignores Ctrl-C, imports WeasyPrint and the renderers while
the caller loads the content, and then takes at most ``memory_limit`` megabytes more.
"""

from __future__ import annotations

import os
import sys
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from .. import system
from ..renderers import RENDERERS
from . import processes as processes_
from .limits import ready
from .serving import _become_child, _spawn_slack

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..common.language import Language

WORKER_MEMORY: list[int] = []  # the memory limit of this worker process, once started
_LIMITED: list[bool] = []  # whether limit_worker_memory has run in this worker


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
                               initargs=(os.getpid(), memory_limit, processes_._language, imported))
    pool.submit(int)  # forked, this starts every worker; spawned, more start as tasks come
    return pool


def _start_worker(parent: int, memory_limit: int, language: Language | None,
                  imported: Sequence[str]) -> None:
    _become_child(parent)
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


def limit_worker_memory() -> None:
    """Set this worker's memory limit (``--memory-limit``) once, as its first render starts.

    Not as the worker starts: the task it takes first is unpickled (a document tree) by
    :mod:`concurrent.futures`, outside guidegen's code, where running out under a tight
    limit printed multiprocessing's traceback instead of guidegen's located error.
    """
    if WORKER_MEMORY and not _LIMITED:
        from ..native import limit_memory

        _LIMITED.append(limit_memory(WORKER_MEMORY[-1] + _spawn_slack()))


