"""One style sheet for every writer: templates/styles.yaml and what it makes.

The per-role parity test reads each output with a reader guidegen did not write:
WeasyPrint's computed style of every element of a role (what the PDF is drawn with) and
python-docx's reading of the Word style that role's paragraphs and runs take,
following base styles. Both must say the same font, size, weight, slant, colour,
alignment, capitals, letter spacing, line height and spacing, on every fixture and on
the example packet; and the same texts must take the same role in both.
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from pathlib import Path

import cssselect2
import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn

import guidegen
from guidegen.theme import load_templates

from .conftest import DATA, DEFAULT_GUIDE, ROOT, TRANSLATIONS, write_yaml
from .readers import normalize, unbroken

FIXTURES = [DEFAULT_GUIDE, *TRANSLATIONS,
            *(p for p in sorted(DATA.glob("*.yaml")) if p.stem != "five-mistakes"),
            *sorted(DATA.glob("pages/*.yaml"))]
PACKETS = [ROOT / "packets" / "new-starter.yaml", *sorted(DATA.glob("packets/*.yaml"))]
PX = 0.75  # points per CSS pixel
_ALIGN = {None: "left", WD_ALIGN_PARAGRAPH.LEFT: "left", WD_ALIGN_PARAGRAPH.CENTER: "center",
          WD_ALIGN_PARAGRAPH.RIGHT: "right", WD_ALIGN_PARAGRAPH.JUSTIFY: "justify"}
_MARGIN_BOXES = {"@top-left": "header", "@top-right": "header", "@bottom-left": "footer",
                 "@bottom-right": "footer", "@bottom-center": "footer"}


# -- what the PDF sets: WeasyPrint's computed style of each role's elements ---------------

class HtmlRoles:
    """Every element of every role in an HTML output, laid out by WeasyPrint.

    An element's role is that of the most specific role selector of the style sheet it
    matches, as the cascade decides between their rules.
    """

    def __init__(self, path: Path, styles) -> None:
        import weasyprint

        html = weasyprint.HTML(filename=str(path))
        self.styles = styles
        self.root = cssselect2.ElementWrapper.from_html_root(html.etree_element)
        self.paragraph = self._roles(styles.paragraphs)
        self.span = self._roles(styles.spans)
        self.found: dict[str, list[tuple[str, dict]]] = defaultdict(list)
        self.seen: set = set()
        for page in html.render().pages:
            self._walk(page._page_box, page._page_box.page_type.blank)

    def _roles(self, looks) -> dict:
        # the most specific selector an element matches; of equals, the one said last
        # (cssselect2's matcher: each element tested against the selectors its tag, id or
        # classes could match, rather than every element against every selector)
        matcher = cssselect2.Matcher()
        for role, look in looks.items():
            for selector in cssselect2.compile_selector_list(look.html) if look.html else ():
                matcher.add_selector(selector, role)
        found = {}
        for element in self.root.iter_subtree():
            matched = matcher.match(element)  # (specificity, order, pseudo-element, role)
            if matched:
                found[element.etree_element] = max(matched, key=lambda m: m[:2])[3]
        return found

    def _walk(self, box, blank: bool) -> None:
        keyword = getattr(box, "at_keyword", None)
        if keyword in _MARGIN_BOXES and box.children:
            # a blank page's words; its packet page number is a footer's
            role = "blank-page" if blank and keyword == "@bottom-center" else \
                _MARGIN_BOXES[keyword]
            self.found[role].append(("", box.style))
        element = getattr(box, "element", None)
        role = self.paragraph.get(element) or self.span.get(element)
        if role is not None and "::" not in getattr(box, "element_tag", "") and \
                not type(box).__name__.startswith(("Line", "Text")) and element not in self.seen:
            self.seen.add(element)
            for text in self._texts(element):
                self.found[role].append((text, box.style))
        for child in getattr(box, "children", ()):
            self._walk(child, blank)

    def _texts(self, element) -> list[str]:
        """Return the text of ``element`` but that of elements inside with roles of their own.

        A span's text is in pieces between such elements, as Word's runs of its style are
        ("(" and ")" around a printed address, a link): a paragraph's is one.
        """
        span = element in self.span
        roles = self.span if span else self.paragraph
        pieces = [[element.text or ""]]
        for child in element:
            if child not in roles:
                pieces[-1].append(self._text_all(child, roles))
            elif span:
                pieces.append([])
            pieces[-1].append(child.tail or "")
        texts = [normalize("".join(piece)) for piece in pieces]
        return [text for text in texts if text] or [""]

    def _text_all(self, element, roles) -> str:
        if element.tag.split("}")[-1] == "br":
            return " "
        parts = [element.text or ""]
        for child in element:
            if child not in roles:
                parts.append(self._text_all(child, roles))
            parts.append(child.tail or "")
        return "".join(parts)


def css_look(style) -> dict:
    """Return what the parity test compares of one WeasyPrint computed style."""
    size = style["font_size"] * PX
    height = style["line_height"]
    pitch = None if height == "normal" else round(
        height.value * PX if getattr(height, "unit", None) == "px" else
        (getattr(height, "value", height)) * size, 2)
    spacing = style["letter_spacing"]
    return {"family": tuple(style["font_family"]), "size": round(size, 2),
            "bold": style["font_weight"] >= 600, "italic": style["font_style"] == "italic",
            "color": "#{:02x}{:02x}{:02x}".format(*(round(c * 255) for c in style["color"][:3])),
            "align": {"start": "left", "end": "right"}.get(style["text_align_all"],
                                                          style["text_align_all"]),
            "caps": style["text_transform"] == "uppercase",
            "letter_spacing": 0.0 if spacing == "normal" else round(spacing * PX, 2),
            "line": pitch,
            "before": round(style["margin_top"].value * PX, 2),
            "after": round(style["margin_bottom"].value * PX, 2)}


# -- what the DOCX sets: the Word style of each role's paragraphs and runs ----------------

def resolved(style, get, default=None):
    """Return the first value ``get`` finds on ``style`` and its base styles."""
    while style is not None:
        value = get(style)
        if value is not None:
            return value
        style = style.base_style
    return default


def _letter_spacing(style):
    rpr = style.element.rPr
    found = rpr.find(qn("w:spacing")) if rpr is not None else None
    return None if found is None else int(found.get(qn("w:val"))) / 20


def word_look(style) -> dict:
    """Return what the parity test compares of a Word paragraph style, bases followed."""
    fmt = lambda get: resolved(style, lambda s: get(s.paragraph_format))  # noqa: E731
    rule = fmt(lambda f: f.line_spacing_rule)
    line = fmt(lambda f: f.line_spacing)
    color = resolved(style, lambda s: s.font.color.rgb if s.font.color.type else None)
    return {"font": resolved(style, lambda s: s.font.name),
            "size": resolved(style, lambda s: s.font.size).pt,
            "bold": bool(resolved(style, lambda s: s.font.bold)),
            "italic": bool(resolved(style, lambda s: s.font.italic)),
            "color": f"#{color}".lower() if color is not None else None,
            "align": _ALIGN[fmt(lambda f: f.alignment)],
            "caps": bool(resolved(style, lambda s: s.font.all_caps)),
            "letter_spacing": resolved(style, _letter_spacing, 0.0),
            "line": round(line.pt, 2) if rule == WD_LINE_SPACING.EXACTLY else None,
            "before": round(fmt(lambda f: f.space_before).pt, 2),
            "after": round(fmt(lambda f: f.space_after).pt, 2)}


def word_roles(path: Path, styles) -> dict[str, list[tuple[str, object]]]:
    """Return (text, Word style) of every paragraph and styled run of a DOCX, by role."""
    paragraph_role = {look.word: role for role, look in styles.paragraphs.items()}
    span_role = {look.word: role for role, look in styles.spans.items()}
    document = docx.Document(str(path))
    # python-docx finds a paragraph's or run's style by reading every style of the file
    # again: the same answers, each asked once (0.95 -> 0.12 s of CPU for a 5-page DOCX)
    document.part.get_style = functools.cache(document.part.get_style)
    found: dict[str, list[tuple[str, object]]] = defaultdict(list)

    def paragraphs(container):
        yield from container.paragraphs
        for table in getattr(container, "tables", ()):
            for row in table.rows:
                for cell in row.cells:
                    yield from paragraphs(cell)

    stories = [document]
    for section in document.sections:
        stories += [section.header, section.footer, section.first_page_header,
                    section.first_page_footer]
    for story in stories:
        for paragraph in paragraphs(story):
            role = paragraph_role.get(paragraph.style.name)
            # a contents entry: before its page number
            text = unbroken(paragraph.text.split("\t")[0])
            if role is not None:
                found[role].append((normalize(text), paragraph.style))
            for role, text in _span_runs(paragraph, span_role):
                found[role].append((normalize(text), document.styles[styles.spans[role].word]))
    return found


def _span_runs(paragraph, span_role) -> list[tuple[str, str]]:
    """Return (role, text) of each run of runs of one span role in ``paragraph``."""
    found: list[tuple[str, str]] = []
    last = None
    for item in paragraph.iter_inner_content():
        for run in getattr(item, "runs", [item]):  # a hyperlink holds runs
            role = span_role.get(run.style.name if run.style is not None else "")
            if role is not None and role == last:
                found[-1] = (role, found[-1][1] + run.text)
            elif role is not None:
                found.append((role, run.text))
            last = role
    return found


# -- the parity test -----------------------------------------------------------------------

def render(document, templates, folder: Path, stem: str) -> tuple[Path, Path]:
    """Write ``document`` as HTML and DOCX into ``folder``, both from the same templates."""
    from guidegen.renderers import RenderContext
    from guidegen.renderers.docx import render as render_docx
    from guidegen.renderers.html import render_html

    context = RenderContext(templates)
    html, word = folder / f"{stem}.html", folder / f"{stem}.docx"
    html.write_text(render_html(document, context), encoding="utf-8")
    word.write_bytes(render_docx(document, context).data)
    return html, word


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Return the HTML and DOCX of every fixture guide and packet, by name.

    Each is laid out once and rendered by both writers with the same templates; the
    default guide also with the theme tightened as page fitting tightens it.
    """
    from guidegen.common.language import Language
    from guidegen.content.loader import load_all
    from guidegen.content.packet import guide_paths, load_packet
    from guidegen.layout.guide import layout_guide
    from guidegen.layout.labels import labels_for
    from guidegen.layout.packet import PacketLayout

    english = Language.of("en")

    def lay_out(guide, templates):
        return layout_guide(guide, templates, labels_for(guide, templates, english))

    folder = tmp_path_factory.mktemp("parity")
    templates = load_templates()
    found = {path.stem: render(lay_out(guidegen.load(path), templates), templates,
                               folder, path.stem) for path in FIXTURES}
    tight = templates.with_theme(templates.theme.tightened(1.7))
    found["tightened"] = render(lay_out(guidegen.load(DEFAULT_GUIDE), tight), tight,
                                folder, "tightened")
    for path in PACKETS:
        packet = load_packet(path)
        guides = load_all(guide_paths(packet, ROOT / "content"))
        layout = PacketLayout(packet, guides, templates, language=english)
        found[path.stem] = render(layout.document(), templates, folder, path.stem)
    return found


