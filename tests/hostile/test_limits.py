"""Hostile input, third pass (issue 23): the same limits for every format, caps on what costs.

``--time-limit`` bounds a document's whole render, every format and every layout of it
(``-f docx`` lays the PDF out for its page count: that counts too). A label, which prints
again and again, holds each placeholder once and at most 300 characters.
"""

from __future__ import annotations

import threading

import pytest

from .small import MINIMAL


def test_docx_alone_stops_at_the_time_limit(small, cli, monkeypatch):
    """The PDF a DOCX is paginated by runs under the document's time limit too.

    The layout is made to hang until a limit stops it (a bound of 60 s for a build
    without one, which then fails otherwise).
    """
    import guidegen.renderers.pdf as pdf

    def hangs(*args: object) -> object:
        threading.Event().wait(60)
        raise AssertionError("no time limit stopped the layout")

    monkeypatch.setattr(pdf, "render", hangs)
    monkeypatch.setattr(pdf, "laid_pages", hangs)  # a guide's pages, laid out unwritten
    result = cli("build", "content/ab.yaml", "-f", "docx", "--time-limit", "1", "-j", "1")
    assert result.exit_code == 3, result.stderr
    assert result.stderr == ("error: rendering 'Alpha vs Beta' took longer than 1 s and was "
                             "stopped (see --time-limit)\n")
    assert small.files() == []


def test_limits_nest_and_the_one_that_ran_out_is_named():
    from guidegen.builder.limits import limited_time
    from guidegen.errors import RenderError

    with pytest.raises(RenderError) as raised, limited_time(0.3, "the whole"), \
            limited_time(30, "a part"):
        threading.Event().wait(30)
    assert str(raised.value) == "the whole took longer than 0.3 s and was stopped " \
                                "(see --time-limit)"
    with pytest.raises(RenderError) as raised, limited_time(30, "the whole"), \
            limited_time(0.3, "a part"):
        threading.Event().wait(30)
    assert str(raised.value).startswith("a part took longer than 0.3 s")


@pytest.mark.parametrize("where", ["theme", "guide"])
def test_a_label_that_multiplies_text_is_refused(small, cli, where):
    many = "{text}" * 40  # each quote forty times over (the theme: 240 kB of them)
    long = "Key " * 100  # printed under every matrix
    labels = f'labels:\n  quoted: "{many}"\n  legend: "{long}"\n'
    if where == "theme":
        small.write("templates/theme.yaml", labels)
        file, line = "templates/theme.yaml", 2
    else:
        small.write("content/ab.yaml", MINIMAL + labels)
        file, line = "content/ab.yaml", MINIMAL.count("\n") + 2
    result = cli("check", "content/ab.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{file}:{line}:11: error: labels.quoted: {{text}} appears 40 times; once is "
        f"enough\n{file}:{line + 1}:11: error: labels.legend: 400 characters; a label holds "
        "at most 300\n"), result.stderr


def test_a_limit_that_ran_out_rings_no_more_while_its_error_is_made(monkeypatch):
    """The clock is stopped before the error is made, not after.

    It rings again every second while the limit is in force: under load (a 2-core machine
    running four suites) the first ring's _Expired took over a second to reach the
    handler, and the second ring raised another _Expired inside RenderError's __init__:
    the build failed with that instead of the time limit's error.
    """
    import signal

    from guidegen import system
    from guidegen.builder import limits
    from guidegen.errors import RenderError

    if not system.has_alarm():  # the portable pass: the watchdog takes the limit out too
        monkeypatch.setattr(system, "has_alarm", lambda: True)
    clocks = []

    class MadeError(RenderError):
        def __init__(self, *args: object) -> None:
            clocks.append((signal.getitimer(signal.ITIMER_REAL), list(limits._LIMITS)))
            super().__init__(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(limits, "RenderError", MadeError)
    with pytest.raises(MadeError, match=r"took longer than 0\.05 s"), \
            limits.limited_time(0.05, "work"):
        threading.Event().wait(60)
    assert clocks == [((0.0, 0.0), [])]  # before: (~1.0 s to the next ring, 1.0), [the limit]
