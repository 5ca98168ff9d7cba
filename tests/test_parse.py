"""The PDF's HTML parsed by libxml2 gives WeasyPrint tinyhtml5's tree (renderers/speed/parse)."""

from __future__ import annotations

import shutil

import pytest
import tinyhtml5

import guidegen
from guidegen.renderers import RenderContext
from guidegen.renderers.pdf import engine, prepare_layout
from guidegen.renderers.pdf.tails import balanced
from guidegen.renderers.speed.parse import parsed
from guidegen.theme import load_templates
from guidegen.theme.folders import builtin_templates

from .conftest import DATA, DEFAULT_GUIDE, ROOT, document_of

GUIDES = sorted(guide for guide in [*DATA.glob("*.yaml"), *(DATA / "pages").glob("*.yaml"),
                                    *(ROOT / "content").glob("*.yaml")]
                if guide.name != "five-mistakes.yaml")  # its five mistakes build nothing


def tree(root) -> list[tuple]:
    """Return every element of ``root`` in document order: depth, tag, attributes, texts."""
    found: list[tuple] = []

    def walk(element, depth: int) -> None:
        found.append((depth, element.tag, list(element.attrib.items()), element.text,
                      element.tail))
        for child in element:
            walk(child, depth + 1)

    walk(root, 0)
    return found


def same_as_tinyhtml5(html: str) -> bool:
    """Return whether :func:`parsed` makes tinyhtml5's tree of ``html`` (True: it refuses)."""
    root = parsed(html)
    return root is None or tree(root) == tree(tinyhtml5.parse(
        html, namespace_html_elements=False))


@pytest.fixture(scope="module")
def default_html() -> str:
    layout = prepare_layout(document_of(guidegen.load(DEFAULT_GUIDE)),
                            RenderContext(load_templates()))
    return layout.html


@pytest.mark.parametrize("guide", GUIDES, ids=lambda guide: guide.name)
def test_each_fixture_guides_pdf_html_is_parsed_fast_into_tinyhtml5s_tree(guide):
    for paper in ("a4", "letter"):
        templates = load_templates(None, paper)
        layout = prepare_layout(document_of(guidegen.load(guide), templates=templates),
                                RenderContext(templates))
        assert layout.folders == (builtin_templates(),)
        even = balanced(layout.html, (), "p { orphans: 3; }\n")  # a balanced layout's
        for html in (layout.html, even):
            root = parsed(html)
            assert root is not None, guide.name  # taken: the fast parse is used
            assert tree(root) == tree(tinyhtml5.parse(html, namespace_html_elements=False))


BREAKS = {  # markup the HTML5 parser builds otherwise, or may: each is refused
    "a table without tbody": ("<tbody>", "", "</tbody>", ""),
    "a block in a paragraph": ("</p>", "<div>x</div></p>"),
    "a paragraph left open": ("</p>", ""),
    "a link in a link": ("</h2>", '<a href="#x"><a href="#y">x</a></a></h2>'),
    "a comment": ("</h2>", "<!-- c --></h2>"),
    "SVG": ("</h2>", '<svg width="1"><rect/></svg></h2>'),
    "an entity without its semicolon": ("&amp;", "&copy"),
    "a carriage return": ("</h2>\n", "</h2>\r\n"),
    "a form feed": ("</h2>", "\x0c</h2>"),
    "an end tag of a void element": ("</h2>", "<br></br></h2>"),
    "a code block's first line break": ("</h2>", "</h2><pre>\nx\n</pre>"),
    "a capital tag": ("<h2", "<H2"),
    "an item outside a list": ("<h2", "<li>x</li><h2"),
    "a row outside a table": ("<h2", "<tr><td>x</td></tr><h2"),
    "text in a table": ("<thead>", "x<thead>"),
    "a heading in a heading": ("</h2>", "<h3>x</h3></h2>"),
    "a tag in the style": ("</style>", "</x></style>"),
    "an element in head": ("</head>", "<div></div></head>"),
    "text before body": ("<body", "x<body"),
    "text after the end": ("</html>\n", "</html>\nx\n"),
    "a processing instruction": ("</h2>", "<?x y?></h2>"),
}


@pytest.mark.parametrize("change", BREAKS.values(), ids=BREAKS.keys())
def test_markup_the_html5_parser_builds_otherwise_is_left_to_tinyhtml5(default_html, change):
    html = default_html
    for old, new in zip(change[::2], change[1::2], strict=True):
        assert old in html
        html = html.replace(old, new, 1) if old != "<tbody>" and old != "</tbody>" \
            else html.replace(old, new)
    assert parsed(html) is None
    assert same_as_tinyhtml5(html)


def test_a_users_templates_are_parsed_by_tinyhtml5(tmp_path, monkeypatch):
    # a user's templates may write anything: their markup is never given to the fast parse
    from guidegen.renderers.pdf import laid_out

    mine = tmp_path / "mine"
    mine.mkdir()
    shutil.copy(builtin_templates() / "document.html.j2", mine / "document.html.j2")
    asked: list[bool] = []
    lay_out = engine.lay_out

    def spy(*args, **kwargs):
        asked.append(args[5])
        return lay_out(*args, **kwargs)

    monkeypatch.setattr(engine, "lay_out", spy)
    for folder in (mine, None):
        templates = load_templates(folder)
        layout = prepare_layout(document_of(guidegen.load(DATA / "minimal.yaml"),
                                            templates=templates), RenderContext(templates))
        assert len(laid_out(layout)[0].pages) >= 1
    assert asked == [False, True]
