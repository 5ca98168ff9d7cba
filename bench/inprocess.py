"""In-process measurements, each run by ``run.py`` in its own fresh interpreter.

Modes (each prints one JSON object on its last line):

``layers GUIDE RUNS``
    guidegen's layers one by one, as :mod:`guidegen.writers.pdf` and
    :mod:`guidegen.pipeline` chain them: YAML load + validation, theme, HTML render,
    font check, WeasyPrint parse, layout and PDF write, DOCX write (one after the
    other, in this process, whatever the pipeline overlaps). The first iteration (which
    pays the lazy imports and caches) is reported apart from the warm median.
``rebuild GUIDE RUNS OUT``
    ``guidegen.build([GUIDE], out=OUT, force=True)`` repeated in one process.
``typst GUIDE RUNS``
    ``typst.compile`` of the Typst version of the guide, in process.
``modules ARG ...``
    Run the CLI's ``main(ARGS)`` and list which heavy modules it imported.
"""

from __future__ import annotations

import inspect
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

HEAVY_MODULES = ("weasyprint", "docx", "pydantic", "jinja2", "markdown_it", "yaml", "lxml")


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """Return the seconds ``function()`` took and its result."""
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def summary(samples: list[float]) -> dict[str, Any]:
    """Return first run, warm median and all samples of one layer, in seconds."""
    warm = samples[1:] or samples
    return {"first_s": round(samples[0], 4), "warm_median_s": round(statistics.median(warm), 4),
            "samples_s": [round(s, 4) for s in samples]}


def pdf_options(context: Any) -> dict[str, Any]:
    """Return the WeasyPrint options guidegen's PDF writer passes (see writers/pdf.py)."""
    return {"pdf_variant": context.pdf_variant, "pdf_tags": True, "pdf_identifier": b"guidegen"}


def pdf_variants() -> dict[str, str | None]:
    """Return guidegen's ``--pdf-variant`` table (it moved between modules over time)."""
    from guidegen import writers

    table = getattr(writers, "PDF_VARIANTS", None)
    if table is None:
        from guidegen.writers import pdf

        table = pdf.PDF_VARIANTS
    return table


def import_weasyprint() -> Any:
    """Import WeasyPrint as guidegen does (its fast library lookup, where it has one)."""
    try:
        from guidegen.weasy import import_weasyprint as guidegen_import
    except ImportError:
        import weasyprint

        return weasyprint
    return guidegen_import()


def font_check() -> Callable[[list[str]], None] | None:
    """Return guidegen's check that the theme's fonts are installed, if it has one."""
    try:
        from guidegen.fonts import require_fonts
    except ImportError:
        return None
    return require_fonts


def fetcher_for(context: Any) -> Any:
    """Return the URL fetcher the PDF writer uses, or None if this version has none."""
    from guidegen.writers import pdf

    maker = getattr(pdf, "project_fetcher", None)
    return maker(context.folders) if maker else None


def layers(guide_path: str, runs: int) -> dict[str, Any]:
    """Time each layer of a guidegen build of ``guide_path`` ``runs`` + 1 times."""
    times: dict[str, list[float]] = {}
    imports: dict[str, float] = {}

    def add(name: str, seconds: float) -> None:
        times.setdefault(name, []).append(seconds)

    imports["guidegen.pipeline"], _ = timed(lambda: __import__("guidegen.pipeline"))
    from guidegen import folders, loader, pipeline, templating
    from guidegen.theme import load_theme
    from guidegen.writers import RenderContext

    pages = 0
    for _ in range(runs + 1):
        seconds, guide = timed(lambda: loader.load(guide_path))
        add("load", seconds)

        def theme_and_context(guide: Any = guide) -> Any:
            folders_ = folders.template_folders(None)
            theme = load_theme(list(reversed(folders_))).with_paper(None)
            return RenderContext(theme=theme, folders=tuple(folders_),
                                 date=pipeline.source_date(guide),
                                 pdf_variant=pdf_variants()["ua-1"])

        seconds, context = timed(theme_and_context)
        add("theme", seconds)
        seconds, html = timed(lambda c=context, g=guide: templating.render_document(
            g, c.theme, c.folders, c.date))
        add("html", seconds)
        if "weasyprint" not in imports:
            imports["weasyprint"], _ = timed(import_weasyprint)
        from weasyprint import HTML

        check = font_check()
        if check is not None:
            fonts = context.theme.fonts
            families = [f.family for f in (fonts.body, fonts.heading, fonts.mono, fonts.symbols)]
            add("fonts", timed(lambda f=families, c=check: c(f))[0])

        options = pdf_options(context)
        base_url = context.folders[-1].as_uri() + "/"
        seconds, parsed = timed(lambda c=context, h=html, u=base_url: HTML(
            string=h, base_url=u, url_fetcher=fetcher_for(c)))
        add("weasyprint_parse", seconds)
        seconds, document = timed(lambda p=parsed, o=options: p.render(**o))
        add("weasyprint_layout", seconds)
        seconds, data = timed(lambda d=document, o=options: d.write_pdf(**o))
        add("pdf_write", seconds)
        pages = len(document.pages)
        if "docx" not in imports:
            imports["docx"], _ = timed(lambda: __import__("guidegen.writers.docx"))
        from guidegen.writers import docx

        docx_context = replace(context, pages_hint=pages)
        seconds, _ = timed(lambda g=guide, c=docx_context: docx.write(g, c))
        add("docx_write", seconds)
        add("total", sum(times[name][-1] for name in times if name != "total"))
    return {"layers": {name: summary(samples) for name, samples in times.items()},
            "imports_s": {k: round(v, 4) for k, v in imports.items()},
            "pages": pages, "pdf_bytes": len(data), "html_chars": len(html)}


