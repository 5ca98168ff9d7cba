"""The HTML output in a real browser (Debian's chromium): phone and desktop widths."""

from __future__ import annotations

import pytest
from PIL import Image

import guidegen

from .conftest import DATA, DEFAULT_GUIDE
from .readers import chromium_probe, chromium_screenshot


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    guidegen.build([str(DATA / "acht-dienstleister.yaml"), str(DATA / "excipients.yaml"),
                    str(DEFAULT_GUIDE)],
                   guidegen.BuildOptions(out=out, force=True, formats=("html",)))
    return out


@pytest.mark.parametrize("width", [390, 1200])
@pytest.mark.parametrize("stem", ["acht-dienstleister", "excipients", "cmo-cdmo-cro"])
def test_no_word_breaks_and_the_page_never_scrolls_sideways(pages, tmp_path, stem, width):
    probe = chromium_probe(pages / f"{stem}.html", width, tmp_path / "profile")
    assert probe["broken"] == []
    assert probe["pageScrolls"] is False
    # the matrix's criteria column; the control block's approvals and history have none
    sticky = [box["sticky"] for box in probe["boxes"]]
    assert sticky[0] == "sticky" and sticky[1:] == ["static"] * (len(sticky) - 1)
    assert len(sticky) > 1


def test_a_wide_matrix_scrolls_in_its_own_box_on_a_phone_only(pages, tmp_path):
    html = pages / "acht-dienstleister.html"
    assert chromium_probe(html, 390, tmp_path / "a")["boxes"][0]["scrolls"] is True
    assert chromium_probe(html, 1200, tmp_path / "b")["boxes"][0]["scrolls"] is False


@pytest.mark.parametrize("stem", ["acht-dienstleister", "cmo-cdmo-cro"])
def test_the_criteria_column_takes_at_most_40_per_cent_of_a_phone(pages, tmp_path, stem):
    # its longest German compound ("Qualitätssicherungsvereinbarung") took 300 of 390 px;
    # it is hyphenated to fit instead (and no word breaks without a hyphen: above)
    probe = chromium_probe(pages / f"{stem}.html", 390, tmp_path / "profile")
    assert all(0.1 < box["criteria"] <= 0.40 for box in probe["boxes"]), probe["boxes"]
    assert probe["broken"] == []


@pytest.mark.parametrize("width", [390, 1200])
def test_screenshots_at_phone_and_desktop_widths(pages, tmp_path, width):
    shot = chromium_screenshot(pages / "acht-dienstleister.html", width,
                               tmp_path / f"shot-{width}.png", tmp_path / "profile")
    with Image.open(shot) as image:
        assert image.width == width
        colours = image.convert("L").getextrema()
    assert colours[0] < 80 and colours[1] > 200  # text drawn on a light page


def test_the_probe_sees_a_word_broken_across_lines(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html><body><div class="table-box"><table><tbody><tr>'
                    '<th style="position: sticky">x</th></tr></tbody></table></div>'
                    '<p style="width: 40px; overflow-wrap: anywhere">Chargenzertifizierung'
                    "</p></body></html>", encoding="utf-8")
    assert chromium_probe(page, 390, tmp_path / "profile")["broken"] == ["Chargenzertifizierung"]
