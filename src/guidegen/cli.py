"""The ``guidegen`` command line: thin commands over the library API.

Errors are printed here and only here: every :class:`~guidegen.errors.GuidegenError`
becomes its lines on stderr (on a terminal with each source line and a caret) and its
exit status; ``--debug``, before or after the command, adds the traceback. The
build options are made from their one declaration
(:class:`~guidegen.builder.options.BuildOptions`); an option not given leaves the project
file's value (``guidegen.yaml``), else the default. Heavy modules (pydantic, WeasyPrint,
python-docx) are imported inside commands.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Sized
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .builder.kinds import Choice, Choices, Flag, OptionError, Place
from .builder.options import BuildOptions, Option, option_fields
from .console import NORMAL, QUIET, VERBOSE, Console
from .errors import (
    EXIT_CODES,
    GuidegenError,
    Problem,
    StrictError,
    UsageError,
    collect_warnings,
    display_name,
)
from .version import __version__

if TYPE_CHECKING:  # generic in click's types from 8.2; subscripted only for the checker
    _ParamType = click.ParamType[Any, Any]
else:
    _ParamType = click.ParamType

F = Callable[..., Any]


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
        from .builder.progress import reporting

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


class OptionType(_ParamType):
    """The click type of a build option: its value checked by its one declaration."""

    def __init__(self, spec: Option) -> None:
        self.spec = spec
        self.name = spec.name

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        """Return ``value`` as the option holds it, or fail saying what it expected."""
        try:
            return self.spec.check(value)
        except OptionError as exc:
            self.fail(str(exc), param, ctx)

    def shell_complete(self, ctx: click.Context, param: click.Parameter,
                       incomplete: str) -> list[Any]:
        """Return the completions of ``incomplete``: a choice, or a file or folder name."""
        from click.shell_completion import CompletionItem

        kind = self.spec.kind
        if isinstance(kind, Choice) and not isinstance(kind, Choices):
            return [CompletionItem(name) for name in kind.choices
                    if name.startswith(incomplete)]
        if isinstance(kind, Place):
            return [CompletionItem(incomplete, type="file" if kind.file else "dir")]
        return []


def _joined(ctx: click.Context, param: click.Parameter, values: tuple[Any, ...]) -> Any:
    """Return the values of a repeated list option as one (None if not given)."""
    if not values:
        return None
    spec = option_fields()[str(param.name)]
    return spec.check([item for value in values for item in value])


def option(name: str) -> Callable[[F], F]:
    """Return the click option for the build option ``name``, from its declaration."""
    spec = option_fields()[name]
    help_text, kind = spec.help, spec.kind
    if spec.default not in (None, False) and "default" not in help_text:
        help_text += f" [default: {kind.shown(spec.default)}]"
    settings: dict[str, Any] = {"default": None, "help": help_text}  # None: not given
    if isinstance(kind, Flag):  # not given: None, so the project file's value stands
        settings["is_flag"] = True
    else:
        settings.update(type=OptionType(spec), metavar=kind.metavar())
    if isinstance(kind, Choices):
        settings.update(multiple=True, callback=_joined)
    if spec.bare is not None:  # may be given without a value
        settings.update(is_flag=False, flag_value=spec.bare)
    return click.option(*spec.flags, name, **settings)


def options(*names: str) -> Callable[[F], F]:
    """Return the click options of the build options ``names``, in that order."""
    def decorate(command: F) -> F:
        for name in reversed(names):
            command = option(name)(command)
        return command

    return decorate


# the options of every command that builds into the output folder (build, watch)
BUILDING = ("formats", "out", "paper", "templates", "language", "pdf_variant", "pages",
            "strict", "allow_draft", "force", "jobs", "jobs_over_cpus", "time_limit",
            "memory_limit")

guides_argument = click.argument("guides", nargs=-1, type=click.Path(path_type=Path))


def _project(ctx: click.Context) -> Any:
    from .project.config import load_project

    return load_project(ctx.meta.get("guidegen.config"),
                        allow_outside=bool(ctx.meta.get("guidegen.allow_outside")))


def _options(ctx: click.Context, given: dict[str, Any]) -> BuildOptions:
    """Return the build options: defaults, the project file's, then the given ones."""
    options: BuildOptions = _project(ctx).options(**given)
    return options


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


