"""Edge cases: odd input, odd options, odd callers. Each once slipped through."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import threading
import zipfile

import docx
import pikepdf
import pytest

import guidegen
from guidegen.builder.processes import PdfHelper
from guidegen.errors import ContentError

from .conftest import DATA, DEFAULT_GUIDE, JOBS_1, JOBS_2, write_yaml

MINIMAL = (DATA / "minimal.yaml").read_text(encoding="utf-8")


def title_of(pdf: bytes) -> str:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return str(document.docinfo["/Title"])


@pytest.mark.parametrize(("template", "attribute"), [
    ('{{ theme.parse_file("x.pkl", proto="pickle", allow_pickle=True) }}', "parse_file"),
    ("{{ theme.model_dump_json() }}", "model_dump_json"),
    ("{{ theme.scripts.model_copy() }}", "model_copy"),
])
def test_templates_cannot_call_pydantic_machinery(project, cli, template, attribute):
    write_yaml(project / "mine" / "blocks" if (project / "mine" / "blocks").mkdir(
        parents=True) is None else project, "heading.html.j2", template + "\n")
    result = cli("build", "-f", "html", "--templates", "mine")
    assert result.exit_code == 1
    assert f"access to attribute '{attribute}'" in result.stderr


def test_renders_from_threads_get_their_own_pdf():
    guides = [guidegen.load(DEFAULT_GUIDE), guidegen.load(DATA / "minimal.yaml")]
    titles: dict[int, str] = {}

    def work(n: int) -> None:
        titles[n] = title_of(guidegen.render(guides[n % 2], ["pdf", "docx"], JOBS_2)["pdf"].data)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert titles == {n: guides[n % 2].guide.title for n in range(4)}


def test_a_forked_child_starts_its_own_helper():
    guide = guidegen.load(DATA / "minimal.yaml")
    guidegen.render(guide, ["pdf", "docx"], JOBS_2)  # this process now has a helper
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render, report, leave without running pytest's exit code
        try:
            ok = title_of(guidegen.render(guide, ["pdf", "docx"], JOBS_2)["pdf"].data)
            os.write(write, ok.encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    assert os.read(read, 100).decode() == "Alpha vs Beta"


@pytest.mark.parametrize("limit", ["1e300", "inf", "nan", "0"])
def test_impossible_time_limits_are_usage_errors(project, cli, limit):
    result = cli("build", "-f", "html", "--time-limit", limit)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("change", "message"), [
    (("Two things compared.", "'a &#12; b'"), "intro: character U+000C is not allowed"),
    (("summary: Alpha is first.", "summary: Alpha is first.\n    groups: []"), None),
    (("values: {alpha: yes, beta: no}\n", "values: {alpha: yes, beta: no}\n"
      "  - {kind: per-subject, title: P, values: {alpha: [], beta: x}}\n"),
     "values.alpha: expected at least one item"),
    (("title: Alpha vs Beta", "title: Alpha vs Beta\n  date: 0"), "guide.date: expected a date"),
])
def test_odd_content_is_a_located_error_or_fine(tmp_path, change, message):
    path = write_yaml(tmp_path, "g.yaml", MINIMAL.replace(*change))
    if message is None:
        assert guidegen.load(path).subjects[0].groups == ()
        return
    with pytest.raises(ContentError) as caught:
        guidegen.load(path)
    assert any(message in str(p) and p.location.line for p in caught.value.problems)


def test_markdown_errors_in_literal_blocks_name_the_file_line(tmp_path):
    text = MINIMAL.replace("intro: Two things compared.",
                           "intro: |\n  Fine.\n\n  ## Not a heading here\n")
    with pytest.raises(ContentError) as caught:
        guidegen.load(write_yaml(tmp_path, "g.yaml", text))
    assert str(caught.value.problems[0]).endswith(
        "g.yaml:6:3: error: intro: headings are not allowed here; the guide's structure "
        "makes the headings")


def test_two_guides_with_one_output_name_are_refused(project, cli):
    for folder in ("a", "b"):
        write_yaml(project / "content" / folder if (project / "content" / folder).mkdir()
                   is None else project, "x.yaml", MINIMAL)
    result = cli("build", "content/a/x.yaml", "content/b/x.yaml", "-f", "html")
    assert result.exit_code == 2
    assert "content/a/x.yaml and content/b/x.yaml would both write output/x.html" in \
        result.stderr
    assert cli("build", "content/a/x.yaml", "./content/a/x.yaml", "-f", "html").exit_code == 0


def test_an_output_docx_works_as_a_reference_document(project, cli, a4):
    # the default guide's DOCX as the session's A4 build wrote it: the bytes of this
    # project's `guidegen build -f docx` (the theme's paper), not built again here
    (project / "mine").mkdir()
    shutil.copyfile(a4.path(DEFAULT_GUIDE.stem, "docx"), project / "mine" / "reference.docx")
    assert cli("build", "-f", "pdf,docx", "--templates", "mine", "--force").exit_code == 0
    path = project / "output" / "cmo-cdmo-cro.docx"
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
    assert len(names) == len(set(names))
    footer = docx.Document(str(path)).sections[0].footer
    assert [p.text for p in footer.paragraphs] == [
        "TRN-GD-001 · Version 1.0 · Effective November 24, 2026 · Uncontrolled when printed"
        "\tPage 1 of 2"]


def test_relative_urls_in_user_templates_resolve_in_the_user_folder(project, cli):
    from PIL import Image

    (project / "mine" / "blocks").mkdir(parents=True)
    Image.new("RGB", (30, 30), (200, 0, 0)).save(project / "mine" / "pic.png")
    write_yaml(project / "mine" / "blocks", "fields.html.j2",
               '<dl></dl><img src="pic.png" alt="A red square">\n')
    assert cli("build", "-f", "pdf", "--templates", "mine").exit_code == 0
    listing = subprocess.run(["pdfimages", "-list", str(project / "output" / "cmo-cdmo-cro.pdf")],
                             capture_output=True, text=True, check=True).stdout.splitlines()
    # two heading lines, then the picture of each fields block the user's template draws:
    # the title block's and the document-control block's
    assert len(listing) == 2 + 2


def test_a_url_refused_inside_an_svg_fails_the_build(project, cli):
    (project / "mine" / "blocks").mkdir(parents=True)
    svg = ("data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='9' "
           "height='9'><image href='file:///etc/passwd' width='9' height='9'/></svg>")
    write_yaml(project / "mine" / "blocks", "heading.html.j2",
               f'<h2>{{{{ block.text }}}}</h2><img alt="" src="{svg}">\n')
    result = cli("build", "-f", "pdf", "--templates", "mine")
    assert result.exit_code == 1
    assert "refused to fetch 'file:///etc/passwd'" in result.stderr


def test_a_fake_logo_and_a_list_theme_and_a_bad_style_reference_are_located(project, cli):
    (project / "mine").mkdir()
    (project / "mine" / "logo.png").write_text("not an image")
    write_yaml(project / "mine", "theme.yaml", "logo: logo.png\n")
    result = cli("build", "--templates", "mine")
    assert (result.exit_code, "logo.png: error: not a PNG or JPEG image" in result.stderr) == (
        1, True)
    write_yaml(project / "mine", "theme.yaml", "- a list\n")
    assert "theme.yaml must be a mapping" in cli("check", "--templates", "mine").stderr
    (project / "mine" / "theme.yaml").unlink()
    from guidegen.theme.folders import builtin_templates

    styles = (builtin_templates() / "styles.yaml").read_text()
    write_yaml(project / "mine", "styles.yaml", styles.replace("color: accent", "color: x"))
    result = cli("check", "--templates", "mine")
    assert result.exit_code == 1
    assert "mine/styles.yaml:" in result.stderr and "'x' is not in the theme's colors" \
        in result.stderr


def test_numbered_lists_keep_their_start_in_word(project, cli):
    guide = project / "content" / "cmo-cdmo-cro.yaml"
    guide.write_text(guide.read_text(encoding="utf-8").replace(
        "sections:\n", "sections:\n  - title: Steps\n    body: |\n      0. zero\n      1. one\n"
        "\n      Text.\n\n      1. again\n", 1), encoding="utf-8")
    assert cli("build", "-f", "docx").exit_code == 0
    numbering = docx.Document(str(project / "output" / "cmo-cdmo-cro.docx")).part \
        .numbering_part.element.xml
    assert '<w:startOverride w:val="0"/>' in numbering
    assert numbering.count("<w:startOverride") == 2  # the second list starts over


def test_long_words_stay_inside_the_page(project, cli):
    guide = project / "content" / "cmo-cdmo-cro.yaml"
    word = "Pharmacovigilance" * 12
    guide.write_text(guide.read_text(encoding="utf-8").replace(
        "criterion: Regulatory compliance", f"criterion: {word}").replace(
        "Understanding the roles", f"{word} Understanding the roles"), encoding="utf-8")
    assert cli("build", "-f", "pdf").exit_code == 0
    bbox = subprocess.run(["pdftotext", "-bbox", str(project / "output" / "cmo-cdmo-cro.pdf"),
                           "-"], capture_output=True, text=True, check=True).stdout
    for page in bbox.split("<page ")[1:]:  # upright, or turned for the matrix
        width = float(page.split('width="')[1].split('"')[0])
        right_edges = [float(part.split('"')[1]) for part in page.split("xMax=")[1:]]
        assert max(right_edges) <= width - 22 / 25.4 * 72 + 1  # minus the right margin


def test_the_helper_is_what_renders_the_pdf(monkeypatch):
    submitted = []
    original = PdfHelper.submit
    monkeypatch.setattr(PdfHelper, "submit",
                        lambda self, *args, **kwargs: (submitted.append(1),
                                                       original(self, *args, **kwargs)))
    guidegen.render(guidegen.load(DATA / "minimal.yaml"), ["pdf", "docx"], JOBS_2)
    assert submitted == [1]
    guidegen.render(guidegen.load(DATA / "minimal.yaml"), ["pdf", "docx"], JOBS_1)
    assert submitted == [1]
