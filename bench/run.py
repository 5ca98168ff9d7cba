"""guidegen's benchmark: guidegen against pandoc and Typst, its layers, scaling, rebuilds.

Run it with ``./dev bench`` (or ``.venv/bin/python bench/run.py``); see bench/README.md
for what each number means. It prints a table and writes every sample as JSON.

Options: ``--runs N`` (default 5, the median is reported), ``--quick`` (2 runs, smaller
scaling), ``--json PATH`` (default bench/results/latest.json), ``--only STAGE,...``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

# bench/ is not a package: its modules are imported from this folder.
import measure
import report
import scaling
from measure import GUIDEGEN, PYTHON, ROOT, pdf_pages, python_json, repeat, run

DEFAULT_GUIDE = ROOT / "content" / "cmo-cdmo-cro.yaml"
DEFAULT_JSON = ROOT / "bench" / "results" / "latest.json"
FACTORS, QUICK_FACTORS = (1, 10, 100), (1, 10, 30)
MANY_GUIDES = 24  # a packet: enough guides that per-process start-up is not the story
ALIAS_BOMB = ROOT / "tests" / "hostile" / "billion-laughs.yaml"
ALIAS_RUNS = 20  # loads take milliseconds: more runs for a steady median
FORTY_ROWS = ROOT / "tests" / "data" / "forty-checks.yaml"  # the 40-row matrix, imported


@dataclass
class Bench:
    """What every stage needs: runs, the guide, a scratch folder, the CLI's features."""

    runs: int
    quick: bool
    guide: Path
    tmp: Path
    force: bool
    jobs: bool

    def out(self, name: str) -> Path:
        """Return a fresh output folder path under the scratch folder."""
        return self.tmp / "out" / name

    def build(self, guide: Path | str, out: Path, *, force: bool = True,
              jobs: int | None = None) -> list[str | Path]:
        """Return the ``guidegen build`` command for ``guide`` into ``out``."""
        command: list[str | Path] = [GUIDEGEN, "build", guide, "-o", out]
        if force and self.force:
            command.append("--force")
        if jobs is not None and self.jobs:
            command += ["--jobs", str(jobs)]
        return command


def pages_of(stdout: str) -> int | None:
    """Return the page count guidegen printed for the PDF it wrote."""
    found = re.search(r"\.pdf\s+\((\d+) pages?", stdout)
    return int(found.group(1)) if found else None


def stage_guidegen(bench: Bench) -> dict[str, Any]:
    """Cold ``guidegen build --force`` of the guide, PDF + DOCX, fresh out dir per run."""
    stat = repeat(lambda i: bench.build(bench.guide, bench.out(f"cold-{i}")), bench.runs)
    return {**stat.to_json(), "pages": pages_of(stat.last.stdout if stat.last else "")}


def stage_pandoc(bench: Bench) -> dict[str, Any]:
    """pandoc: the same words as Markdown, to PDF through WeasyPrint, and to DOCX."""
    import pypandoc

    from markdown_export import to_markdown
    from outline import load_document

    pandoc = pypandoc.get_pandoc_path()
    source = bench.tmp / "guide.md"
    source.write_text(to_markdown(load_document(bench.guide)[0]), encoding="utf-8")
    pdf = [pandoc, source, "--pdf-engine=weasyprint", "-V", "mainfont=Carlito",
           "-V", "fontsize=10.5pt", "-o"]
    version = run([pandoc, "--version"]).stdout.splitlines()[0]
    # pandoc's PDF and guidegen's cold build take turns, so a busy moment hits both
    pdf_stat, ours = measure.Stat([], []), measure.Stat([], [])
    run([*pdf, bench.tmp / "pandoc-warm.pdf"])
    for i in range(bench.runs):
        pdf_stat.add(run([*pdf, bench.tmp / f"pandoc-{i}.pdf"]))
        ours.add(run(bench.build(bench.guide, bench.out(f"paired-{i}"))))
    return {"version": version, "markdown": str(source),
            "pdf": {**pdf_stat.to_json(), "pages": pdf_pages(bench.tmp / "pandoc-0.pdf")},
            "guidegen_paired": ours.to_json(),
            "docx": repeat(lambda i: [pandoc, source, "-o", bench.tmp / f"pandoc-{i}.docx"],
                           bench.runs).to_json()}