def _styles():
    return load_templates().styles


@pytest.mark.parametrize("stem", [p.stem for p in (*FIXTURES, *PACKETS)] + ["tightened"])
def test_every_role_looks_the_same_in_the_pdf_and_in_word(built, stem):
    styles = _styles()
    if stem == "tightened":
        styles = load_templates().with_theme(styles.theme.tightened(1.7)).styles
    html_path, docx_path = built[stem]
    pdf, word = HtmlRoles(html_path, styles), word_roles(docx_path, styles)
    theme = styles.theme
    from guidegen.common.language import Language

    tag = re.search(r'<html lang="([^"]+)"', html_path.read_text("utf-8")).group(1)
    language = Language.of(tag)
    # the running header and footer; and the watermark, which Word draws as a shape in
    # the header (its font and colour the role's: tests/test_control_print.py)
    margin_boxes = {"header", "footer", "blank-page", "watermark"}
    said = {role for role, found in pdf.found.items() if any(text for text, _ in found)}
    assert said - margin_boxes == {role for role, found in word.items()
                                   if any(text for text, _ in found)} - margin_boxes, stem
    for role in sorted(word):
        instances = pdf.found.get(role, [])
        if role in styles.paragraphs:
            wanted = word_look(word[role][0][1])
            for style in {id(s): s for _, s in instances}.values():
                got = css_look(style)
                keys = [k for k in type(theme.fonts).model_fields
                        if got["family"][:-1] == tuple(theme.font_stack(k, language))]
                assert any(theme.word_font(k, language) == wanted["font"] for k in keys), \
                    (stem, role, got["family"], wanted["font"])
                skip = {"family", "font"} | ({"align", "before", "after"}
                                             if role in margin_boxes else set())
                for key, value in wanted.items():
                    if key in skip:
                        continue
                    assert got[key] == pytest.approx(value, abs=0.26) if isinstance(
                        value, float) else got[key] == value, (stem, role, key, got[key], value)
        else:
            _span_parity(stem, role, instances, word[role][0][1])
        if role not in margin_boxes:
            assert {t for t, _ in instances if t} == {t for t, _ in word[role] if t}, \
                (stem, role)