@main.command()
@guides_argument
@options(*BUILDING)
@option("roster")
@option("roster_encoding")
@option("shard")
@option("lms_export")
@option("keep_going")
@option("clean")
@option("print_room")
@click.pass_context
def build(ctx: click.Context, /, guides: tuple[Path, ...], **given: Any) -> None:
    """Build GUIDES (default: every guide in the content folder) into the output folder."""
    from .renderers.speed import fast_start

    fast_start()
    console, started = console_of(ctx), time.monotonic()
    build_options = _options(ctx, given)
    from .builder.scheduler import start_helper_early

    start_helper_early(build_options)  # before the imports below, which it need not wait for
    from .builder.pipeline import build as build_guides

    outputs = build_guides(guides, build_options)
    console.outputs(outputs)
    ctx.meta["guidegen.closing"] = lambda: console.summary(outputs,
                                                           time.monotonic() - started)


@main.command()
@guides_argument
@options(*BUILDING)
@click.pass_context
def watch(ctx: click.Context, /, guides: tuple[Path, ...], **given: Any) -> None:
    """Build GUIDES as build does, then again each time an input is saved (Ctrl-C stops)."""
    from .preview import watch as watch_guides

    project = _project(ctx)
    try:
        watch_guides(lambda: _options(ctx, given), list(guides), project.path,
                     console_of(ctx))
    except KeyboardInterrupt as exc:  # a build interrupted says what holds
        console_of(ctx).tell(getattr(exc, "message", "stopped watching"))


@main.command()
@click.argument("target", required=False, metavar="[GUIDE|PACKET]",
                type=click.Path(dir_okay=False, path_type=Path))
@option("paper")
@option("templates")
@option("language")
@option("pdf_variant")
@option("pages")
@option("jobs")
@option("time_limit")
@option("memory_limit")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to serve on (another than loopback lets other machines in).")
@click.option("--port", type=click.IntRange(0, 65535), default=0,
              help="The port to serve on. [default: a free one]")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the browser.")
@click.pass_context
def serve(ctx: click.Context, /, target: Path | None, host: str, port: int, open_browser: bool,
          **given: Any) -> None:
    """Show GUIDE or PACKET as it will print, in a browser, rebuilt at each save.

    The PDF's pages beside its sections, and the HTML output; renders go to a temporary
    folder, never the output folder. Default: the content folder's first guide.
    """
    from .preview import default_target
    from .preview import serve as serve_target

    project = _project(ctx)
    options = _options(ctx, given)
    try:
        serve_target(lambda: _options(ctx, given),
                     target or default_target(options.content), project.path,
                     console_of(ctx), host=host, port=port, open_browser=open_browser)
    except KeyboardInterrupt as exc:  # a build interrupted says what holds
        console_of(ctx).tell(getattr(exc, "message", "stopped serving"))


@main.command()
@guides_argument
@option("templates")
@option("strict")
@option("release")
@option("allow_draft")
@option("roster")
@option("roster_encoding")
@click.pass_context
def check(ctx: click.Context, /, guides: tuple[Path, ...], **given: Any) -> None:
    """Validate GUIDES (and packets, and a roster), the theme and the style sheet."""
    from .renderers.speed import fast_start

    fast_start()
    from .builder.pipeline import check as check_guides

    checked = check_guides(guides, _options(ctx, given))
    for path, guide in checked.guides:
        console_of(ctx).result(f"ok {path}  ({len(guide.subjects)} subjects, "
                   f"{len(guide.comparisons)} comparisons)")
    for packet in checked.packets:
        rows = "" if packet.recipients is None else f", {_count(packet.recipients, 'recipient')}"
        console_of(ctx).result(f"ok {packet.path}  ({_count(packet.guides, 'guide')}{rows})")


def _count(items: Sized, noun: str) -> str:
    """Return how many ``items`` there are, with ``noun`` in the singular or the plural."""
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


@main.command()
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--guide", "title", help="Add a skeleton guide with this title to the project "
              "instead.")
@click.option("--subjects", help="With --guide: the subjects' ids, comma-separated "
              "(2 to 8). [default: a,b]")
@click.option("--translate", "source", type=click.Path(dir_okay=False, exists=True,
                                                       path_type=Path),
              help="Start a translation of this guide instead (with --language), beside it.")