def rebuild(guide_path: str, runs: int, out: str) -> dict[str, Any]:
    """Time ``guidegen.build(..., force=True)`` ``runs`` + 1 times in one process."""
    import guidegen
    from guidegen import pipeline

    accepted = inspect.signature(pipeline.build).parameters
    kwargs: dict[str, Any] = {"out": out}
    note = ""
    if "force" in accepted:
        kwargs["force"] = True
    else:
        note = "guidegen.build has no force= keyword yet; built without it"
    samples = [timed(lambda: guidegen.build([guide_path], **kwargs))[0] for _ in range(runs + 1)]
    return {**summary(samples), "force_supported": "force" in accepted,
            "jobs_supported": "jobs" in accepted, "note": note}


def typst_compile(guide_path: str, runs: int) -> dict[str, Any]:
    """Time the in-process Typst compile of the guide (fresh world, then incremental)."""
    import guidegen

    sys.path.insert(0, str(Path(__file__).parent))
    from measure import pdf_pages
    from typst_export import FONT_DIRS, compile_pdf, to_typst

    export_s, source = timed(lambda: to_typst(guidegen.load(guide_path)))
    import_s, typst = timed(lambda: __import__("typst"))
    data = source.encode("utf-8")
    samples = [timed(lambda: compile_pdf(data))[0] for _ in range(runs + 1)]
    compiler = typst.Compiler(font_paths=[str(d) for d in FONT_DIRS if d.is_dir()])
    incremental = [timed(lambda: compiler.compile(data, format="pdf",
                                                  pdf_standards=["ua-1"]))[0]
                   for _ in range(runs + 1)]
    pdf = compile_pdf(data)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        pages = pdf_pages(Path(handle.name))
    return {**summary(samples), "compiler_reuse": summary(incremental),
            "export_s": round(export_s, 4), "import_s": round(import_s, 4),
            "pdf_bytes": len(pdf), "pages": pages, "source_chars": len(source)}


def modules(args: list[str]) -> dict[str, Any]:
    """Run the CLI with ``args`` in this process; return its status and heavy imports."""
    import contextlib
    import io

    from guidegen.cli import main

    started = time.perf_counter()
    code: Any = 0
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code
    seconds = time.perf_counter() - started
    loaded = [name for name in HEAVY_MODULES if name in sys.modules]
    return {"args": args, "exit": code, "seconds": round(seconds, 4), "imported": loaded}


def main(argv: list[str]) -> int:
    """Dispatch on the mode named first on the command line; print JSON."""
    mode, rest = (argv[0], argv[1:]) if argv else ("", [])
    if mode == "layers" and len(rest) == 2:
        result = layers(rest[0], int(rest[1]))
    elif mode == "rebuild" and len(rest) == 3:
        result = rebuild(rest[0], int(rest[1]), rest[2])
    elif mode == "typst" and len(rest) == 2:
        result = typst_compile(rest[0], int(rest[1]))
    elif mode == "modules":
        result = modules(rest)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
