"""The HTML output in a real browser (Debian's chromium): phone and desktop widths."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable, Iterator

import pytest
from PIL import Image

from .conftest import DEFAULT_GUIDE
from .readers import Chromium, chromium_probe, chromium_screenshot


@pytest.fixture(scope="module")
def pages(a4, tmp_path_factory):
    """Return a folder with the HTML of three guides: the session's A4 build's (an HTML
    build of its own gives the same bytes), copied, as the probe writes beside them."""
    out = tmp_path_factory.mktemp("html")
    for stem in ("acht-dienstleister", "excipients", DEFAULT_GUIDE.stem):
        shutil.copyfile(a4.path(stem, "html"), out / f"{stem}.html")
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[Chromium]:
    """Return one chromium for the module's pages: each opened in a new context and window
    of its width, as a chromium of its own opens it (the same findings and screenshots,
    compared case by case; a chromium start fewer a page, 0.6 s of CPU each)."""
    kept = Chromium(tmp_path_factory.mktemp("chromium"))
    try:
        yield kept
    finally:
        kept.close()


@pytest.fixture(scope="module")
def probed(pages, browser) -> Callable[[str, int], dict]:
    """Return a function giving the probe's findings for a guide of ``pages`` laid out
    ``width`` px wide: one page of ``browser`` for each guide and width, whichever tests read
    it."""
    found: dict[tuple[str, int], dict] = {}

    def probe(stem: str, width: int) -> dict:
        if (stem, width) not in found:
            found[stem, width] = chromium_probe(pages / f"{stem}.html", width, browser)
        return copy.deepcopy(found[stem, width])

    return probe


@pytest.mark.parametrize("width", [390, 1200])
@pytest.mark.parametrize("stem", ["acht-dienstleister", "excipients", "cmo-cdmo-cro"])
def test_no_word_breaks_and_the_page_never_scrolls_sideways(probed, stem, width):
    probe = probed(stem, width)
    assert probe["broken"] == []
    assert probe["pageScrolls"] is False
    # the matrix's criteria column; the control block's approvals and history have none
    sticky = [box["sticky"] for box in probe["boxes"]]
    assert sticky[0] == "sticky" and sticky[1:] == ["static"] * (len(sticky) - 1)
    assert len(sticky) > 1


def test_a_wide_matrix_scrolls_in_its_own_box_on_a_phone_only(probed):
    assert probed("acht-dienstleister", 390)["boxes"][0]["scrolls"] is True
    assert probed("acht-dienstleister", 1200)["boxes"][0]["scrolls"] is False


@pytest.mark.parametrize("stem", ["acht-dienstleister", "cmo-cdmo-cro"])
def test_the_criteria_column_takes_at_most_40_per_cent_of_a_phone(probed, stem):
    # its longest German compound ("Qualitätssicherungsvereinbarung") took 300 of 390 px;
    # it is hyphenated to fit instead (and no word breaks without a hyphen: above)
    probe = probed(stem, 390)
    assert all(0.1 < box["criteria"] <= 0.40 for box in probe["boxes"]), probe["boxes"]
    assert probe["broken"] == []


@pytest.mark.parametrize("width", [390, 1200])
def test_screenshots_at_phone_and_desktop_widths(pages, browser, tmp_path, width):
    shot = chromium_screenshot(pages / "acht-dienstleister.html", width,
                               tmp_path / f"shot-{width}.png", browser)
    with Image.open(shot) as image:
        assert image.width == width
        colours = image.convert("L").getextrema()
    assert colours[0] < 80 and colours[1] > 200  # text drawn on a light page


def test_the_probe_sees_a_word_broken_across_lines(browser, tmp_path):
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html><body><div class="table-box"><table><tbody><tr>'
                    '<th style="position: sticky">x</th></tr></tbody></table></div>'
                    '<p style="width: 40px; overflow-wrap: anywhere">Chargenzertifizierung'
                    "</p></body></html>", encoding="utf-8")
    found = chromium_probe(page, 390, browser)
    assert found["broken"] == ["Chargenzertifizierung"]
