"""A build session: made once from the options, it owns what every build of them shares.

A :class:`Session` holds the language the guides and packets that name none are laid
out in (resolved once), the scheduler (the PDF helper process stays for the next
build), and, for each build, the files read (each input once: :func:`reading_once`),
the settings the outputs depend on (hashed once), the templates and theme (loaded once,
and kept for the next build while their files are unchanged) and the state of each
output folder. Guides, packets and a roster's recipients are all :class:`~.jobs.Job`
objects through one cycle, :meth:`Session.run`: plan, render, collect, commit.

A session may build again and again in one process (a watch loop): each build renders
only what changed since the outputs were written, as any build does, and reuses the
helper process and, if their files are unchanged, the loaded templates.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..errors import Interrupted, UsageError
from ..renderers import Rendered
from .base import PathLike, SessionBase, sort_sources
from .jobs import Batch, Output, commit, refuse_warnings, stamp
from .limits import limited_time
from .options import BuildOptions
from .outputs import finish_interrupted_write, locked, remove_stale_temporaries
from .processes import expect_language

if TYPE_CHECKING:
    from ..content.model import Guide
    from ..tree import Document
    from .packetload import Loaded


class Checked(NamedTuple):
    """What ``check`` validated: each guide with its file, and each packet, loaded."""

    guides: list[tuple[Path, Guide]]
    packets: list[Loaded]


class Session(SessionBase):
    """Builds, checks and renders with one set of options; use it as a context manager."""

    # -- what a session does: check, build, render -----------------------------------------

    def check(self, paths: Sequence[PathLike] = ()) -> Checked:
        """Return the validated guides and packets of ``paths``; raise every problem at once.

        The templates are checked as the writers need them, the dates, the labels and
        the output files: what ``check`` accepts, ``build`` builds.
        """
        from .guides import (
            check_fonts,
            check_labels,
            check_release,
            check_templates,
            find_guides,
            load_checked,
        )
        from .packetload import load_packets
        from .packetplan import refuse_bad_options

        with self.building():
            guide_files, packet_files = sort_sources(paths, self)
            refuse_bad_options(packet_files, self.options)  # --roster goes with one packet
            files = find_guides(guide_files, self.options.content) \
                if guide_files or not packet_files else []
            guides = load_checked(self, files)
            packets = []
            if packet_files:
                with limited_time(self.options.time_limit, "loading the packets"):
                    packets = load_packets(self, packet_files)  # labels and dates too
            check_templates(self)
            check_fonts(self, guides, packets)
            stamp(None)  # SOURCE_DATE_EPOCH, whatever is checked
            check_labels(self, guides)
            if self.options.release:
                check_release([*guides, *(g for packet in packets for g in packet.guides)])
            refuse_warnings(self.options)
        return Checked(list(zip(files, guides, strict=True)), packets)

    def build(self, paths: Sequence[PathLike] = ()) -> list[Output]:
        """Build ``paths`` (default: the content and packets folders); return the outputs.

        See :func:`guidegen.builder.pipeline.build`; with ``keep_going``,
        :func:`.partial.keep_going`.
        """
        if self.options.keep_going:
            from .partial import keep_going

            return keep_going(self, paths, self.build_together)
        return self.build_together(paths)

    def build_together(self, paths: Sequence[PathLike] = ()) -> list[Output]:
        """Build ``paths``, all or nothing: written at once if every one has rendered."""
        from .guides import build_guides, plan_guides
        from .manifest import export_lms
        from .packetplan import load_stale, plan_packets
        from .packets import build_packets
        from .partial import leftovers, packet_leftovers

        expect_language(self.language)  # helpers load its hyphenation patterns ahead
        with self.building(), self.scheduler:
            guide_files, packet_files = sort_sources(paths, self)
            _refuse_output_in_templates(self.options)
            repaired = self._repair(self.options.out)
            guides = plan_guides(self, guide_files) if guide_files or not packet_files \
                else None
            packets = plan_packets(self, packet_files)
            # only now, so an up-to-date build forks nothing (and stops a helper forked
            # on a guess); its WeasyPrint import overlaps loading the content
            self.scheduler.warm_up((guides is not None and bool(guides.todo))
                                   or any(p.stale for p in packets))
            try:
                with limited_time(self.options.time_limit, "loading the packets"):
                    load_stale(self, packets)  # every problem before any render
                pending: list[Batch] = []
                written = [] if guides is None else build_guides(self, guides, pending)
                if guides is not None:
                    leftovers(self, guides.state, pending)
                written += build_packets(self, packets, pending)
                packet_leftovers(self, pending)
                commit(pending, self.options)  # once all rendered, all at once
                export_lms(self.options.lms_export, [plan.manifest for plan in packets])
            except KeyboardInterrupt as exc:
                if repaired and not isinstance(exc, Interrupted):
                    raise Interrupted("interrupted; the outputs are those of an earlier, "
                                      "killed build, whose writing this one finished") from None
                raise
        return written

    def document(self, guide: Guide) -> Document:
        """Return the document tree of ``guide`` as a build lays it out (before fitting)."""
        from .guides import guide_job

        job = guide_job(self, guide, Path(guide.guide.title), "", {})
        assert job.draft is not None  # a loaded guide's job has its draft
        return job.draft.lay(self.templates)

    def render(self, guide: Guide) -> dict[str, Rendered]:
        """Return ``guide`` rendered in memory to each of the session's formats."""
        from .guides import guide_job

        with self.building(), self.scheduler:
            self.scheduler.start(1)
            job = guide_job(self, guide, Path(guide.guide.title), "",
                            {name: Path(name) for name in self.options.formats})
            rendered = self.scheduler.run([self.task(job)])[0]
        return {name: result for name, (result, _) in rendered.items()}

    def _repair(self, folder: Path) -> bool:
        """Finish what a killed build began writing into ``folder``; remove its leftovers."""
        with locked(folder):
            repaired = finish_interrupted_write(folder)
            remove_stale_temporaries(folder)
        return repaired


def _refuse_output_in_templates(options: BuildOptions) -> None:
    """Raise a usage error if the output folder and the templates folder overlap.

    Every file in a templates folder is an input of every output: a build writing into
    it would change its own inputs, and nothing would ever be up to date.
    """
    if options.templates is None:
        return
    out, templates = (Path(os.path.realpath(p)) for p in (options.out, options.templates))
    if out.is_relative_to(templates) or templates.is_relative_to(out):
        raise UsageError(f"the output folder {options.out} and the templates folder "
                         f"{options.templates} overlap: the files a build writes would "
                         "change its own templates, so nothing would ever be unchanged; "
                         "write into another folder")
