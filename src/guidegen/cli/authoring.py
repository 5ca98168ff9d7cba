"""The commands that write files for the user: new, translations, schema, import, reference-doc."""

from __future__ import annotations

from pathlib import Path

import click

from ..builder.options import BuildOptions
from ..errors import UsageError, display_name
from .group import console_of, main
from .params import guides_argument, option, options_of, write_output


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
    from ..project import scaffold

    if source is not None or language is not None:
        if source is None or language is None or title or subjects or path:
            raise click.UsageError("--translate FILE goes with --language TAG, and alone")
        from ..project.starter import new_translation

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
    content = path or options_of(ctx, {}).content
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
    from ..builder.pipeline import find_guides
    from ..project import translate

    options = options_of(ctx, {})
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
    from ..builder.outputs import write_files
    from ..project.schema import SCHEMAS, json_schema_text

    if folder is not None:
        files = {folder / file: json_schema_text(kind).encode() for kind, file in
                 SCHEMAS.items()}
        write_files(files)
        for written in files:
            console_of(ctx).result(f"wrote {written}")
    else:
        write_output(output, json_schema_text(name).encode("utf-8"))


@main.command()
@click.argument("pdf", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("-o", "--output", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True,
              help="The folder to write the sources into.")
@click.option("--force", is_flag=True, help="Replace files that are there already.")
def extract(pdf: Path, folder: Path, force: bool) -> None:
    """Write out the YAML sources an archival PDF (--pdf-variant a-3b) carries."""
    from ..provenance import extract_sources

    for written in extract_sources(pdf, folder, force=force):
        click.echo(f"wrote {written}")


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
    options = options_of(ctx, {})
    if update is not None:
        _update(options, update, source, force, dry_run, accept_changes, reject_changes,
                output is not None or sheet is not None or header_row is not None)
        return
    if dry_run or accept_changes or reject_changes:
        raise UsageError("--dry-run, --accept-changes and --reject-changes go with --update")
    from ..readers import import_guide

    imported = import_guide(source, output, content=options.content, force=force, sheet=sheet,
                            header_row=header_row, language=options.language)
    console_of(ctx).result(f"wrote {imported.guide}  ({imported.subjects} subjects, "
               f"{imported.comparisons} comparisons)")
    for picture in imported.pictures:
        console_of(ctx).result(f"wrote {picture}")


def _update(options: BuildOptions, guide: Path, reviewed: Path, force: bool, dry_run: bool,
            accept: bool, reject: bool, importing: bool) -> None:
    """Run ``import --update``: print the diff, and say what was written."""
    from ..readers.update import update_guide

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


@main.command("reference-doc")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True,
                                                path_type=Path),
              default=Path("reference.docx"), show_default=True,
              help="Where to write it: a regular file, or - for standard output.")
@option("templates")
@click.pass_context
def reference_doc(ctx: click.Context, output: Path, templates: Path | None) -> None:
    """Write the Word reference document: restyle it, then put it in --templates."""
    from ..common.language import Language
    from ..renderers.docx.styles import reference_sample
    from ..theme import load_templates

    options = options_of(ctx, {"templates": templates})
    sample = reference_sample(load_templates(options.templates), Language.of(options.language))
    if write_output(output, sample):
        console_of(ctx).result(f"wrote {output}")
