"""Guides as jobs of a build session: found, planned from bytes, loaded, laid out.

Each guide file is one :class:`~.jobs.Job` whose outputs go to the output folder, named
after the file. Whether it is up to date is decided from its bytes (and a translation's
source's) before the content model is imported; only the guides to render are loaded,
each laid out by a :class:`GuideDraft` and fitted to its pages (its ``handout.pages`` or
``--pages``, and no near-empty last page: :mod:`.fitting`).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..common.language import Language
from ..content.packetfile import GUIDE_SUFFIXES
from ..errors import ContentError, Location, Problem, ResourceError, UsageError
from ..renderers import RENDERERS, extension
from .jobs import (
    Fitting,
    Job,
    Output,
    inputs_of,
    owner_name,
    plan,
    refuse_shared_outputs,
    stamp,
)
from .limits import limited_time
from .state import BuildState, digest, folder_digest, folder_files

if TYPE_CHECKING:
    from ..content.model import Guide
    from ..content.packet import Packet
    from ..layout.labels import Labels
    from ..theme import Templates
    from ..tree import Document
    from .base import PathLike, SessionBase
    from .jobs import Batch
    from .packetload import Loaded



@dataclass(frozen=True)
class GuideDraft:
    """Lays out one guide, in its labels' language, dated ``date``; picklable."""

    guide: Guide
    labels: Labels
    date: datetime.datetime | None

    def lay(self, templates: Templates) -> Document:
        """Return the guide's document tree, laid out with ``templates``."""
        from ..layout.guide import layout_guide

        return layout_guide(self.guide, templates, self.labels, date=self.date)


def find_guides(paths: Sequence[PathLike] = (), content: Path = Path("content")) -> list[Path]:
    """Return the guide files named by ``paths`` (files or folders), default ``content``."""
    found: list[Path] = []
    for path in map(Path, paths or [content]):
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in GUIDE_SUFFIXES)
        elif path.exists() or paths:
            found.append(path)
    if not found:
        where = ", ".join(map(str, paths)) or str(content)
        raise UsageError(f"no guides found in {where} (looked for *.yaml)")
    unique = {path.resolve(): path for path in reversed(found)}  # a file named twice: once
    return [path for path in found if unique.get(path.resolve()) is path]


def source_date(guide: Guide) -> datetime.datetime | None:
    """Return the date stamped into the files: ``SOURCE_DATE_EPOCH``, else the guide's."""
    info = guide.guide
    return stamp(info.date or (info.document.effective if info.document else None))


def targets(session: SessionBase, path: Path) -> dict[str, Path]:
    """Return the output file of each format of the guide at ``path``."""
    out = session.options.out
    return {name: out / f"{path.stem}.{extension(name)}" for name in session.options.formats}


def guide_job(session: SessionBase, guide: Guide, path: Path, key: str,
              files: dict[str, Path]) -> Job:
    """Return the job of the loaded ``guide`` (from ``path``): laid out, and fitted.

    A guide built from its file (``key``: its outputs' hash) has a fit hint (:mod:`.fithint`):
    kept by its path and the settings, so that it outlives an edit of the guide.
    """
    from ..layout.labels import labels_for

    labels = labels_for(guide, session.templates, session.language)
    handout, pages = guide.handout, session.options.pages
    where = guide.locate("handout", "pages") if handout and not pages else None
    hint = digest(["fit hint", str(path.resolve()), *(
        f"{name}={value}" for name, value in session.fingerprints.items())]) if key else ""
    fitting = Fitting(pages or (handout.pages if handout else None), where, hint=hint)
    return Job(path, key, files, owner_name("the guide", path, session.project),
               GuideDraft(guide, labels, source_date(guide)), fitting)


class GuidePlan(NamedTuple):
    """The guides of a build: every job, those to render, the outputs up to date."""

    jobs: list[Job]
    todo: list[Job]
    done: dict[Path, Output]
    state: BuildState


def plan_guides(session: SessionBase, paths: Sequence[PathLike]) -> GuidePlan:
    """Return which of the guide files ``paths`` to render, from their bytes alone."""
    options = session.options
    state = session.state(options.out)
    jobs = [Job(path, digest([*session.settings, *inputs_of(path, session.project)]),
                targets(session, path), owner_name("the guide", path, session.project))
            for path in find_guides(paths, options.content)]
    refuse_shared_outputs(jobs)
    todo, done = plan(jobs, state, options.force)
    return GuidePlan(jobs, todo, done, state)