def _span_parity(stem, role, instances, style) -> None:
    """A span role: what its Word character style sets, its elements' computed style has."""
    font = style.font
    color = f"#{font.color.rgb}".lower() if font.color.type else None
    for _, computed in instances:
        got = css_look(computed)
        for key, value in (("bold", font.bold), ("italic", font.italic), ("color", color),
                           ("caps", font.all_caps)):
            if value is not None:
                assert got[key] == value, (stem, role, key)


# -- a user's styles.yaml restyles every format alike ---------------------------------------

def test_a_user_style_sheet_restyles_one_role_in_the_pdf_the_html_and_the_docx(project, cli):
    (project / "mine").mkdir()
    write_yaml(project / "mine", "styles.yaml", "paragraphs:\n"
               "  subheading: {color: partial, size: 14, weight: normal, style: italic,\n"
               "               space_before: 30}\n")
    assert cli("build", "-f", "pdf,docx,html", "--templates", "mine").exit_code == 0
    out = project / "output"
    styles = load_templates(project / "mine").styles
    look = styles.paragraph("subheading")
    assert (look.color, look.size, look.bold, look.italic) == ("#8a5a00", 14.0, False, True)
    assert look.space_before == pytest.approx(30 * styles.theme.sizes.spacing)
    html = out / "cmo-cdmo-cro.html"
    pdf_side = HtmlRoles(html, styles).found["subheading"]
    assert {t for t, _ in pdf_side} >= {"Responsibilities", "Industry Focus"}
    word = word_roles(out / "cmo-cdmo-cro.docx", styles)["subheading"]
    for _, computed in pdf_side:
        got = css_look(computed)
        assert (got["color"], got["size"], got["bold"], got["italic"], got["before"]) == (
            "#8a5a00", 14.0, False, True, pytest.approx(look.space_before, abs=0.01))
    wanted = word_look(word[0][1])
    assert (wanted["color"], wanted["size"], wanted["bold"], wanted["italic"],
            wanted["before"]) == ("#8a5a00", 14.0, False, True,
                                  pytest.approx(look.space_before, abs=0.05))
    # the PDF itself: the heading's words are set at 14 pt (poppler's reading of it)
    from .readers import pdf_text

    boxes = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">Responsibilities<',
                       pdf_text(out / "cmo-cdmo-cro.pdf", "-bbox"))
    assert boxes and float(boxes[0][1]) - float(boxes[0][0]) == pytest.approx(14, abs=0.1)