@click.option("--language", help="With --translate: the translation's language tag, e.g. fr.")
@click.pass_context
def new(ctx: click.Context, path: Path | None, title: str | None, subjects: str | None,
        source: Path | None, language: str | None) -> None:
    """Start a project in PATH, or add a skeleton guide (--guide) or a translation (--translate)."""
    from .project import scaffold

    if source is not None or language is not None:
        if source is None or language is None or title or subjects or path:
            raise click.UsageError("--translate FILE goes with --language TAG, and alone")
        from .project.starter import new_translation

        console_of(ctx).result(f"wrote {new_translation(source, language)}")
        return
    if title is None:
        if subjects:
            raise click.UsageError("--subjects goes with --guide")
        for written in scaffold.new_project(path or Path(".")):
            console_of(ctx).result(f"wrote {written}")
        import shlex

        console_of(ctx).result(f"next: cd {shlex.quote(str(path or '.'))} && guidegen build")
        return
    ids = [s.strip() for s in (subjects or "a,b").split(",") if s.strip()]
    content = path or _options(ctx, {}).content
    console_of(ctx).result(f"wrote {scaffold.new_guide(content, title, ids)}")


@main.command()
@guides_argument
@click.option("--confirm", "confirmed", multiple=True,
              type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Record that this translation matches its source as it is now (repeatable).")
@click.pass_context
def translations(ctx: click.Context, guides: tuple[Path, ...],
                 confirmed: tuple[Path, ...]) -> None:
    """List every translation among GUIDES (default: the content folder) and its state."""
    from .builder.pipeline import find_guides
    from .project import translate

    options = _options(ctx, {})
    root = options.root or Path.cwd()
    if confirmed:
        for path in confirmed:
            digest = translate.confirm(path, root)
            console_of(ctx).result(f"confirmed {path}  (source {digest[:19]}…)")
        return
    found = translate.states(find_guides(guides, options.content), root)
    for state in found:
        console_of(ctx).result(str(state))
    if not found:
        console_of(ctx).result("no translations (a translation names its source with "
                               "translation_of)")


@main.command()
@click.option("--theme", "name", flag_value="theme", help="The theme file's schema instead.")
@click.option("--project", "name", flag_value="project",
              help="The project file's schema instead.")
@click.option("--packet", "name", flag_value="packet",
              help="The packet files' schema instead.")
@click.option("--styles", "name", flag_value="styles",
              help="The style sheet's (styles.yaml) schema instead.")
@click.option("--guide", "name", flag_value="guide", default=True, hidden=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True,
                                                path_type=Path),
              help="Write to this file (a regular file; - is standard output) instead of "
              "standard output.")
@click.option("--write", "folder", type=click.Path(file_okay=False, path_type=Path),
              is_flag=False, flag_value=Path("schema"),
              help="Write every schema into this folder (default: schema/, where a "
              "project's yaml-language-server comments point).")
@click.pass_context
def schema(ctx: click.Context, name: str, output: Path | None, folder: Path | None) -> None:
    """Print the JSON Schema of guide files (or theme.yaml, styles.yaml, packet files...)."""
    from .builder.outputs import write_files
    from .project.schema import SCHEMAS, json_schema_text

    if folder is not None:
        files = {folder / file: json_schema_text(kind).encode() for kind, file in
                 SCHEMAS.items()}
        write_files(files)
        for written in files:
            console_of(ctx).result(f"wrote {written}")
    else:
        write_output(output, json_schema_text(name).encode("utf-8"))


