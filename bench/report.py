"""The benchmark's table and its targets, computed from the results ``run.py`` gathers."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

LAYER_NAMES = {
    "load": "YAML load + validation (loader.load)",
    "theme": "theme + render context",
    "html": "HTML render (templating.render_document)",
    "fonts": "font check (fonts.require_fonts)",
    "weasyprint_parse": "WeasyPrint: parse HTML (weasyprint.HTML)",
    "weasyprint_layout": "WeasyPrint: style + layout (render)",
    "pdf_write": "WeasyPrint: PDF write (write_pdf)",
    "docx_write": "DOCX write (writers.docx.write)",
    "total": "total (PDF + DOCX)",
}
HEAVY = ("weasyprint", "docx")


def seconds(value: float | None) -> str:
    """Return a duration for the table: ms below a second, else seconds."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if value < 0.01:
        return f"{value * 1000:.1f} ms"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s"


def spread(stat: dict[str, Any]) -> str:
    """Return the min–max range of a measurement."""
    if not stat.get("min_s") or stat.get("runs", 0) < 2:
        return ""
    return f"{seconds(stat['min_s'])}–{seconds(stat['max_s'])}"


def ratio(a: float | None, b: float | None) -> float | None:
    """Return ``a / b``, or None when either is missing."""
    if not a or not b:
        return None
    return a / b


def times(value: float | None) -> str:
    """Return a ratio as ``1.23×``."""
    return "—" if value is None else f"{value:.2f}×"


def cores(stat: dict[str, Any] | None) -> str:
    """Return CPU time over wall time: how many cores a command kept busy."""
    if not stat or not stat.get("cpu_median_s") or not stat.get("median_s"):
        return ""
    return f"{stat['cpu_median_s'] / stat['median_s']:.2f}"