def test_a_user_style_sheet_only_restyles_and_keeps_every_other_key(project):
    write_yaml(project, "styles.yaml", "spans:\n  who: {color: accent}\n")
    styles = load_templates(project).styles
    builtin = load_templates().styles
    assert styles.spans["who"].color == builtin.theme.colors.accent
    assert styles.spans["who"].bold is True  # the built-in sheet's, kept
    assert styles.paragraphs == builtin.paragraphs


# -- bad style sheets: located errors, from check and build alike -----------------------------

@pytest.mark.parametrize(("text", "message"), [
    ("paragraphs:\n  headng: {color: accent}\n",
     "mine/styles.yaml:2:3: error: paragraphs: unknown role 'headng' (did you mean 'heading'?)"),
    ("paragraphs:\n  heading: {colour: accent}\n",
     "mine/styles.yaml:2:13: error: paragraphs.heading: unknown key 'colour' (did you mean "
     "'color'?)"),
    ("spans:\n  label: {color: x}\n",
     "mine/styles.yaml:2:18: error: spans.label.color: 'x' is not in the theme's colors"),
    ("paragraphs:\n  footer: {size: 0.5}\n",
     "mine/styles.yaml:2:18: error: paragraphs.footer.size: expected points from 1 to 1638, "
     "or a theme size like small"),
    ("paragraphs:\n  heading: {size: heading1 * 2}\n",
     "mine/styles.yaml:2:19: error: paragraphs.heading.size: expected points from 1 to 1638"),
    ("paragraphs:\n  audience: {space_after: 1e30}\n",
     "mine/styles.yaml:2:27: error: paragraphs.audience.space_after: input should be less "
     "than or equal to 1584"),
    ("paragraphs:\n  table-corner: {base: no-such-role}\n",
     "mine/styles.yaml:2:24: error: paragraphs.table-corner.base: 'no-such-role' is not a "
     "paragraph role"),
    ("paragraphs:\n  table-cell: {base: table-row-head}\n",
     "mine/styles.yaml:2:22: error: paragraphs.table-cell.base: roles based on each other: "
     "table-cell -> table-row-head -> table-cell\n1 error in 1 file"),
    ("paragraphs:\n  heading: {html: 'h2 { color: red }'}\n",
     "mine/styles.yaml:2:19: error: paragraphs.heading.html: expected a CSS selector"),
    ("tables:\n  matrix: {padding: {vertical: -1}}\n",
     "mine/styles.yaml:2:32: error: tables.matrix.padding.vertical: expected points from 0 to "
     "1584"),
    ("- a list\n", "mine/styles.yaml:1:1: error: styles.yaml must be a mapping of style roles"),
])
def test_a_bad_style_sheet_is_a_located_error_in_check_and_build(project, cli, text, message):
    (project / "mine").mkdir()
    write_yaml(project / "mine", "styles.yaml", text)
    for command in ("check", "build"):
        result = cli(command, "--templates", "mine")
        assert result.exit_code == 1, result.output
        assert message in result.stderr, result.stderr
    assert not (project / "output").exists()


