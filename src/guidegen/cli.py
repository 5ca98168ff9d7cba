"""The ``guidegen`` command line: thin commands over :mod:`guidegen.pipeline`.

Errors are printed here and only here: every :class:`~guidegen.errors.GuidegenError`
becomes its lines on stderr and its exit status; ``--debug`` shows tracebacks.
Heavy modules (pydantic, WeasyPrint, python-docx) are imported inside commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import EXIT_CODES, GuidegenError

FORMATS = ("pdf", "docx", "html")


class GuidegenGroup(click.Group):
    """A click group that prints guidegen errors in one place, with their exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; print guidegen errors and exit with their status."""
        try:
            return super().invoke(ctx)
        except GuidegenError as exc:
            if ctx.meta.get("guidegen.debug"):
                raise
            for line in exc.lines():
                click.echo(line, err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted; no output was changed", err=True)
            ctx.exit(EXIT_CODES["interrupted"])
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if ctx.meta.get("guidegen.debug"):
                raise
            click.echo(f"internal error: {type(exc).__name__}: {exc} "
                       "(run with --debug for the traceback)", err=True)
            ctx.exit(EXIT_CODES["internal"])


def _formats(ctx: click.Context, param: click.Parameter,
             values: tuple[str, ...]) -> tuple[str, ...]:
    chosen = [f.strip().lower() for value in values for f in value.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)} (choose from {', '.join(FORMATS)})")
    return tuple(chosen)


guides_argument = click.argument("guides", nargs=-1, type=click.Path(path_type=Path))
templates_option = click.option(
    "--templates", type=click.Path(file_okay=False, path_type=Path),
    help="Folder of templates (and theme.yaml) that override the built-in ones.")


@click.group(cls=GuidegenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="guidegen")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of short messages.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Turn comparison guides written in YAML into print-ready PDF and Word files."""
    ctx.meta["guidegen.debug"] = debug


@main.command()
@guides_argument
@click.option("-f", "--format", "formats", multiple=True, callback=_formats,
              help="pdf, docx or html; repeat or separate with commas. [default: pdf,docx]")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output"), show_default=True, help="Folder for the outputs.")
@click.option("--paper", type=click.Choice(["a4", "letter"]),
              help="Paper size. [default: the theme's, a4]")
@templates_option
@click.option("--pdf-variant", type=click.Choice(["ua-1", "a-3b", "tagged"]), default="ua-1",
              show_default=True, help="PDF/UA-1 (accessible), PDF/A-3b (archival), or "
              "plain tagged PDF.")
@click.option("--force", is_flag=True, help="Render even the outputs that are up to date.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes that may render at once. [default: one per CPU; 1 renders "
              "everything in one process]")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=120,
              show_default=True, help="Seconds one document may take to render.")
def build(guides: tuple[Path, ...], formats: tuple[str, ...], out: Path, paper: str | None,
          templates: Path | None, pdf_variant: str, force: bool, jobs: int | None,
          time_limit: float) -> None:
    """Build GUIDES (default: every guide in content/) into the output folder."""
    from .pipeline import build as build_guides
    from .writers import DEFAULT_FORMATS

    for output in build_guides(guides, out=out, formats=formats or DEFAULT_FORMATS,
                               paper=paper, templates=templates, pdf_variant=pdf_variant,
                               force=force, jobs=jobs, time_limit=time_limit):
        click.echo(str(output))


@main.command()
@guides_argument
@templates_option
def check(guides: tuple[Path, ...], templates: Path | None) -> None:
    """Validate GUIDES and the theme without rendering anything."""
    from .pipeline import check as check_guides
    from .pipeline import find_guides

    for path, guide in zip(find_guides(guides), check_guides(guides, templates), strict=True):
        click.echo(f"ok {path}  ({len(guide.subjects)} subjects, "
                   f"{len(guide.comparisons)} comparisons)")


@main.command()
@click.option("--theme", "name", flag_value="theme", help="The theme file's schema instead.")
@click.option("--guide", "name", flag_value="guide", default=True, hidden=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def schema(name: str, output: Path | None) -> None:
    """Print the JSON Schema of guide files (or of theme.yaml with --theme)."""
    from .outputs import write_files
    from .schema import json_schema_text

    text = json_schema_text(name)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_files({output: text.encode("utf-8")})


@main.command("reference-doc")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("reference.docx"), show_default=True, help="Where to write it.")
@templates_option
def reference_doc(output: Path, templates: Path | None) -> None:
    """Write the Word reference document: restyle it, then put it in --templates."""
    from .docx_styles import reference_sample
    from .folders import template_folders
    from .outputs import write_files
    from .theme import load_theme

    folders = template_folders(templates)
    data = reference_sample(load_theme(list(reversed(folders))), folders)
    write_files({output: data})
    click.echo(f"wrote {output}")


if __name__ == "__main__":  # pragma: no cover
    from .entry import run

    run()