def stage_typst(bench: Bench) -> dict[str, Any]:
    """Typst: in-process compile (fresh world, and a reused compiler), and a cold process."""
    from outline import load_document
    from typst_export import FONT_DIRS, to_typst

    source = bench.tmp / "guide.typ"
    source.write_text(to_typst(*load_document(bench.guide)), encoding="utf-8")
    code = ("import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], "
            f"font_paths={[str(d) for d in FONT_DIRS]!r}, ignore_system_fonts=True, "
            "pdf_standards=['ua-1'])")
    cold = repeat(lambda i: [PYTHON, "-c", code, source, bench.tmp / f"typst-{i}.pdf"],
                  bench.runs)
    return {"in_process": python_json("inprocess.py", "typst", bench.guide, bench.runs),
            "cold_process": {**cold.to_json(), "pages": pdf_pages(bench.tmp / "typst-0.pdf")},
            "source": str(source)}


def stage_layers(bench: Bench) -> dict[str, Any]:
    """guidegen's layers one by one, in one process (see inprocess.layers)."""
    return python_json("inprocess.py", "layers", bench.guide, bench.runs)


def stage_cli(bench: Bench) -> dict[str, Any]:
    """Start-up: bare Python, ``import guidegen.cli``, ``--help``, ``check``; their imports."""
    guide = str(bench.guide)
    result: dict[str, Any] = {
        "python_startup": repeat(lambda i: [PYTHON, "-c", "pass"], bench.runs).to_json(),
        "import_cli": repeat(lambda i: [PYTHON, "-c", "import guidegen.cli"],
                             bench.runs).to_json(),
        "help": repeat(lambda i: [GUIDEGEN, "--help"], bench.runs).to_json(),
        "check": repeat(lambda i: [GUIDEGEN, "check", guide], bench.runs).to_json(),
        "modules": {"help": python_json("inprocess.py", "modules", "--help"),
                    "check": python_json("inprocess.py", "modules", "check", guide)},
    }
    code = f"from guidegen.cli import main; main(['check', {guide!r}])"
    trace = run([PYTHON, "-X", "importtime", "-c", code]).stderr
    result["check_importtime_top"] = import_costs(trace)[:8]
    return result


def import_costs(trace: str) -> list[dict[str, Any]]:
    """Return the top-level imports of a ``-X importtime`` trace, costliest first."""
    costs = []
    for line in trace.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2].rstrip()
            if name.startswith(" ") and not name.startswith("  "):
                costs.append({"module": name.strip(), "cumulative_s": int(parts[1]) / 1e6})
    return sorted(costs, key=lambda c: -c["cumulative_s"])


def stage_scaling(bench: Bench) -> dict[str, Any]:
    """The guide grown 1x, 10x, 100x: cold build time and peak memory of each.

    Built with ``--jobs 1``: all the work in one process, so its peak memory is the
    build's (a PDF helper process would hold the layout outside the measured one).
    """
    factors = QUICK_FACTORS if bench.quick else FACTORS
    files = scaling.write_grown(bench.guide, factors, bench.tmp / "scaled")
    checked = run([GUIDEGEN, "check", *files.values()])
    result: dict[str, Any] = {"check": checked.stdout.strip().splitlines(), "factors": {}}
    for factor, path in files.items():
        runs = bench.runs if factor <= 10 else min(bench.runs, 3)
        stat = repeat(lambda i, f=factor, p=path: bench.build(
            p, bench.out(f"scale-{f}-{i}"), jobs=1), runs, warmup=factor == factors[0])
        counts = scaling.content_counts(scaling.load_raw(path))
        result["factors"][str(factor)] = {
            **stat.to_json(), "pages": pages_of(stat.last.stdout if stat.last else ""),
            "content": counts}
    return result


