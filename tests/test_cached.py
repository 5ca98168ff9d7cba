"""Cached properties read without a lock (guidegen.renderers.speed.cached)."""

from __future__ import annotations

from typing import Any

import pytest

from guidegen.renderers.speed import cached, import_weasyprint
from tests.test_cascade import HTML, PSEUDO, USER_CSS
from tests.test_cascade import computed as computed_styles

DOCUMENTS = {"rules": HTML, "user-css": USER_CSS, "pseudo": PSEUDO}


def wrapped(html: str) -> list[tuple[str, ...]]:
    """Return what each kept property of cssselect2 gives for each element of ``html``."""
    import cssselect2.tree

    weasyprint = import_weasyprint()
    names = [name for cls, name in cached._REAL if cls is cssselect2.tree.ElementWrapper]
    root = weasyprint.HTML(string=html).wrapper_element
    return [tuple(shown(getattr(element, name)) for name in names)
            for element in root.iter_subtree()]


def shown(value: Any) -> str:
    """Return ``value`` as text (the elements of a list by their tags)."""
    if isinstance(value, list):
        return repr([getattr(item, "tag", item) for item in value])
    return repr(value)


@pytest.fixture
def real(monkeypatch: Any) -> Any:
    """Return a function putting functools' cached properties back (the trick installed)."""
    import_weasyprint()
    assert cached._STATE["installed"] and len(cached._REAL) >= 8

    def put_back() -> None:
        for (cls, name), prop in cached._REAL.items():
            monkeypatch.setattr(cls, name, prop)
    return put_back


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_kept_value_is_the_propertys_own(name, real):
    weasyprint = import_weasyprint()
    html = DOCUMENTS[name]

    def made() -> tuple[Any, ...]:  # (WeasyPrint lays USER_CSS's markers out with an error)
        pdf = weasyprint.HTML(string=html).write_pdf() if name != "user-css" else b""
        return wrapped(html), computed_styles(html), pdf
    ours = made()
    real()
    plain = made()
    assert ours == plain and len(plain[0]) > 10


def test_a_value_kept_under_another_name_is_not_the_propertys(monkeypatch):
    """The test above would catch a property kept wrongly (here: its neighbour's value)."""
    import cssselect2.tree

    right = wrapped(USER_CSS)
    kept = vars(cssselect2.tree.ElementWrapper)["id"]
    monkeypatch.setattr(kept, "func", vars(cssselect2.tree.ElementWrapper)["local_name"].func)
    assert wrapped(USER_CSS) != right


@pytest.mark.parametrize("name", DOCUMENTS)
def test_each_value_is_made_once_and_kept(name):
    """A second read gives the object the first made, as functools' does (the values above
    compare equal even if each read made a new one: a new list of children, a new anonymous
    style whose siblings would no longer share it)."""
    import cssselect2.tree

    weasyprint = import_weasyprint()
    html = DOCUMENTS[name]
    names = [attr for cls, attr in cached._REAL if cls is cssselect2.tree.ElementWrapper]
    elements = list(weasyprint.HTML(string=html).wrapper_element.iter_subtree())
    for element in elements:
        for attribute in names:
            first = getattr(element, attribute)
            assert getattr(element, attribute) is first and vars(element)[attribute] is first
    styles = list(computed_styles_of(html))
    assert len(elements) > 10 and len(styles) > 10
    for style in styles:
        anonymous = style.anonymous_style
        assert style.anonymous_style is anonymous and vars(style)["anonymous_style"] is anonymous


def computed_styles_of(html: str) -> Any:
    """Return the computed styles of ``html``'s elements."""
    weasyprint = import_weasyprint()
    from weasyprint.css import get_all_computed_styles

    document = weasyprint.HTML(string=html)
    return get_all_computed_styles(document).get_computed_styles().values()
