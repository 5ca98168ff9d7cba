"""The document tree owns its vocabulary: one closed set of roles, each node its own."""

from __future__ import annotations

from typing import Literal, get_args, get_origin, get_type_hints

import pytest

import guidegen
from guidegen import tree
from guidegen.common.language import Language
from guidegen.tree.roles import ROLES, Role

from .conftest import GOOD_FIXTURES, ROOT, document_of

ROLE_HOLDERS = (tree.Section, tree.Heading, tree.Paragraph, tree.ListBlock, tree.Fields,
                tree.Table, tree.Cell, tree.Image, tree.Contents, tree.Span)


def packet_document(recipient=None):
    """Return the tree of the example packet (lines to fill in, or for ``recipient``)."""
    from guidegen.content.loader import load_all
    from guidegen.content.packet import guide_paths, load_packet
    from guidegen.layout.packet import PacketLayout
    from guidegen.theme import load_templates

    packet = load_packet(ROOT / "packets" / "new-starter.yaml")
    guides = load_all(guide_paths(packet, ROOT / "content"))
    return PacketLayout(packet, guides, load_templates(None, None),
                        language=Language.of("en")).document(recipient)


def allowed(kind) -> set[str | None]:
    """Return the roles the ``role`` field of node type ``kind`` takes (None: no role)."""
    hints = get_type_hints(kind)
    return _names(hints["role"]) if "role" in hints else {None}


def _names(hint) -> set[str | None]:
    if hint is type(None):
        return {None}
    if get_origin(hint) is Literal:
        return set(get_args(hint))
    return set().union(*(_names(part) for part in get_args(hint)))


def used_roles(document) -> set[tuple[type, str | None]]:
    """Return (node type, role) of every block, cell and span of ``document``."""
    found: set[tuple[type, str | None]] = set()

    def inlines(nodes):
        for node in nodes:
            if isinstance(node, tree.Span):
                found.add((tree.Span, node.role))
            inlines(getattr(node, "children", ()))

    for block in document.walk():
        found.add((type(block), getattr(block, "role", None)))
        if isinstance(block, tree.Paragraph):
            inlines(block.inlines)
        elif isinstance(block, tree.Table):
            for cell in (*block.head, *(cell for row in block.rows for cell in row)):
                found.add((tree.Cell, cell.role))
                inlines(cell.inlines + cell.note)
    return found


def test_roles_are_declared_once_as_plain_names():
    assert len(ROLES) == len(set(ROLES)) > 30
    assert all(name == name.lower() and " " not in name for name in ROLES)
    assert {name for group in get_args(Role) for name in get_args(group)} == set(ROLES)


@pytest.mark.parametrize("kind", ROLE_HOLDERS, ids=lambda k: k.__name__)
def test_each_node_type_takes_roles_of_its_own_group(kind):
    own = allowed(kind) - {None}
    assert own and own <= set(ROLES)
    others = [other for other in ROLE_HOLDERS if other is not kind]
    assert not any(own & (allowed(other) - {None}) for other in others
                   if {kind, other} != {tree.Cell, tree.Span})


@pytest.mark.parametrize("guide", GOOD_FIXTURES, ids=lambda p: p.stem)
def test_every_role_a_guide_uses_is_declared_for_its_node(guide):
    for kind, role in used_roles(document_of(guidegen.load(guide))):
        assert role in allowed(kind), (kind.__name__, role)


def test_every_role_a_packet_uses_is_declared_for_its_node():
    used = used_roles(packet_document())
    for kind, role in used:
        assert role in allowed(kind), (kind.__name__, role)
    assert {(tree.Section, "guide"), (tree.Section, "cover"),
            (tree.Fields, "signature")} <= used


def test_the_tree_imports_nothing_of_guidegen_but_errors_and_the_language_type():
    # the ground floor: content (Markdown), the layout and every renderer build on it; a
    # document's language is the typed value of common.language (standard library only)
    import ast

    folder = ROOT / "src" / "guidegen" / "tree"
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                assert node.level == 1 or (node.level == 2 and node.module in (
                    "errors", "common.language")), \
                    (path.name, node.module)
            elif isinstance(node, ast.ImportFrom | ast.Import):
                names = [node.module] if isinstance(node, ast.ImportFrom) else \
                    [alias.name for alias in node.names]
                assert not any(name and name.startswith("guidegen") for name in names)


def test_markdown_is_read_into_tree_nodes():
    from guidegen.content.markup import parse_blocks

    found = parse_blocks("A **bold** [link](https://example.org)\n\n3. three\n4. four")
    assert found == (tree.Paragraph((tree.Text("A "), tree.Strong((tree.Text("bold"),)),
                                     tree.Text(" "), tree.Link("https://example.org",
                                                               (tree.Text("link"),)))),
                     tree.ListBlock(((tree.Paragraph((tree.Text("three"),)),),
                                     (tree.Paragraph((tree.Text("four"),)),)),
                                    ordered=True, start=3))


def _texts_and_edges() -> list[str]:
    """Return every text scalar of the good fixtures, and texts at CommonMark's edges."""
    import string

    import yaml

    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in GOOD_FIXTURES:
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    for char in string.punctuation + string.whitespace + "\u00a0\u0085\u2028\u3000\u00ad":
        found += [f"{char}Word", f"Wo{char}rd and more", f"Word{char}", f"Word {char}",
                  f"Word {char}{char}x{char}{char} y"]
    found += ["1. one", "1) one", "A\n", "A\n\n\n", "A\nB", "A\n\nB", "A  \nB", "x",
              "Word    ", "Word\u00a0", "Ab http://example.org", "Ab HTTPS://example.org",
              "Ab mailto:a", "write a@b.org", "Ab www.example.org", "Ab //example.org",
              "Ab ftp://example.org", "Word ![x](y)", "Word &amp; word", "Über ß",
              "日本語のテキスト", "Word \\*", "Ab ***", "Ab ---", "Ab === x", "Ab ~~x~~",
              "a | b | c", "Ab <b>x</b>", "Ab [x]: y", "Éa\u0301 — “quoted” ‘it’s’ …",
              "Ab\x0b", "Ab\x7f", "Ab \ufffe"]
    return found


def test_plain_text_is_read_as_markdown_it_reads_it_without_it():
    # the shortcut that spares a build markdown-it (content.markup._PLAIN) must read
    # every text it takes exactly as markdown-it would
    from guidegen.content import markup

    texts = _texts_and_edges()
    taken = [text for text in texts if markup._plain(text) is not None]
    assert len(taken) > 200  # it takes most texts: those of the fixtures are plain
    for text in texts:
        try:
            parsed = markup.parsed_blocks(text)
        except markup.MarkupError:
            parsed = None
        if text in taken:
            assert markup.parse_blocks(text) == parsed, text
            assert parsed == (tree.Paragraph((tree.Text(text.rstrip("\n")),)),), text


def test_building_the_default_guide_needs_no_markdown_parser():
    import subprocess
    import sys

    code = ("import sys; from guidegen.content.loader import load; "
            f"load({str(ROOT / 'content' / 'cmo-cdmo-cro.yaml')!r}); "
            "print('markdown_it' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def test_the_layout_decides_the_script_of_a_document_once():
    from .conftest import TRANSLATIONS

    english, japanese = (document_of(guidegen.load(path)) for path in
                         (GOOD_FIXTURES[0], TRANSLATIONS[1]))
    assert (english.meta.language.script, japanese.meta.language.script) == (None, "japanese")
    assert japanese.meta.language.east_asian and packet_document().meta.language.script is None
