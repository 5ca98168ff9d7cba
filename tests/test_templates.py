"""Templates: user folders override built-ins; errors are located; the sandbox holds."""

from __future__ import annotations

import subprocess

import docx
import pytest
from docx.enum.text import WD_LINE_SPACING

from .conftest import write_yaml


def user_templates(project, name: str, text: str):
    folder = project / "mine"
    (folder / "blocks").mkdir(parents=True, exist_ok=True)
    write_yaml(folder, name, text)
    return folder


def test_a_user_block_template_overrides_the_built_in_one(project, cli):
    user_templates(project, "blocks/heading.html.j2",
                   '<h{{ block.level }} class="mine">{{ block.text | upper }}'
                   '</h{{ block.level }}>\n')
    result = cli("build", "-f", "html", "--templates", "mine")
    assert result.exit_code == 0, result.output
    html = (project / "output" / "cmo-cdmo-cro.html").read_text(encoding="utf-8")
    assert '<h2 class="mine">CHIEF MEDICAL OFFICER (CMO)</h2>' in html
    assert '<table class="matrix cols-3">' in html  # the rest still comes from the built-ins


def test_a_user_theme_overrides_single_keys(project, cli):
    user_templates(project, "theme.yaml", "colors:\n  accent: '#aa0000'\n")
    assert cli("build", "-f", "html", "--templates", "mine").exit_code == 0
    html = (project / "output" / "cmo-cdmo-cro.html").read_text(encoding="utf-8")
    assert "#aa0000" in html and "#0b3954" in html  # accent replaced, heading colour kept


def test_a_bad_user_theme_value_is_located_in_the_user_file(project, cli):
    user_templates(project, "theme.yaml", "colors:\n  accent: red\n")
    result = cli("check", "--templates", "mine")
    assert result.exit_code == 1
    assert result.stderr.startswith("mine/theme.yaml:2:11: error: colors.accent: ")


@pytest.mark.parametrize(("template", "expected"), [
    ("{% if %}\n", "mine/blocks/heading.html.j2:1: error: "),
    ("<p>\n{{ block.missing_field }}</p>\n", "mine/blocks/heading.html.j2:2: error: "),
    ("\n\n{{ ''.__class__.__mro__ }}\n", "mine/blocks/heading.html.j2:3: error: "),
    ("{% for i in range(10**9) %}{% endfor %}\n", "mine/blocks/heading.html.j2:1: error: "),
])
def test_template_errors_are_located_without_traceback(project, cli, template, expected):
    user_templates(project, "blocks/heading.html.j2", template)
    result = cli("build", "-f", "html", "--templates", "mine")
    assert result.exit_code == 1
    assert result.stderr.startswith(expected), result.stderr
    assert "Traceback" not in result.output
    assert not (project / "output").exists()


def test_sandbox_refuses_unsafe_attributes_with_a_clear_message(project, cli):
    user_templates(project, "blocks/heading.html.j2", "{{ ''.__class__.__mro__ }}\n")
    result = cli("build", "-f", "html", "--templates", "mine")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "mine/blocks/heading.html.j2:1: error: not allowed in templates: access to "
        "attribute '__class__' of 'str' object is unsafe.")


def test_autoescape_covers_j2_templates(project, cli):
    guide = project / "content" / "cmo-cdmo-cro.yaml"
    text = guide.read_text(encoding="utf-8").replace(
        "title: Conclusion", "title: \"<b>Conclusion</b> & {{ 7*7 }}\"")
    guide.write_text(text, encoding="utf-8")
    assert cli("build", "-f", "html").exit_code == 0
    html = (project / "output" / "cmo-cdmo-cro.html").read_text(encoding="utf-8")
    assert '<h2 id="section-1">&lt;b&gt;Conclusion&lt;/b&gt; &amp; {{ 7*7 }}</h2>' in html


def test_missing_templates_folder_is_an_error(project, cli):
    result = cli("build", "--templates", "nowhere")
    assert result.exit_code == 5
    assert "nowhere: error: templates folder not found" in result.stderr


def small_png(path):
    from PIL import Image

    Image.new("RGB", (120, 40), (11, 57, 84)).save(path)


def test_a_theme_logo_appears_in_pdf_docx_and_html(project, cli):
    (project / "mine").mkdir()
    small_png(project / "mine" / "logo.png")
    write_yaml(project / "mine", "theme.yaml", "logo: logo.png\nlogo_height: 12\n")
    assert cli("build", "-f", "pdf,docx,html", "--templates", "mine").exit_code == 0
    out = project / "output"
    images = subprocess.run(["pdfimages", "-list", str(out / "cmo-cdmo-cro.pdf")],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(images) == 3  # two header lines and the logo
    document = docx.Document(str(out / "cmo-cdmo-cro.docx"))
    assert len(document.inline_shapes) == 1
    assert round(document.inline_shapes[0].height.mm) == 12
    # its line grows with it: an exact line pitch (as text has) would crop it to a strip
    (holder,) = [p for p in document.paragraphs if p._p.xpath(".//w:drawing")]
    spacing = holder.style.paragraph_format
    assert spacing.line_spacing_rule != WD_LINE_SPACING.EXACTLY
    assert 'src="data:image/png;base64,' in (out / "cmo-cdmo-cro.html").read_text("utf-8")


@pytest.mark.parametrize(("logo", "message"), [
    ("../content/x.png", "content/x.png: error: is outside mine; guidegen reads no "
     "file outside the folder it belongs to"),
    ("logo.svg", "theme.yaml:1:7: error: logo: "),
])
def test_a_logo_outside_the_templates_or_not_an_image_is_refused(project, cli, logo, message):
    (project / "mine").mkdir()
    small_png(project / "content" / "x.png")
    write_yaml(project / "mine", "theme.yaml", f"logo: {logo}\n")
    result = cli("build", "--templates", "mine")
    assert result.exit_code in (1, 5)
    assert message in result.stderr
