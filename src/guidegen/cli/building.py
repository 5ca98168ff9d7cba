"""The commands that build and check: build, watch, serve, check and manifest merge."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from .group import console_of, main
from .params import BUILDING, count, guides_argument, option, options, options_of, project_of


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
    from ..renderers.speed import fast_start

    fast_start()
    console, started = console_of(ctx), time.monotonic()
    build_options = options_of(ctx, given)
    from ..builder.scheduler import start_helper_early

    start_helper_early(build_options)  # before the imports below, which it need not wait for
    from ..builder.pipeline import build as build_guides

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
    from ..preview import watch as watch_guides

    project = project_of(ctx)
    try:
        watch_guides(lambda: options_of(ctx, given), list(guides), project.path,
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
    from ..preview import default_target
    from ..preview import serve as serve_target

    project = project_of(ctx)
    options = options_of(ctx, given)
    try:
        serve_target(lambda: options_of(ctx, given),
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
    from ..renderers.speed import fast_start

    fast_start()
    from ..builder.pipeline import check as check_guides

    checked = check_guides(guides, options_of(ctx, given))
    for path, guide in checked.guides:
        console_of(ctx).result(f"ok {path}  ({len(guide.subjects)} subjects, "
                   f"{len(guide.comparisons)} comparisons)")
    for packet in checked.packets:
        rows = "" if packet.recipients is None else f", {count(packet.recipients, 'recipient')}"
        console_of(ctx).result(f"ok {packet.path}  ({count(packet.guides, 'guide')}{rows})")


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
    from ..builder.merge import merge_manifests

    for path in merge_manifests(folder, lms_export):
        click.echo(f"wrote {path}")
