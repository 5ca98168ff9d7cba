"""The ``guidegen`` command group: its global options, and errors printed in one place."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from ..console import NORMAL, QUIET, VERBOSE, Console
from ..errors import (
    EXIT_CODES,
    GuidegenError,
    Problem,
    StrictError,
    collect_warnings,
    in_working_folder,
)
from ..version import __version__

GLOBAL_FLAGS = {"--debug": "debug", "-q": "quiet", "--quiet": "quiet", "-v": "verbose",
                "--verbose": "verbose"}


class GuidegenGroup(click.Group):
    """A click group that prints guidegen errors in one place, with their exit codes."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Take ``--debug``, ``-q`` and ``-v`` before the command or after it (not after ``--``)."""
        end = args.index("--") if "--" in args else len(args)
        for arg in args[:end]:
            if arg in GLOBAL_FLAGS:
                ctx.meta[f"guidegen.{GLOBAL_FLAGS[arg]}"] = True
        args = [arg for n, arg in enumerate(args) if n >= end or arg not in GLOBAL_FLAGS]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; print its warnings, and guidegen errors with their status."""
        from ..builder.progress import reporting

        meta = ctx.meta
        if meta.get("guidegen.quiet") and meta.get("guidegen.verbose"):
            raise click.UsageError("-q/--quiet and -v/--verbose go one without the other")
        console = Console(QUIET if meta.get("guidegen.quiet") else
                          VERBOSE if meta.get("guidegen.verbose") else NORMAL)
        meta["guidegen.console"] = console
        _show_progress_notes(console)
        with collect_warnings() as found, reporting(console):
            try:
                result = self._invoke(ctx, found, console)
            finally:
                console.end()
                console.problems(found)  # those not printed before an error
        closing = meta.pop("guidegen.closing", None)
        if closing is not None:  # the command's last word, after its warnings
            closing()
        return result

    def _invoke(self, ctx: click.Context, found: list[Problem], console: Console) -> Any:
        debug = bool(ctx.meta.get("guidegen.debug"))
        try:
            with in_working_folder():
                return super().invoke(ctx)
        except GuidegenError as exc:
            console.end()
            if debug:
                console.traceback(exc)
            if isinstance(exc, StrictError):  # the warnings are the errors now; hints stay
                found[:] = [problem for problem in found if problem.severity == "hint"]
            found[:] = [w for w in found if w.as_error() not in exc.problems]  # said once
            console.problems(found)
            console.problems(exc.problems)
            if exc.summary():
                console.tell(str(exc.summary()))
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt as exc:  # Interrupted says what holds when it is not this
            console.end()
            console.problems(found)
            console.tell(getattr(exc, "message", "interrupted; no output was changed"))
            ctx.exit(EXIT_CODES["interrupted"])
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except MemoryError:
            console.tell("error: guidegen ran out of memory")
            ctx.exit(EXIT_CODES["render"])
        except Exception as exc:
            console.end()
            if debug:
                console.traceback(exc)
            console.tell(f"internal error: {type(exc).__name__}: {exc}"
                         + ("" if debug else " (run with --debug for the traceback)"))
            ctx.exit(EXIT_CODES["internal"])


def console_of(ctx: click.Context) -> Console:
    """Return the console of the command running in ``ctx``."""
    console: Console = ctx.meta["guidegen.console"]
    return console


class _Notes(logging.Handler):
    """Prints what the library says on its logger (a build waiting for another)."""

    def __init__(self, console: Console) -> None:
        super().__init__(logging.INFO)
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        """Print ``record``'s message on standard error."""
        self.console.say(record.getMessage())


def _show_progress_notes(console: Console) -> None:
    """Print what the library says on its ``guidegen`` logger at INFO and above."""
    logger = logging.getLogger("guidegen")
    for handler in [h for h in logger.handlers if isinstance(h, _Notes)]:
        logger.removeHandler(handler)
    logger.addHandler(_Notes(console))
    logger.setLevel(logging.INFO)


@click.group(cls=GuidegenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="guidegen")
@click.option("--debug", is_flag=True, help="Show the traceback of an error too, before "
              "the messages (before or after the command).")
@click.option("-q", "--quiet", is_flag=True, help="Say only errors, warnings and hints, "
              "and the results (before or after the command).")
@click.option("-v", "--verbose", is_flag=True, help="Say more: the progress of every "
              "batch, however short (before or after the command).")
@click.option("-c", "--config", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="The project file. [default: guidegen.yaml here or in a folder above]")
@click.option("--allow-outside", is_flag=True,
              help="Let the project file name folders (content, output, templates, packets) "
              "outside the project's folder.")
@click.pass_context
def main(ctx: click.Context, debug: bool, quiet: bool, verbose: bool, config: Path | None,
         allow_outside: bool) -> None:
    """Turn comparison guides written in YAML into print-ready PDF and Word files."""
    ctx.meta["guidegen.debug"] = debug or ctx.meta.get("guidegen.debug", False)
    ctx.meta["guidegen.config"] = config
    ctx.meta["guidegen.allow_outside"] = allow_outside
