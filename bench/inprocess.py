"""In-process measurements, each run by ``run.py`` in its own fresh interpreter.

Modes (each prints one JSON object on its last line):

``layers GUIDE RUNS``
    guidegen's layers one by one, in the order a build chains them
    (:mod:`guidegen.builder.pipeline`, :mod:`guidegen.renderers.pdf`): YAML load +
    validation, templates, layout (the document tree), font check, HTML render,
    WeasyPrint parse, style + layout, the layout preflight, and PDF write (with the page
    map the DOCX takes its page numbers from), DOCX render (one after the other, in this
    process, whatever a build overlaps). The first iteration (which pays the lazy
    imports and caches) is reported apart from the warm median.
``rebuild GUIDE RUNS OUT``
    ``guidegen.build([GUIDE], BuildOptions(out=OUT, force=True))`` repeated in one process.
``typst GUIDE RUNS``
    ``typst.compile`` of the Typst version of the guide, in process.
``alias GUIDE BOMB RUNS``
    ``guidegen.content.loader.load`` of the guide, then of an alias bomb it must refuse
    (``ContentError``), each repeated; and the refusal's peak of traced memory.
``modules ARG ...``
    Run the CLI's ``main(ARGS)`` and list which heavy modules it imported.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

HEAVY_MODULES = ("weasyprint", "docx", "pydantic", "jinja2", "markdown_it", "yaml", "lxml")


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """Return the seconds ``function()`` took and its result."""
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def summary(samples: list[float], digits: int = 4) -> dict[str, Any]:
    """Return first run, warm median and all samples of one layer, in seconds."""
    warm = samples[1:] or samples
    return {"first_s": round(samples[0], digits),
            "warm_median_s": round(statistics.median(warm), digits),
            "samples_s": [round(s, digits) for s in samples]}


def layers(guide_path: str, runs: int) -> dict[str, Any]:
    """Time each layer of a guidegen build of ``guide_path`` ``runs`` + 1 times."""
    times: dict[str, list[float]] = {}
    imports: dict[str, float] = {}

    def add(name: str, seconds: float) -> None:
        times.setdefault(name, []).append(seconds)

    imports["guidegen.builder.pipeline"], _ = timed(
        lambda: __import__("guidegen.builder.pipeline"))
    from guidegen.builder.options import BuildOptions
    from guidegen.builder.pipeline import source_date
    from guidegen.common.language import Language
    from guidegen.content.loader import load
    from guidegen.layout.guide import layout_guide
    from guidegen.layout.labels import labels_for
    from guidegen.renderers import RenderContext
    from guidegen.renderers.html import Sources, render_html
    from guidegen.renderers.pdf.engine import Laid
    from guidegen.renderers.pdf.fetcher import project_fetcher, refused_urls_as_errors
    from guidegen.renderers.pdf.pagemap import page_map
    from guidegen.renderers.pdf.preflight import Limits, inspect
    from guidegen.renderers.speed import import_weasyprint
    from guidegen.theme import load_templates
    from guidegen.theme.fonts import require_fonts

    options = BuildOptions()
    # the WeasyPrint options of guidegen.renderers.pdf.lay_out
    pdf = {"pdf_variant": options.weasy_variant, "pdf_tags": True, "pdf_identifier": b"guidegen"}
    pages, data, html = 0, b"", ""
    for _ in range(runs + 1):
        seconds, guide = timed(lambda: load(guide_path))
        add("load", seconds)

        def templates_and_context() -> Any:
            templates = load_templates(options.templates, options.paper)
            return RenderContext(templates, options.weasy_variant)

        seconds, context = timed(templates_and_context)
        add("templates", seconds)
        seconds, document = timed(lambda g=guide, c=context: layout_guide(
            g, c.templates, labels_for(g, c.templates, Language.of(options.language)),
            date=source_date(g)))
        add("layout", seconds)

        fonts = context.templates.theme.fonts
        families = [f.family for f in (fonts.body, fonts.heading, fonts.mono, fonts.symbols)]
        add("fonts", timed(lambda f=families: require_fonts(f))[0])
        sources = Sources()  # the PDF's HTML, tagged for the preflight
        seconds, html = timed(lambda d=document, c=context, s=sources: render_html(d, c, s))
        add("html", seconds)

        if "weasyprint" not in imports:
            imports["weasyprint"], _ = timed(import_weasyprint)
        from weasyprint import HTML

        folders = context.templates.folders
        with refused_urls_as_errors():
            seconds, parsed = timed(lambda h=html, f=folders: HTML(
                string=h, base_url=f[0].as_uri() + "/", url_fetcher=project_fetcher(f)))
            add("weasyprint_parse", seconds)
            seconds, laid_out = timed(lambda p=parsed: Laid(p.render(**pdf), options.weasy_variant))
            add("weasyprint_layout", seconds)
            limits = Limits(column_chars=5, ch=0.5)
            seconds, _ = timed(lambda d=laid_out, s=sources, lim=limits: inspect(
                d, s.locations, s.locations[0], lim))
            add("preflight", seconds)
            seconds, (data, pages_found) = timed(lambda d=laid_out: (d.write_pdf(),
                                                                     page_map(d)))
            add("pdf_write", seconds)
        pages = len(laid_out.pages)

        if "docx" not in imports:
            imports["docx"], _ = timed(lambda: __import__("guidegen.renderers.docx"))
        from guidegen.renderers import docx

        docx_context = replace(context, pages_hint=pages, page_map=pages_found)
        seconds, _ = timed(lambda d=document, c=docx_context: docx.render(d, c))
        add("docx", seconds)
        add("total", sum(times[name][-1] for name in times if name != "total"))
    return {"layers": {name: summary(samples) for name, samples in times.items()},
            "imports_s": {k: round(v, 4) for k, v in imports.items()},
            "pages": pages, "pdf_bytes": len(data), "html_chars": len(html)}


def rebuild(guide_path: str, runs: int, out: str) -> dict[str, Any]:
    """Time ``guidegen.build([GUIDE], BuildOptions(out=OUT, force=True))`` ``runs`` + 1 times."""
    import guidegen

    options = guidegen.BuildOptions(out=Path(out), force=True)
    samples = [timed(lambda: guidegen.build([guide_path], options))[0] for _ in range(runs + 1)]
    return {**summary(samples), "jobs": options.processes}


def typst_compile(guide_path: str, runs: int) -> dict[str, Any]:
    """Time the in-process Typst compile of the guide (fresh world, then incremental)."""
    from measure import pdf_pages
    from outline import load_document
    from typst_export import FONT_DIRS, compile_pdf, to_typst

    export_s, source = timed(lambda: to_typst(*load_document(guide_path)))
    import_s, typst = timed(lambda: __import__("typst"))
    data = source.encode("utf-8")
    samples = [timed(lambda: compile_pdf(data))[0] for _ in range(runs + 1)]
    compiler = typst.Compiler(font_paths=[str(d) for d in FONT_DIRS if d.is_dir()],
                              ignore_system_fonts=True)
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


def alias_bomb(guide_path: str, bomb_path: str, runs: int) -> dict[str, Any]:
    """Time loading the guide, then refusing the alias bomb; the refusal's peak memory."""
    import tracemalloc

    from guidegen.content.loader import load
    from guidegen.errors import ContentError

    guide = [timed(lambda: load(guide_path))[0] for _ in range(runs + 1)]

    def refuse() -> list[str]:
        try:
            load(bomb_path)
        except ContentError as exc:
            return exc.lines()
        raise AssertionError(f"{bomb_path} loaded: the alias bomb was not refused")

    bomb = [timed(refuse) for _ in range(runs + 1)]

    def traced(function: Callable[[], Any]) -> int:
        tracemalloc.start()
        try:
            function()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    return {"guide": summary(guide, 6), "bomb": summary([s for s, _ in bomb], 6),
            "bomb_peak_kb": round(traced(refuse) / 1024, 1),
            "guide_peak_kb": round(traced(lambda: load(guide_path)) / 1024, 1),
            "message": bomb[-1][1][0]}


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
    elif mode == "alias" and len(rest) == 3:
        result = alias_bomb(rest[0], rest[1], int(rest[2]))
    elif mode == "modules":
        result = modules(rest)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
