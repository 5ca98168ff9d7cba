"""Laying a document out in pages for a build: its first layout and the fitter's tries.

Where a PDF helper lays the PDF out (:class:`~.processes.PdfHelper`), it sends where the
pages fell as soon as it knows, and writes a PDF only when asked: the one the build
keeps, while this process finishes the DOCX with its page map. The fitter's tries are
never written (each took as long to write as a third of its layout), nor is a first
layout the fitter tightens. Without a helper, this process lays them out the same way
(:meth:`Pages.here`) and holds every try until the one kept is written; a packet's pages
composed from a shared layout are written at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from ..errors import GuidegenError
from ..renderers import RENDERERS, RenderContext, Rendered, get_preparer, paginating
from .limits import limited_time

if TYPE_CHECKING:
    from ..tree import Document
    from .processes import PdfHelper

Made = Callable[[], tuple["Document", RenderContext]]  # makes a document to lay out again
Writer = Callable[[], Rendered]  # writes the PDF of pages laid out


class Task(Protocol):
    """What :class:`Pages` reads of a task (:class:`~.scheduler.Task`)."""

    @property
    def formats(self) -> tuple[str, ...]:
        """Return the formats the task renders."""

    @property
    def time_limit(self) -> float | None:
        """Return the seconds each of its renders may take."""

    def what(self, name: str) -> str:
        """Return how messages name rendering the task's document as ``name``."""
        ...


class Pages:
    """Lays out the documents of ``task`` in pages, in ``helper`` if there is one."""

    def __init__(self, task: Task, helper: PdfHelper | None) -> None:
        pages = paginating(RENDERERS)
        assert pages is not None  # only a document some format paginates is laid out
        self.renderer, self.task = pages, task
        self.wanted = pages.name in task.formats  # its PDF is written (else its pages only)
        self.helper = helper if helper is not None and pages.runs_in_helper else None
        self._held: list[tuple[PdfHelper, int, Rendered]] = []  # pages laid out, unwritten
        self._keeps: dict[PdfHelper, int] = {}  # what each helper kept beside its last
        self._writing: PdfHelper | None = None  # the one asked to write its pages
        # laid out here, unwritten: every try until one is written (the level found may be
        # any of them; a search makes at most a handful)
        self._here: list[tuple[Rendered, Writer]] = []

    def first(self, helper: PdfHelper | None = None) -> Rendered:
        """Return the PDF of the document submitted to ``helper`` (the helper's), unwritten.

        Its bytes are left unwritten until :meth:`write` (the fitter may lay it out again).
        """
        helper = helper or self.helper
        assert helper is not None
        laid = helper.laid_out() or helper.result()  # raises its error
        self._held.append((helper, helper.token, laid))
        return laid

    def lay(self, made: Sequence[Made], meanwhile: Callable[[], object] = tuple,
            ahead: bool = False) -> list[Rendered]:
        """Return the PDF of each document ``made`` makes, as many side by side as it can.

        The first two are laid out at once by the helper and its twin (forked now, the
        first time), each handed over as soon as it is made; without a twin only the
        first is. Laid out by a helper, each is left unwritten (:meth:`write`,
        :meth:`written`), and this process does ``meanwhile`` while it waits. With
        ``ahead`` (one document, most likely the one kept), the helper writes its PDF as
        soon as it is laid out, while this process is still at ``meanwhile``.
        """
        if self.helper is None:
            return [self.here(*made[0]())]
        helpers = [self.helper]
        twin = self.helper.twin() if len(made) > 1 else None
        if twin is not None:
            helpers.append(twin)
        ahead = ahead and len(made) == 1 and self.wanted
        for helper, make in zip(helpers, made, strict=False):
            self._submit(helper, *make(), early=True, ahead=ahead)
        meanwhile()
        tried, failed = [], None
        for helper in helpers:  # every answer read (none left for the next build)
            try:
                tried.append(self.first(helper))
            except GuidegenError as exc:
                failed = failed or exc
        if failed is not None:
            raise failed
        return tried

    def here(self, document: Document, context: RenderContext) -> Rendered:
        """Return the PDF of ``document`` laid out in this process, its bytes unwritten.

        As the helper does: written by :meth:`written` if it is the one kept. A packet's
        composed from a shared layout (``context.shared``) is written at once.
        """
        with limited_time(self.task.time_limit, self.task.what(self.renderer.name)):
            if context.shared is not None or not hasattr(self.renderer.module(), "laid_pages"):
                return get_preparer(self.renderer.name)(document, context)(None)
            module = self.renderer.module()
            laid: tuple[Rendered, Writer] = module.laid_pages(
                module.prepare_layout(document, context))
            pages, write = laid
        self._here.append((pages, write))
        return pages

    @property
    def side_by_side(self) -> int:
        """Return how many layouts :meth:`lay` makes at once (with the helper's twin)."""
        return 2 if self.helper is not None and self.helper.may_twin else 1

    def write(self, pdf: Rendered) -> None:
        """Start writing ``pdf`` (its bytes), if it is wanted and a helper holds its pages."""
        held = [(helper, token) for helper, token, laid in self._held if laid is pdf]
        if held and self._writing is None and self.wanted:
            helper, token = held[-1]
            if token in (self._keeps.get(helper, 0), helper.token):  # what it holds
                helper.write(token)
                self._writing = helper

    def written(self, pdf: Rendered, again: Made) -> Rendered:
        """Return ``pdf`` with its bytes: written, or laid out again by ``again``'s document.

        ``again`` makes the document ``pdf`` was laid out from; it is laid out again
        (and written) only if neither a helper nor this process holds its pages any more.
        """
        if pdf.data:
            return pdf
        here = next((write for laid, write in self._here if laid is pdf), None)
        if here is None and self.helper is None:
            laid = self.here(*again())  # no longer held: laid out again
            if laid.data:  # composed, written at once
                return laid
            here = self._here[-1][1]
        if here is not None:
            self._here.clear()
            with limited_time(self.task.time_limit, self.task.what(self.renderer.name)):
                return here()
        self.write(pdf)
        helper = self._writing
        if helper is None:
            helper = self.helper
            assert helper is not None  # the in-process pages are written above
            self._submit(helper, *again(), early=False)
        self._held.clear()
        self._keeps.clear()
        self._writing = None
        return helper.result()

    def _submit(self, helper: PdfHelper, document: Document, context: RenderContext,
                early: bool, ahead: bool = False) -> None:
        """Hand ``helper`` the layout of ``document`` (its pages first, if ``early``)."""
        with limited_time(self.task.time_limit, self.task.what(self.renderer.name)):
            layout = self.renderer.module().prepare_layout(document, context)
        self._keeps[helper] = self._kept(helper) if early else 0
        helper.submit(layout, self.task.time_limit, early, self._keeps[helper], ahead)

    def _kept(self, helper: PdfHelper) -> int:
        """Return the token of the pages ``helper`` is to keep beside the next it lays out.

        The first layout if it holds it (the fitter may keep it), else the last it laid
        out for this build: the twin's, a level that fitted while the helper tried
        another, is not laid out again to be written.
        """
        mine = [token for held, token, _ in self._held if held is helper]
        first = self._held[0] if self._held else None
        return first[1] if first is not None and first[0] is helper else \
            (mine[-1] if mine else 0)
