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
                                   "PdfHelper.result"],
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


def in_helper(processes: ModuleType) -> None:
    """Make the helper note its steps: WeasyPrint imported, the layout, its pages sent
    (before the PDF is written, when the main process asks for them), the PDF written."""
    serve = processes._serve

    def traced_serve(*args: Any) -> None:
        MARKS.clear()
        mark("helper start")
        from guidegen.renderers import pdf

        pdf.engine.load = timed(pdf.engine.load, "weasyprint import")
        lay_out = pdf.lay_out

        def traced(layout: Any, pages_known: Any = None) -> Any:
            def known(laid: Any) -> Any:
                mark("pages known")
                return pages_known(laid)

            mark(">lay_out")
            rendered = lay_out(layout, *([known] if pages_known else []))
            mark("<lay_out")
            save("helper")
            return rendered

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
                in_helper(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


if __name__ == "__main__":
    sys.meta_path.insert(0, Steps())
    mark("start")
    from guidegen import cli

    mark("cli imported")
    code = 1
    try:
        cli.main(sys.argv[sys.argv.index("--") + 1:], standalone_mode=False)
        code = 0
    finally:
        mark("end")
        save("main")
        speed = sys.modules.get("guidegen.renderers.speed")  # as guidegen.cli.run ends
        if hasattr(speed, "save_compiled"):
            speed.save_compiled()
        sys.stderr.flush()
        os._exit(code)