def load_guides(session: SessionBase, paths: Sequence[Path]) -> list[Guide]:
    """Return the guides at ``paths``, loaded within the time limit; raise every problem."""
    from ..content.loader import load_all

    with limited_time(session.options.time_limit, "loading the guides"):
        return load_all(paths, root=session.options.root)


def build_guides(session: SessionBase, guides: GuidePlan, pending: list[Batch]) -> list[Output]:
    """Render the guides ``guides`` says to; add their files to ``pending``; return outputs."""
    def load(jobs: list[Job]) -> list[Job]:
        loaded = load_guides(session, [job.source for job in jobs])
        return [guide_job(session, guide, job.source, job.key, job.targets)
                for job, guide in zip(jobs, loaded, strict=True)]

    outputs, files = session.run(guides.jobs, guides.state, load=load,
                                 planned=(guides.todo, guides.done))
    if files:
        pending.append((files, guides.state))
    return outputs


def load_checked(session: SessionBase, paths: Sequence[Path]) -> list[Guide]:
    """Return the guides at ``paths`` loaded for ``check``: no two write one output file."""
    refuse_shared_outputs([Job(path, "", targets(session, path)) for path in paths])
    return load_guides(session, paths) if paths else []


def check_labels(session: SessionBase, guides: Sequence[Guide]) -> None:
    """Check what ``build`` resolves of each guide: its labels, and its date.

    A language without labels is a warning.
    """
    from ..layout.labels import labels_for

    for guide in guides:
        labels_for(guide, session.templates, session.language)
        source_date(guide)


def check_release(guides: Sequence[Guide]) -> None:
    """Raise the reasons why any of ``guides`` cannot be released (``check --release``)."""
    from ..content.control import release_problems

    problems = [p for guide in guides
                for p in release_problems(guide.guide.document, guide.locate)]
    if problems:
        raise ContentError.collect(list(dict.fromkeys(problems)))


def check_templates(session: SessionBase) -> None:
    """Run every check the writers rely on over the templates: what passes, builds.

    The template folders' files (regular, inside, not too large), the user's templates
    (compiled: a syntax error is located), the style sheet, the logo (decoded), and a
    ``reference.docx`` (its package, then its styles, by the Word writer's own check,
    which needs python-docx only then).
    """
    from ..theme.sheet import warn_old_word_styles

    templates = session.templates
    folder_digest(templates.folders)
    overrides = [path.relative_to(folder).as_posix() for folder in templates.folders[:-1]
                 for path in folder_files(folder)
                 if path.name.endswith(".j2") and path.is_file()]
    if overrides:  # Jinja is imported only then
        from ..renderers.html.templating import compile_templates

        compile_templates(templates.folders, overrides)
    templates.styles  # noqa: B018 - validates
    warn_old_word_styles(templates.folders)
    templates.logo()
    if templates.reference is not None:
        from ..renderers.docx.styles import reference_document

        reference_document(templates, session.language)


def check_fonts(session: SessionBase, guides: Sequence[Guide], packets: Sequence[Loaded]) -> None:
    """Check the theme's fonts for every language the PDFs of a build are written in.

    Only if a PDF is laid out (as an output, or for the page map of one): ``check``
    asks what ``build`` would.
    """
    from ..theme.fonts import require_theme_fonts

    if not any(RENDERERS[name].paginates or RENDERERS[name].needs_page_map
               for name in session.options.formats):
        return
    default = session.options.language
    found = [default]
    for packet in packets:
        found += [packet.packet.packet.language or default,
                  *(guide.guide.language or default for guide in packet.guides)]
    found += (guide.guide.language or default for guide in guides)
    require_theme_fonts(session.templates.theme,
                        [Language.of(tag) for tag in dict.fromkeys(found)])
    require_glyphs([*(packet.packet for packet in packets),
                    *(guide for packet in packets for guide in packet.guides), *guides])


def require_glyphs(documents: Sequence[Guide | Packet]) -> None:
    """Raise :class:`ResourceError` at each character of ``documents`` no installed font has.

    The PDF's layout finds them too (and fails): ``check`` says so first, at the place
    each was first written.
    """
    from ..common.characters import missing_font_message
    from ..native import uncovered

    first: dict[str, Location] = {}
    for document in documents:
        for char, where in document.characters().items():
            first.setdefault(char, where)
    missing = uncovered(sorted(first)) if first else []
    by_place: dict[Location, list[str]] = {}
    for char in missing:
        by_place.setdefault(first[char], []).append(char)
    if by_place:
        raise ResourceError.collect(Problem(where, missing_font_message(chars))
                                    for where, chars in by_place.items())