def stage_many(bench: Bench) -> dict[str, Any]:
    """Several guides in one build: ``--jobs 1`` against ``--jobs 2``, runs interleaved.

    Each round also times two CPU-bound Python processes at once against one, to show
    how much parallelism the machine gives right now.
    """
    folder = bench.tmp / "many"
    scaling.write_copies(bench.guide, MANY_GUIDES, folder)
    stats = {1: measure.Stat([], []), 2: measure.Stat([], [])}
    one: list[float] = []
    two: list[float] = []
    for i in range(bench.runs):
        for jobs, stat in stats.items():
            stat.add(run(bench.build(folder, bench.out(f"many-{jobs}-{i}"), jobs=jobs)))
        single, double = measure.parallel_pair()
        one.append(single)
        two.append(double)
    result: dict[str, Any] = {"guides": MANY_GUIDES, "jobs_supported": bench.jobs,
                              "jobs1": stats[1].to_json(), "jobs2": stats[2].to_json()}
    result["speedup"] = round(stats[1].median / stats[2].median, 3)
    result["machine_parallel"] = {
        "one_process_s": [round(s, 4) for s in one], "two_processes_s": [round(s, 4) for s in two],
        "speedup": round(2 * statistics.median(one) / statistics.median(two), 3)}
    if not bench.jobs:
        result["note"] = "guidegen build has no --jobs option: both ran one guide at a time"
    return result


def stage_unchanged(bench: Bench) -> dict[str, Any]:
    """Rebuild with nothing changed: the second of two builds into the same folder."""
    def first(i: int) -> None:
        run(bench.build(bench.guide, bench.out(f"same-{i}"), force=False))

    def second(i: int) -> list[str | Path]:
        return bench.build(bench.guide, bench.out(f"same-{i}"), force=False)

    stat = repeat(second, bench.runs, before=first)
    outputs = run(second(bench.runs - 1)).stdout.splitlines()
    skipped = bool(outputs) and all(line.startswith("unchanged") for line in outputs)
    return {**stat.to_json(), "skipped": skipped, "output": outputs}


def stage_rebuild(bench: Bench) -> dict[str, Any]:
    """``guidegen.build`` with ``force=True`` repeated in one process: the warm rebuild time."""
    return python_json("inprocess.py", "rebuild", bench.guide, bench.runs,
                       bench.out("inprocess"))


def stage_alias(bench: Bench) -> dict[str, Any]:
    """An alias bomb refused by the loader, against loading the guide; both in process."""
    return python_json("inprocess.py", "alias", bench.guide, ALIAS_BOMB,
                       max(bench.runs, ALIAS_RUNS))


def stage_import(bench: Bench) -> dict[str, Any]:
    """The 40-row fixture built (PDF + DOCX, and DOCX alone), then its DOCX imported.

    Cold processes taking turns (build, DOCX build, import, update), so a busy moment
    hits all four; each import writes a new guide file from the same DOCX, and each
    ``import --update`` reads that DOCX back against the fixture it was built from (no
    edits: it reads, matches and compares everything, and writes nothing).
    """
    folder = bench.tmp / "import"
    docx = bench.out("forty-docx-warm") / f"{FORTY_ROWS.stem}.docx"
    both, alone = measure.Stat([], []), measure.Stat([], [])
    imported, updated = measure.Stat([], []), measure.Stat([], [])

    def import_(i: int) -> list[str | Path]:
        return [GUIDEGEN, "import", docx, "-o", folder / f"forty-{i}.yaml"]

    update = [GUIDEGEN, "import", "--update", FORTY_ROWS, docx]
    run(bench.build(FORTY_ROWS, bench.out("forty-warm")))
    run([*bench.build(FORTY_ROWS, bench.out("forty-docx-warm")), "-f", "docx"])
    run(import_(-1))
    run(update)
    for i in range(bench.runs):
        both.add(run(bench.build(FORTY_ROWS, bench.out(f"forty-{i}"))))
        alone.add(run([*bench.build(FORTY_ROWS, bench.out(f"forty-docx-{i}")), "-f", "docx"]))
        imported.add(run(import_(i)))
        updated.add(run(update))
    rows = len(scaling.load_raw(FORTY_ROWS)["comparisons"][0]["rows"])
    return {"guide": str(FORTY_ROWS.relative_to(ROOT)), "matrix_rows": rows,
            "build": both.to_json(), "build_docx": alone.to_json(),
            "import": {**imported.to_json(), "output": imported.last.stdout.strip()
                       if imported.last else ""},
            "update": {**updated.to_json(), "output": updated.last.stdout.strip()
                       if updated.last else ""}}


