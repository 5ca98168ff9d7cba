"""``--shard auto``: which shard of a roster this machine builds, from its batch engine.

A batch engine that runs one command on many machines tells each which one it is in
its environment. :func:`resolve` reads it:

========================  ============================  ======================
engine                    K (the shard, from 1)         N (the shards)
========================  ============================  ======================
GitLab CI, ``parallel:``  ``CI_NODE_INDEX`` (from 1)    ``CI_NODE_TOTAL``
Kubernetes Indexed Job    ``JOB_COMPLETION_INDEX``      not said: ``auto/N``
                          (from 0, so plus 1)
========================  ============================  ======================

Kubernetes gives a pod its index but not the Job's ``completions``, so there N is
written on the command line (``--shard auto/N``). GitHub Actions gives a matrix job no
index: its workflow writes the values (``--shard ${{ matrix.shard }}/4``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import UsageError


@dataclass(frozen=True)
class Engine:
    """A batch engine: its name, the variable of a job's index (from ``base``), of N."""

    name: str
    index: str
    base: int
    total: str | None


ENGINES = (Engine("GitLab CI (a job with parallel:)", "CI_NODE_INDEX", 1, "CI_NODE_TOTAL"),
           Engine("a Kubernetes Indexed Job", "JOB_COMPLETION_INDEX", 0, None))
AUTO = re.compile(r"\s*auto\s*(?:/\s*(?P<count>\S+)\s*)?", re.I)


def is_auto(text: str) -> bool:
    """Return whether ``text`` asks for the shard from the environment (``auto[/N]``)."""
    return AUTO.fullmatch(text) is not None


def resolve(text: str, environ: Mapping[str, str], most: int) -> str:
    """Return ``auto`` or ``auto/N`` as ``K/N`` from ``environ``, saying where it found K.

    Raise a :class:`UsageError` naming what it looked for if no engine's variable is
    set, if two engines' are, or if what they hold is not a shard of at most ``most``.
    """
    match = AUTO.fullmatch(text)
    assert match is not None, text
    found = [engine for engine in ENGINES if environ.get(engine.index, "").strip()]
    if not found:
        raise UsageError("--shard auto: no batch engine's shard variable is set (looked for "
                         + ", ".join(f"{e.index} of {e.name}" for e in ENGINES)
                         + "); elsewhere, as in a GitHub Actions matrix, write K/N, like "
                         "--shard ${{ matrix.shard }}/4")
    if len(found) > 1:
        raise UsageError("--shard auto: the variables of two batch engines are set ("
                         + " and ".join(f"{e.index} of {e.name}" for e in found)
                         + "); write --shard K/N")
    engine = found[0]
    index = _whole(environ[engine.index], engine.index) + 1 - engine.base
    said = [f"{engine.index}={environ[engine.index].strip()}"]
    count = _count(match.group("count"), engine, environ, said)
    if not 1 <= index <= count <= most:
        raise UsageError(f"--shard auto: {', '.join(said)} from {engine.name} is not a "
                         f"shard from 1 to N of at most {most:,} shards (shard {index} of "
                         f"{count})")
    logging.getLogger("guidegen").info("--shard auto: shard %d of %d, from %s (%s)", index,
                                       count, engine.name, ", ".join(said))
    return f"{index}/{count}"


def _count(given: str | None, engine: Engine, environ: Mapping[str, str],
           said: list[str]) -> int:
    """Return N: the one written (``auto/N``), else the engine's; they must agree."""
    told = environ.get(engine.total, "").strip() if engine.total else ""
    if engine.total and told:
        said.append(f"{engine.total}={told}")
    if given is not None:
        count = _whole(given, "--shard auto/N")
        if told and _whole(told, str(engine.total)) != count:
            raise UsageError(f"--shard auto/{given}: {engine.name} says {engine.total}="
                             f"{told}; write --shard auto, or the same N")
        return count
    if not told:
        what = (f"{engine.total} is not set" if engine.total else "it does not say how "
                "many shards there are (the Job's completions)")
        raise UsageError(f"--shard auto: {engine.name} gives this shard's index "
                         f"({said[0]}), but {what}; write --shard auto/N")
    return _whole(told, str(engine.total))


def _whole(text: str, name: str) -> int:
    """Return ``text`` as a whole number, or raise a :class:`UsageError` naming ``name``."""
    if not text.strip().isdigit():
        raise UsageError(f"--shard auto: {name} holds {text.strip()!r}, not a whole number")
    return int(text.strip())