def test_an_old_word_styles_file_is_named_as_not_read(project, cli):
    (project / "mine").mkdir()
    write_yaml(project / "mine", "word-styles.yaml", "paragraph: {}\n")
    result = cli("check", "--templates", "mine")
    assert result.exit_code == 0
    assert "mine/word-styles.yaml: warning: not read: the Word styles are made from " \
        "styles.yaml now" in result.stderr
    assert cli("check", "--strict", "--templates", "mine").exit_code == 1


# -- generated once, from one place ---------------------------------------------------------

def test_every_role_with_a_selector_has_a_rule_that_says_all_of_it():
    from guidegen.common.language import Language
    from guidegen.renderers.html.css import role_css

    styles, english = _styles(), Language.of("en")
    rules = role_css(styles, english).rules()
    for role, look in styles.paragraphs.items():
        if look.html:
            rule = re.search(re.escape(look.html) + r" \{ ([^}]*) \}", rules).group(1)
            said = {part.split(":")[0] for part in rule.split("; ")}
            assert {"font-family", "font-size", "font-weight", "font-style", "color",
                    "text-align", "text-transform", "letter-spacing", "line-height",
                    "margin", "hyphens"} <= said, role
    assert role_css(load_templates().styles, english) is role_css(styles, english)  # made once


def test_the_layout_measures_in_the_faces_of_the_style_sheet(project):
    from guidegen.common.language import Language
    from guidegen.layout.widths import field_widths

    english = Language.of("en")
    items = [("Document", "TRN-GD-001"), ("Version", "1.0"), ("Approved by", "Someone")]
    builtin = field_widths(items, load_templates().styles, english)
    write_yaml(project, "styles.yaml", "paragraphs:\n  control-label: {size: 14}\n"
               "fields:\n  control: {gap: 40}\n")
    bigger = field_widths(items, load_templates(project).styles, english)
    assert bigger[0] > builtin[0] and bigger[1] > builtin[1]


def test_the_shipped_schema_validates_the_style_sheet_and_names_its_roles():
    import jsonschema
    import yaml

    schema = json.loads((ROOT / "schema" / "styles.schema.json").read_text(encoding="utf-8"))
    text = (ROOT / "src" / "guidegen" / "templates" / "styles.yaml").read_text(encoding="utf-8")
    data = json.loads(json.dumps(yaml.safe_load(text)))
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(data)) == []
    assert list(validator.iter_errors({"paragraphs": {"headng": {"word": "x"}}})) != []
    assert text.startswith("# yaml-language-server: $schema=../schema/styles.schema.json")


def test_a_reference_document_still_wins_for_word(project, cli):
    (project / "mine").mkdir()
    reference = project / "mine" / "reference.docx"
    assert cli("reference-doc", "-o", str(reference)).exit_code == 0
    document = docx.Document(str(reference))
    document.styles["Heading 1"].font.color.rgb = docx.shared.RGBColor(0xAA, 0, 0)
    document.save(str(reference))
    write_yaml(project / "mine", "styles.yaml", "paragraphs:\n  heading: {color: partial}\n")
    assert cli("build", "-f", "docx,html", "--templates", "mine").exit_code == 0
    built = docx.Document(str(project / "output" / "cmo-cdmo-cro.docx"))
    assert str(built.styles["Heading 1"].font.color.rgb) == "AA0000"  # Word: the reference
    assert "h2 { font-family" in (project / "output" / "cmo-cdmo-cro.html").read_text("utf-8")
