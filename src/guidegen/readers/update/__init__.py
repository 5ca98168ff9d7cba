"""``guidegen import --update``: a reviewed DOCX that guidegen built, back into its guide file.

Every block of a guidegen DOCX carries the key of the value it shows (a bookmark,
:mod:`guidegen.tree.keys`), and the DOCX the hash of the guide file it was built from.
:func:`update_guide` reads the reviewed DOCX (:mod:`.found`), lays the guide out as a
build does (:mod:`.expected`), matches the two (:mod:`.body`, :mod:`.tables`), and
writes each value the reviewer changed back into the guide file where it was, keeping
everything else in the file byte for byte (:mod:`.yamledit`); the new file is loaded
as ``check`` loads it before it is written, and a failed update writes nothing.

Tracked changes are refused unless accepted or rejected (each one listed, located);
comments are warnings, located, with the value they are about (:mod:`.notes`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ...errors import (
    ContentError,
    Location,
    Problem,
    UsageError,
    display_name,
    set_aside_warnings,
    warn,
)

Changes = Literal["refuse", "accept", "reject"]


@dataclass(frozen=True)
class Updated:
    """What an update did: the guide, its diff, the edits made, and whether it was written."""

    guide: Path
    diff: str
    edits: int
    written: bool
    unconfirmed: bool = False  # a translation's confirmation withdrawn


def update_guide(guide: Path, reviewed: Path, *, changes: Changes = "refuse",
                 force: bool = False, dry_run: bool = False, templates: Path | None = None,
                 language: str = "en", root: Path | None = None) -> Updated:
    """Bring the edits in ``reviewed`` (a DOCX built from ``guide``) home to ``guide``.

    ``changes``: what to do with tracked changes (refuse them, accept or reject them);
    ``force``: update from a DOCX built from another revision of the guide file;
    ``dry_run``: write nothing. ``templates`` and ``language`` are the build's, so that
    the guide is laid out as its DOCX was.
    """
    from ...builder.outputs import write_files
    from ...common.language import Language
    from ...common.yamlsource import decode, digest_of, parse_yaml, read_source
    from ...content.loader import load, load_text
    from ...files import named_root
    from ...layout.guide import layout_guide
    from ...layout.labels import labels_for
    from ...renderers.docx import REVISION_PROPERTY
    from ...theme import load_templates
    from ..docx import read_docx
    from ..draft import Draft
    from ..printed import without_printed
    from .body import match_body
    from .edits import write
    from .expected import expected
    from .found import Reader
    from .notes import comments, keys_of, tracked
    from .review import Review
    from .values import Values
    from .yamledit import EditError, YamlEdits

    if reviewed.suffix.lower() != ".docx":
        raise UsageError(f"{display_name(reviewed)}: --update reads the DOCX a guide was "
                         "built into (.docx)")
    root = root or Path.cwd()
    file = display_name(guide)
    data = read_source(guide, named_root(guide, root), file)
    text = decode(data, file)
    with set_aside_warnings():
        model = load(guide, root)
    # the link addresses and notes printed for paper are no text of the guide (as in import)
    document = without_printed(read_docx(reviewed))
    _check_revision(document.custom.get(REVISION_PROPERTY, ""), digest_of(data), reviewed,
                    file, force)
    loaded = load_templates(templates)
    labels = labels_for(model, loaded, Language.of(language))
    tree = layout_guide(model, loaded, labels)
    guide_side = expected(tree)
    mode: Literal["accept", "reject"] = "reject" if changes == "reject" else "accept"
    reader = Reader(guide_side.all_keys(), mode)
    found = reader.read(document)
    matched = match_body(guide_side, found)
    key_at = keys_of(list(found.paragraphs()), matched.assigned)
    for note in comments(document):
        problem = note.problem(key_at(note.where), "warning")
        warn(problem.location, problem.message, problem.path)
    pending = tracked(document)
    if pending and changes == "refuse":
        error = ContentError.collect(note.problem(key_at(note.where)) for note in pending)
        error.message += ("; accept or reject them (in Word, or here with --accept-changes "
                          "or --reject-changes)")
        raise error
    draft = Draft(display_name(reviewed), changes=mode)
    values = Values(draft, mode)
    old, _ = parse_yaml(text, file)
    edits = Review(model, old, guide_side, matched, values,
                   labels.texts.subject_heading, mode).run()
    yaml = YamlEdits(text)
    try:
        count = write(edits, yaml, file)
        new = yaml.result()
    except EditError as exc:
        raise ContentError.collect([Problem(Location(file), f"the edits from "
                                            f"{display_name(reviewed)} cannot be written "
                                            f"into the file as it is written: {exc}")]) \
            from None
    unconfirmed = False
    if new != text and model.translation_of is not None and \
            model.translation_of.confirmed is not None:
        from ...project.translate import with_translation_of

        new = with_translation_of(new, file, model.translation_of.source, None, (
            f"updated from {reviewed.name} by `guidegen import --update`: confirm it "
            "again (`guidegen translations --confirm`)"))
        unconfirmed = True
    if new != text:
        try:
            load_text(new, file, guide, root)  # what check accepts, before writing
        except ContentError as error:
            error.message += (f" (the lines of {file} as the edits from "
                              f"{display_name(reviewed)} would write it; nothing written)")
            raise
    diff = "".join(difflib.unified_diff(text.splitlines(True), new.splitlines(True),
                                        f"{file} (before)", f"{file} (after)"))
    written = new != text and not dry_run
    if written:
        write_files({guide: new.encode("utf-8")})
    return Updated(guide, diff, count if new != text else 0, written, unconfirmed)


def _check_revision(built: str, now: str, reviewed: Path, file: str, force: bool) -> None:
    """Refuse a DOCX not built by guidegen, or built from another revision (unless forced)."""
    docx = display_name(reviewed)
    if not built:
        raise ContentError.collect([Problem(Location(docx), "not built by guidegen from a "
                                            "guide (it records no source revision); import "
                                            "it as a new guide with `guidegen import`")])
    if built != now and not force:
        raise ContentError.collect([Problem(Location(docx), (
            f"built from revision {_short(built)} of {file}, which is now at revision "
            f"{_short(now)}: its edits would undo what changed since; build the DOCX again "
            "and have that reviewed, or update with --force"))])


def _short(digest: str) -> str:
    return digest[:len("sha256:") + 12] + "…"


__all__ = ["Changes", "Updated", "update_guide"]