@main.command("import")
@click.argument("source", metavar="FILE", type=click.Path(dir_okay=False, exists=True,
                                                         path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The guide file to write. [default: <content folder>/<FILE's name>.yaml]")
@click.option("--force", is_flag=True, help="Replace the guide file if it exists; with "
              "--update, update from a DOCX built from another revision of GUIDE.")
@click.option("--sheet", help="Of an .xlsx file: the sheet holding the matrix. "
              "[default: the first]")
@click.option("--header-row", type=click.IntRange(min=1), metavar="N",
              help="Of an .xlsx file: the row naming the subjects. [default: the first "
              "naming two or more]")
@click.option("--update", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              metavar="GUIDE", help="Bring the edits in FILE, a DOCX that guidegen built "
              "from GUIDE and a reviewer edited, home to GUIDE.")
@click.option("--dry-run", is_flag=True, help="With --update: print the changes, write "
              "nothing.")
@click.option("--accept-changes", is_flag=True, help="With --update: apply the DOCX's "
              "tracked changes. [default: refuse a DOCX that has any]")
@click.option("--reject-changes", is_flag=True, help="With --update: ignore the DOCX's "
              "tracked changes (take the text as it was before them).")
@click.pass_context
def import_(ctx: click.Context, source: Path, output: Path | None, force: bool,
            sheet: str | None, header_row: int | None, update: Path | None, dry_run: bool,
            accept_changes: bool, reject_changes: bool) -> None:
    """Import a Word document or an Excel matrix (FILE.docx, FILE.xlsx) as a guide.

    With --update GUIDE, FILE is a DOCX built from GUIDE and reviewed in Word: its
    edits go back into GUIDE (see "Reviewing in Word" in the user guide).
    """
    options = _options(ctx, {})
    if update is not None:
        _update(options, update, source, force, dry_run, accept_changes, reject_changes,
                output is not None or sheet is not None or header_row is not None)
        return
    if dry_run or accept_changes or reject_changes:
        raise UsageError("--dry-run, --accept-changes and --reject-changes go with --update")
    from .readers import import_guide

    imported = import_guide(source, output, content=options.content, force=force, sheet=sheet,
                            header_row=header_row, language=options.language)
    console_of(ctx).result(f"wrote {imported.guide}  ({imported.subjects} subjects, "
               f"{imported.comparisons} comparisons)")
    for picture in imported.pictures:
        console_of(ctx).result(f"wrote {picture}")


def _update(options: BuildOptions, guide: Path, reviewed: Path, force: bool, dry_run: bool,
            accept: bool, reject: bool, importing: bool) -> None:
    """Run ``import --update``: print the diff, and say what was written."""
    from .readers.update import update_guide

    if importing:
        raise UsageError("-o, --sheet and --header-row are for importing a new guide, not "
                         "with --update")
    if accept and reject:
        raise UsageError("--accept-changes and --reject-changes: choose one")
    updated = update_guide(guide, reviewed, changes="accept" if accept else
                           "reject" if reject else "refuse", force=force, dry_run=dry_run,
                           templates=options.templates, language=options.language,
                           root=options.root)
    if updated.diff:
        click.echo(updated.diff, nl=False)
    name = display_name(guide)
    if not updated.diff:
        click.echo(f"{name}: unchanged (no edits in {display_name(reviewed)})")
    elif not updated.written:
        click.echo(f"{name}: {updated.edits} edit{'s' * (updated.edits != 1)} "
                   "(--dry-run: nothing written)")
    else:
        click.echo(f"updated {name}  ({updated.edits} edit{'s' * (updated.edits != 1)} from "
                   f"{display_name(reviewed)})")
    if updated.unconfirmed:
        click.echo(f"{name}: not confirmed any more; once reviewed: guidegen translations "
                   f"--confirm {name}")


@main.group()
def manifest() -> None:
    """Work with the manifests of packets built from a roster."""


@manifest.command("merge")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--lms-export", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the whole roster's LMS export (CSV) to this file, as "
              "build --lms-export does for a roster built in one go.")
def merge(folder: Path, lms_export: Path | None) -> None:
    """Merge the shards' manifests in FOLDER into one manifest for the whole roster.

    FOLDER is a packet's output folder (output/new-starter). Every file a shard's
    manifest lists is checked against its SHA-256; a shard that never ran is named.
    """
    from .builder.merge import merge_manifests

    for path in merge_manifests(folder, lms_export):
        click.echo(f"wrote {path}")


@main.command("reference-doc")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True,
                                                path_type=Path),
              default=Path("reference.docx"), show_default=True,
              help="Where to write it: a regular file, or - for standard output.")
@option("templates")
@click.pass_context
def reference_doc(ctx: click.Context, output: Path, templates: Path | None) -> None:
    """Write the Word reference document: restyle it, then put it in --templates."""
    from .common.language import Language
    from .renderers.docx.styles import reference_sample
    from .theme import load_templates

    options = _options(ctx, {"templates": templates})
    sample = reference_sample(load_templates(options.templates), Language.of(options.language))
    if write_output(output, sample):
        console_of(ctx).result(f"wrote {output}")


def write_output(path: Path | None, data: bytes) -> bool:
    """Return whether ``data`` went to the regular file ``path`` (written atomically).

    ``None`` or ``-`` is standard output.
    """
    from .builder.outputs import write_files

    if path is None or str(path) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return False
    write_files({path: data})
    return True


def run() -> None:
    """Run the command line (the console script), then end the process at once.

    Once the command has finished and its output is flushed, the process ends with
    ``os._exit``: tearing down hundreds of imported modules would add a tenth of the
    time of a whole build. A PDF helper process ends with it.
    """
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if not isinstance(exc.code, int | None):
            print(exc.code, file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