def get(data: dict[str, Any], *keys: str) -> Any:
    """Return ``data[k1][k2]...``, or None where a key is missing."""
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _target(name: str, met: bool | None, measured: str, limit: str) -> dict[str, Any]:
    return {"target": name, "met": met, "measured": measured if met is not None else
            "not measured" + (f" ({measured})" if "missing" in measured else ""),
            "limit": limit}


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Return each target with its numbers and whether it is met (None: not measured)."""
    m = results["measurements"]
    cold = get(m, "guidegen", "median_s")
    pandoc = get(m, "pandoc", "pdf", "median_s")
    paired = get(m, "pandoc", "guidegen_paired", "median_s") or cold
    targets = []

    r = ratio(paired, pandoc)
    targets.append(_target(
        "cold guidegen build (PDF+DOCX) <= 0.75 x pandoc PDF alone", None if r is None else
        r <= 0.75, f"{seconds(paired)} vs pandoc {seconds(pandoc)} = {times(r)}, runs taking "
        "turns", "0.75×"))

    check, help_ = get(m, "cli", "check", "median_s"), get(m, "cli", "help", "median_s")
    loaded = {name: get(m, "cli", "modules", name, "imported") for name in ("check", "help")}
    heavy = sorted({mod for mods in loaded.values() if mods for mod in mods if mod in HEAVY})
    ok = None if check is None or help_ is None or None in loaded.values() else (
        check < 0.3 and help_ < 0.3 and not heavy)
    targets.append(_target(
        "`guidegen check` and `--help` < 0.3 s, without importing WeasyPrint", ok,
        f"check {seconds(check)}, --help {seconds(help_)}; imports "
        f"{', '.join(heavy) if heavy else 'neither weasyprint nor docx'}", "0.3 s"))

    same = get(m, "unchanged", "median_s")
    r = ratio(same, cold)
    skipped = get(m, "unchanged", "skipped")
    targets.append(_target(
        "unchanged rebuild < 0.15 x cold build", None if r is None else r < 0.15,
        f"{seconds(same)} = {times(r)} of cold"
        f"{'' if skipped is None else ('; outputs skipped' if skipped else '; NOT skipped')}",
        "0.15×"))

    warm = get(m, "rebuild", "warm_median_s")
    typst = get(m, "typst", "in_process", "warm_median_s")
    r = ratio(warm, typst)
    targets.append(_target(
        "in-process rebuild (PDF+DOCX) within 10 x Typst in-process compile",
        None if r is None else r <= 10,
        f"{seconds(warm)} vs Typst {seconds(typst)} = {times(r)}", "10×"))

    targets.append(_scaling_target(get(m, "scaling", "factors") or {}))

    speedup = get(m, "many", "speedup")
    supported = get(m, "many", "jobs_supported")
    machine = get(m, "many", "machine_parallel", "speedup")
    targets.append(_target(
        "--jobs 2 near 2x over --jobs 1 (met at >= 1.6x)",
        None if speedup is None or not supported else speedup >= 1.6,
        f"{times(speedup)}" + ("" if supported in (None, True) else " (--jobs missing)")
        + ("" if machine is None else f"; the machine gave 2 CPU-bound processes "
           f"{times(machine)}"),
        "1.6×"))
    return targets


def _scaling_target(factors: dict[str, Any]) -> dict[str, Any]:
    name = "largest content: time within 1.1 x its growth factor of 1x, peak memory < 500 MB"
    if "1" not in factors or len(factors) < 2:
        return _target(name, None, "not measured", "")
    top = max(factors, key=int)
    base, big = factors["1"]["median_s"], factors[top]["median_s"]
    r = big / base
    peak = max(f.get("peak_rss_mb", 0) for f in factors.values())
    limit = 1.1 * int(top)
    return _target(name.replace("largest content", f"{top}x content").replace(
                       "1.1 x its growth factor", f"{limit:.0f}x"),
                   r <= limit and peak < 500,
                   f"{top}x takes {seconds(big)} = {times(r)} of 1x; peak {peak:.0f} MB",
                   f"{limit:.0f}×, 500 MB")


def table(title: str, header: list[str], rows: list[list[str]]) -> list[str]:
    """Return a titled, aligned text table (first column left, the rest right)."""
    if not rows:
        return []
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        cells = [str(row[0]).ljust(widths[0])]
        cells += [str(cell).rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        return "  " + "  ".join(cells).rstrip()

    return ["", title, line(header), "  " + "-" * (sum(widths) + 2 * (len(widths) - 1)),
            *map(line, rows)]


def _section(build: Callable[[dict[str, Any]], list[str]], m: dict[str, Any]) -> list[str]:
    try:
        return build(m)
    except (KeyError, TypeError, ZeroDivisionError):
        return []


def _compare(m: dict[str, Any]) -> list[str]:
    pandoc = get(m, "pandoc", "pdf", "median_s")
    rows = []

    def add(label: str, stat: dict[str, Any] | None, peak: bool = True) -> None:
        if stat:
            rows.append([label, seconds(stat["median_s"]), spread(stat), cores(stat),
                         f"{stat['peak_rss_mb']:.0f}" if peak and "peak_rss_mb" in stat else "",
                         times(ratio(stat["median_s"], pandoc))])

    pages = get(m, "guidegen", "pages")
    add(f"guidegen build --force, PDF + DOCX ({pages} pages)", m.get("guidegen"))
    add(f"pandoc -> PDF (--pdf-engine=weasyprint, {get(m, 'pandoc', 'pdf', 'pages')} pages)",
        get(m, "pandoc", "pdf"))
    add("pandoc -> DOCX", get(m, "pandoc", "docx"))
    add(f"Typst, cold process ({get(m, 'typst', 'cold_process', 'pages')} pages)",
        get(m, "typst", "cold_process"))
    inproc = get(m, "typst", "in_process")
    if inproc:
        for label, data in (("Typst in process: typst.compile", inproc),
                            ("Typst in process: reused Compiler", inproc["compiler_reuse"])):
            rows.append([f"{label} (first {seconds(data['first_s'])})",
                         seconds(data["warm_median_s"]), "", "", "",
                         times(ratio(data["warm_median_s"], pandoc))])
    return table("One guide, side by side (median)",
                 ["", "time", "min–max", "cores", "peak MB", "÷ pandoc PDF"], rows)


def _layers(m: dict[str, Any]) -> list[str]:
    data = m["layers"]
    total = data["layers"]["total"]["warm_median_s"]
    rows = [[f"import {name}", seconds(value), "", ""]
            for name, value in data["imports_s"].items()]
    for key, label in LAYER_NAMES.items():
        layer = data["layers"].get(key)
        if layer:
            rows.append([label, seconds(layer["first_s"]), seconds(layer["warm_median_s"]),
                         f"{100 * layer['warm_median_s'] / total:.0f}%"])
    return table(f"guidegen's layers in one process ({data['pages']} pages; first run pays "
                 "lazy imports and caches)", ["", "first", "warm", "share"], rows)


def _cli(m: dict[str, Any]) -> list[str]:
    cli = m["cli"]
    rows = []
    for key, label in (("python_startup", "python -c pass (interpreter alone)"),
                       ("import_cli", "python -c 'import guidegen.cli'"),
                       ("help", "guidegen --help"), ("check", "guidegen check GUIDE")):
        modules = get(cli, "modules", key, "imported")
        rows.append([label, seconds(cli[key]["median_s"]), spread(cli[key]),
                     "" if modules is None else (", ".join(modules) or "none")])
    return table("Start-up, cold process", ["", "median", "min–max", "heavy imports"], rows)


def _scaling(m: dict[str, Any]) -> list[str]:
    factors = m["scaling"]["factors"]
    base = factors["1"]["median_s"]
    rows = []
    for factor, data in sorted(factors.items(), key=lambda item: int(item[0])):
        c, n = data["content"], int(factor)
        extra = seconds((data["median_s"] - base) / (n - 1)) if n > 1 else ""
        rows.append([f"{factor}x  ({c['bullets']} bullets, {c['matrix_rows']} rows, "
                     f"{c['per_subject']} dims, {c['sections']} sections)",
                     str(data["pages"]), seconds(data["median_s"]),
                     times(data["median_s"] / base), extra, f"{data['peak_rss_mb']:.0f}"])
    return table("Scaling: cold guidegen build --force of the guide grown N times",
                 ["", "pages", "median", "÷ 1x", "per extra 1x", "peak MB"], rows)


def _many(m: dict[str, Any]) -> list[str]:
    many = m["many"]
    rows = [[f"--jobs {j}", seconds(many[f"jobs{j}"]["median_s"]), spread(many[f"jobs{j}"]),
             cores(many[f"jobs{j}"]), seconds(many[f"jobs{j}"]["median_s"] / many["guides"]),
             times(many["jobs1"]["median_s"] / many[f"jobs{j}"]["median_s"])] for j in (1, 2)]
    machine = many.get("machine_parallel")
    if machine:
        rows.append(["reference: 2 CPU-bound processes vs 1", "", "", "", "",
                     times(machine["speedup"])])
    lines = table(f"Many guides: {many['guides']} copies in one guidegen build --force "
                  "(runs interleaved)", ["", "median", "min–max", "cores", "per guide", "speed-up"],
                  rows)
    return lines + ([f"  note: {many['note']}"] if many.get("note") else [])


def _rebuilds(m: dict[str, Any]) -> list[str]:
    cold = get(m, "guidegen", "median_s")
    rows = []
    same = m.get("unchanged")
    if same:
        rows.append(["unchanged: 2nd build into the same folder", seconds(same["median_s"]),
                     f"{times(ratio(same['median_s'], cold))} cold",
                     "skipped" if same["skipped"] else "rebuilt"])
    warm = m.get("rebuild")
    if warm:
        typst = get(m, "typst", "in_process", "warm_median_s")
        rows.append([f"in process: guidegen.build(force=True) (first "
                     f"{seconds(warm['first_s'])})", seconds(warm["warm_median_s"]),
                     f"{times(ratio(warm['warm_median_s'], cold))} cold",
                     f"{times(ratio(warm['warm_median_s'], typst))} Typst"])
    return table("Rebuilds", ["", "median", "vs cold", ""], rows)


def render(results: dict[str, Any]) -> str:
    """Return the whole report: header, one table per stage, targets, errors."""
    machine = results["machine"]
    features = results["features"]
    lines = [f"guidegen benchmark: {results['guide']}, median of {results['runs']} runs"
             f"{' (quick)' if results['quick'] else ''}",
             f"{machine.get('cpu', '?')}, {machine['cpus']} CPUs, Python {machine['python']}; "
             f"guidegen build --force: {'yes' if features['force'] else 'MISSING'}, "
             f"--jobs: {'yes' if features['jobs'] else 'MISSING'}"]
    m = results["measurements"]
    for build in (_compare, _layers, _cli, _scaling, _many, _rebuilds):
        lines += _section(build, m)
    lines += ["", "Targets"]
    for t in results["targets"]:
        mark = {True: "MET    ", False: "NOT MET", None: "n/a    "}[t["met"]]
        lines.append(f"  [{mark}] {t['target']}")
        lines.append(f"            {t['measured']}  (limit {t['limit']})")
    for stage, error in results["errors"].items():
        lines.append(f"\nstage {stage} FAILED: {error}")
    return "\n".join(lines)
