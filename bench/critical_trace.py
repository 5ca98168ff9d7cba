"""Run a guidegen command, noting each process's CPU time as the build passes its steps.

    python bench/critical_trace.py RECORDS -- build GUIDE --force -o FOLDER

Used by :mod:`critical`. Each step's functions are wrapped when their module is first
imported (nothing is imported ahead, so the imports stay where the build makes them).
The main process and the PDF helper each append one JSON line to ``RECORDS``: the
steps, each with the CPU milliseconds its process had used (``time.process_time``).
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

RECORDS = sys.argv[1]
MARKS: list[tuple[str, float]] = []
# module -> the functions (Class.method) whose calls are steps
STEPS = {
    "guidegen.cli": ["_options"],  # before the command line was a package
    "guidegen.cli.params": ["options_of"],
    "guidegen.builder.processes": ["PdfHelper.get", "PdfHelper.submit", "PdfHelper.laid_out",
                                   "PdfHelper.result"],  # and what each sends, receives
    "guidegen.builder.guides": ["load_guides"],
    "guidegen.layout.guide": ["layout_guide", "hyphenate_blocks"],
    "guidegen.layout.labels": ["Labels.date"],
    "guidegen.layout.widths": ["matrix_widths"],
    "guidegen.renderers.html": ["render_html"],
}


def mark(step: str) -> None:
    """Note the CPU time of this process at ``step``."""
    MARKS.append((step, time.process_time() * 1000))


def save(who: str) -> None:
    """Append this process's steps to the records."""
    with open(RECORDS, "a", encoding="utf-8") as file:
        file.write(json.dumps({"who": who, "marks": MARKS}) + "\n")


def timed(function: Callable[..., Any], step: str) -> Callable[..., Any]:
    """Return ``function`` noting the CPU time as it starts (``>step``) and ends (``<step``)."""
    def step_of(*args: Any, **kwargs: Any) -> Any:
        mark(f">{step}")
        try:
            return function(*args, **kwargs)
        finally:
            mark(f"<{step}")
    return step_of


def wrap(module: ModuleType, names: Sequence[str]) -> None:
    """Make each function ``names`` of ``module`` a step (classmethods too)."""
    for name in names:
        owner: Any = module
        *path, attr = name.split(".")
        for part in path:
            owner = getattr(owner, part, None)
        found = vars(owner).get(attr) if isinstance(owner, type) else getattr(owner, attr, None)
        if isinstance(found, classmethod):
            setattr(owner, attr, classmethod(timed(found.__func__, name)))
        elif found is not None:
            setattr(owner, attr, timed(found, name))


def in_main(processes: ModuleType) -> None:
    """Note each message this process sends a helper, and each wait for its answer.

    Marks ``send helper`` (or ``send twin``: a helper that is not the running one),
    ``>recv helper`` and ``<recv helper``.
    """
    helper = processes.PdfHelper
    receive = helper._receive
    send = getattr(helper, "_send", None)

    def who(self: Any) -> str:
        return "helper" if self is helper._running else "twin"

    def traced_receive(self: Any) -> Any:
        mark(f">recv {who(self)}")
        try:
            return receive(self)
        finally:
            mark(f"<recv {who(self)}")

    helper._receive = traced_receive
    if send is not None:
        def traced_send(self: Any, message: Any, *rest: Any) -> Any:
            mark(f"send {who(self)} {message[0]}")
            return send(self, message, *rest)

        helper._send = traced_send
    else:  # code that sent from submit
        submit = helper.submit

        def traced_submit(self: Any, *args: Any, **kwargs: Any) -> Any:
            result = submit(self, *args, **kwargs)
            mark(f"send {who(self)} lay")
            return result

        helper.submit = traced_submit
    twin = getattr(helper, "twin", None)
    if twin is not None:
        def traced_twin(self: Any) -> Any:
            forked = self._twin is None and self._spare is not None
            result = twin(self)
            if forked:
                mark("send helper twin")
            return result

        helper.twin = traced_twin


def in_helper(processes: ModuleType) -> None:
    """Make the helper (and its twin) note the CPU time of each message it answers.

    Each of its records lists the messages: what was asked (``lay``, ``write``; ``ahead``:
    a PDF written ahead, unasked, after a ``lay``), the CPU time as it began, when the
    pages were known (or null) and as it ended; and the
    CPU time its WeasyPrint import ended at. Code whose helper lays out and writes in one
    message (``lay_out(layout, pages_known)``) is noted the same way.
    """
    serve = processes._serve
    messages: list[list[Any]] = []
    helper: list[int] = []
    owner = [0]  # the process whose messages are listed

    def note(kind: str, began: float, pages: float | None) -> None:
        if os.getpid() != owner[0]:  # the twin's first: its own, from its fork on
            owner[0] = os.getpid()
            messages.clear()
        messages.append([kind, began, pages, time.process_time() * 1000])
        who = "helper" if os.getpid() == helper[0] else "twin"
        with open(RECORDS, "a", encoding="utf-8") as file:
            file.write(json.dumps({"who": who, "marks": MARKS, "messages": messages}) + "\n")

    def traced_serve(*args: Any) -> None:
        MARKS.clear()
        helper.append(os.getpid())
        owner[0] = os.getpid()
        mark("helper start")
        from guidegen.renderers import pdf

        pdf.engine.load = timed(pdf.engine.load, "weasyprint import")
        serving = sys.modules.get("guidegen.builder.serving")
        if serving is not None:  # the pages, then the PDF if asked
            answer = serving._answer

            def traced_answer(renderer: Any, kind: str, *rest: Any) -> Any:
                began = time.process_time() * 1000
                try:
                    return answer(renderer, kind, *rest)
                finally:
                    note(kind, began, None)

            serving._answer = traced_answer
            ahead = getattr(serving, "_write_ahead", None)
            if ahead is not None:  # the PDF written before it is asked for

                def traced_ahead(*args: Any) -> None:
                    began = time.process_time() * 1000
                    try:
                        ahead(*args)
                    finally:
                        note("ahead", began, None)

                serving._write_ahead = traced_ahead
        else:
            lay_out = pdf.lay_out

            def traced(layout: Any, pages_known: Any = None) -> Any:
                began, known_at = time.process_time() * 1000, []

                def known(laid: Any) -> Any:
                    known_at.append(time.process_time() * 1000)
                    return pages_known(laid)

                try:
                    return lay_out(layout, *([known] if pages_known else []))
                finally:
                    note("lay", began, known_at[0] if known_at else None)

            pdf.lay_out = traced
        serve(*args)

    processes._serve = traced_serve


class Steps(importlib.abc.MetaPathFinder):
    """Wraps the steps of a module of :data:`STEPS` once it has run."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        """Return the spec of module ``name``, its loader wrapping the steps, if it has any."""
        if name not in STEPS:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return None
        run = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run(module)
            wrap(module, STEPS[name])
            if name == "guidegen.builder.processes":
                in_main(module)
                in_helper(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


if __name__ == "__main__":
    sys.meta_path.insert(0, Steps())
    mark("start")
    command = sys.argv[sys.argv.index("--") + 1:]
    sys.argv = ["guidegen", *command]  # as the console script has it: guidegen.cli reads it
    from guidegen import cli

    mark("cli imported")
    code = 1
    try:
        cli.main(command, standalone_mode=False)
        code = 0
    finally:
        mark("end")
        save("main")
        speed = sys.modules.get("guidegen.renderers.speed")  # as guidegen.cli.run ends
        if hasattr(speed, "save_compiled"):
            speed.save_compiled()
        sys.stderr.flush()
        os._exit(code)