STAGES: dict[str, Callable[[Bench], dict[str, Any]]] = {
    "guidegen": stage_guidegen, "pandoc": stage_pandoc, "typst": stage_typst,
    "layers": stage_layers, "cli": stage_cli, "scaling": stage_scaling, "many": stage_many,
    "unchanged": stage_unchanged, "rebuild": stage_rebuild, "alias": stage_alias,
    "import": stage_import,
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, help="timed runs per measurement (default 5; "
                        "--quick: 2); the median is reported")
    parser.add_argument("--quick", action="store_true",
                        help=f"2 runs, scaling {'/'.join(map(str, QUICK_FACTORS))}x "
                        f"instead of {'/'.join(map(str, FACTORS))}x")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write "
                        "every sample as JSON (default: bench/results/latest.json)")
    parser.add_argument("--guide", type=Path, default=DEFAULT_GUIDE, help="guide to measure")
    parser.add_argument("--only", help=f"comma-separated stages ({', '.join(STAGES)})")
    args = parser.parse_args(argv)
    args.runs = args.runs or (2 if args.quick else 5)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    args.stages = [s.strip() for s in args.only.split(",")] if args.only else list(STAGES)
    unknown = [s for s in args.stages if s not in STAGES]
    if unknown:
        parser.error(f"unknown stage {unknown[0]!r} (known: {', '.join(STAGES)})")
    return args


def main(argv: list[str]) -> int:
    """Run the stages, print the table, write the JSON; exit 1 if a stage failed."""
    args = parse_args(argv)
    build_help = run([GUIDEGEN, "build", "--help"]).stdout
    results: dict[str, Any] = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": measure.machine(), "runs": args.runs, "quick": args.quick,
        "guide": str(args.guide.relative_to(ROOT) if args.guide.is_relative_to(ROOT)
                     else args.guide),
        "features": {"force": measure.option_supported(build_help, "--force"),
                     "jobs": measure.option_supported(build_help, "--jobs")},
        "measurements": {}, "errors": {}}
    with tempfile.TemporaryDirectory(prefix="guidegen-bench-",
                                     ignore_cleanup_errors=True) as tmp:
        # Cache bytecode as a user's machine does (even where PYTHONDONTWRITEBYTECODE is
        # set), but in the scratch folder: the warm-up runs fill it, nothing else changes.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        bench = Bench(args.runs, args.quick, args.guide.resolve(), Path(tmp),
                      **results["features"])
        for name in args.stages:
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            started = time.perf_counter()
            try:
                results["measurements"][name] = STAGES[name](bench)
            except Exception as exc:  # report the failure, keep measuring the rest
                results["errors"][name] = f"{type(exc).__name__}: {exc}"
                traceback.print_exc(file=sys.stderr)
            print(f"bench: {name} done in {time.perf_counter() - started:.1f} s",
                  file=sys.stderr, flush=True)
    results["targets"] = report.evaluate(results)
    print(report.render(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    print(f"\nwrote {args.json}")
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

