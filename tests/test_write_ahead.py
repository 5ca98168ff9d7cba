"""The PDF of the fitter's lone try written ahead by the helper (builder.serving._write_ahead)."""

from __future__ import annotations

import multiprocessing
from types import SimpleNamespace

import pytest

import guidegen
from guidegen.builder import serving
from guidegen.builder.processes import PdfHelper
from guidegen.errors import RenderError
from guidegen.renderers import Rendered

from .conftest import DATA, DEFAULT_GUIDE, FRESH_2

_PDF = SimpleNamespace(name="pdf")  # what the answer reads of the renderer


class _Pipe:
    """A connection whose next message is there or not, as the test says."""

    def __init__(self, waiting: bool) -> None:
        self.waiting = waiting

    def poll(self, timeout: float) -> bool:
        return self.waiting


def _counted(outcome: Rendered | Exception) -> tuple[list[int], serving.Held]:
    calls: list[int] = []

    def write() -> Rendered:
        calls.append(1)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return calls, {7: (write, 30.0)}


def test_the_pages_are_written_ahead_once_and_the_write_answers_with_that_pdf():
    pdf = Rendered(b"%PDF-ahead", 2)
    calls, held = _counted(pdf)
    serving._write_ahead(_Pipe(waiting=False), held, 7, "laying out the PDF")
    assert calls == [1]
    reply = serving._answer(_PDF, "write", None, None, (7, 0), held)  # type: ignore[arg-type]
    assert reply == ("ok", pdf) and calls == [1] and held == {}


def test_a_message_waiting_is_answered_first_and_nothing_is_written():
    calls, held = _counted(Rendered(b"%PDF", 1))
    write = held[7][0]
    serving._write_ahead(_Pipe(waiting=True), held, 7, "laying out the PDF")
    serving._write_ahead(_Pipe(waiting=False), held, 8, "laying out the PDF")  # not held
    assert calls == [] and held == {7: (write, 30.0)}


def test_a_write_ahead_that_fails_fails_when_the_pdf_is_asked_for():
    failure = RenderError("no font draws 'x'")
    calls, held = _counted(failure)
    serving._write_ahead(_Pipe(waiting=False), held, 7, "laying out the PDF")
    assert calls == [1]
    with pytest.raises(RenderError) as raised:
        serving._answer(_PDF, "write", None, None, (7, 0), held)  # type: ignore[arg-type]
    assert raised.value is failure and calls == [1]


@pytest.mark.parametrize(("path", "ahead"), [
    # fitted: its first layout, then the fit model's first try alone (the level below
    # is sure not to fit), most likely kept: written ahead while the DOCX is prepared
    (DEFAULT_GUIDE, 1),
    # fitted, two tries side by side: neither is sure to be kept, none written ahead
    (DATA / "qa-qc-one-page.yaml", 0),
    # fitted, one try at the least level (nothing below it): it fits in height, but
    # leaves a page near-empty, so the first layout is kept; it is not written ahead
    (DATA / "acht-dienstleister.yaml", 0),
    # not fitted: its first layout is written when asked
    (DATA / "minimal.yaml", 0),
])
def test_the_fitters_lone_try_is_written_ahead_and_gives_the_same_pdf(monkeypatch, path,
                                                                     ahead, one_process):
    # the helper (forked after the patches) writes the try's PDF as soon as it has sent
    # its pages; this process waits in the DOCX's preparation until it has (so no message
    # of its own is waiting then), and the one PDF written is the one the build keeps
    import guidegen.builder.trials as trials
    import guidegen.renderers.pdf.engine as engine

    context = multiprocessing.get_context("fork")
    written_ahead, writes = context.Value("i", 0), context.Value("i", 0)
    done = context.Event()
    write_ahead, write_pdf, lay = serving._write_ahead, engine.Laid.write_pdf, trials.Pages.lay

    def noted_write_ahead(connection, held, token, what):
        write_ahead(connection, held, token, what)
        with written_ahead.get_lock():
            written_ahead.value += held[token][0].__name__ == "written_ahead"
        done.set()

    def counted_write(self, *args, **kwargs):
        with writes.get_lock():
            writes.value += 1
        return write_pdf(self, *args, **kwargs)

    def waiting_lay(self, made, meanwhile=tuple, ahead=False):
        def then_wait():
            meanwhile()
            if ahead and not done.wait(60):  # only a broken build waits this long
                raise RenderError("the helper did not write the try's PDF ahead")
        return lay(self, made, then_wait, ahead)

    monkeypatch.setattr(serving, "_write_ahead", noted_write_ahead)
    monkeypatch.setattr(engine.Laid, "write_pdf", counted_write)
    monkeypatch.setattr(trials.Pages, "lay", waiting_lay)
    if PdfHelper._running is not None:
        PdfHelper._running.stop()
    guide = guidegen.load(path)
    try:
        helped = guidegen.render(guide, ["pdf", "docx"], FRESH_2)
    finally:
        PdfHelper._running.stop()  # not to be reused by later tests with the patches in it
    monkeypatch.undo()
    assert written_ahead.value == ahead and writes.value == 1
    assert helped["pdf"].data == one_process(path)["pdf"]
    assert helped["docx"].data == one_process(path)["docx"]
