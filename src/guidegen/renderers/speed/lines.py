"""A speed trick of the renderers (see :mod:`.speed`): each line broken once per process.

WeasyPrint breaks a paragraph into lines one line at a time:
``weasyprint.text.line_break.split_first_line`` shapes the text with Pango (and tries
hyphenations) to find how much of it fits on the first line. A fitted guide's tries
differ, up to level 1, only in spacing and line height (``Theme.tightened``): no width
and no type size moves, so every paragraph breaks into the same lines in every try, and
the tries after the first ask the same questions again. So the answers are kept, keyed
by everything the call reads: the text, the width, the justification spacing, the two
flags, the font configuration and every style property it (and the Pango layout it
makes, its font description, features and tabs) reads (:data:`READ`, from WeasyPrint
70's source; ``tests/test_line_cache.py`` checks that a call reads no other one). The
kept answer is a copy of the layout object the call returned (which holds no Pango data
until it is drawn: WeasyPrint re-creates that from the box's style then) and the
numbers. The answers are those of one font configuration (the engine keeps one per set
of template files): another one's call empties them first, and so does a font that an
``@font-face`` rule adds to it (a family may then resolve to another font). A call whose
key cannot be made (a value that is not hashable, a ``calc()`` hyphenation zone that
reads more of the style) breaks the line as WeasyPrint does.

Measured: a cold ``--jobs 1`` build of the default guide (its first layout, which
WeasyPrint lays out again for the page counters, and its one try) asks 733 times for
233 different lines; CPU time in line breaking 89 -> 60 ms (medians of 5 taking turns,
load 1.4: ``split_first_line`` timed with and without :func:`install`); laying the
default guide out again in one process, 116 ms of CPU instead of 183-200 (medians of 9;
line breaking 13 ms instead of 46-50). The outputs are the same bytes (144 outputs of
the fixtures, A4 and Letter, --jobs 1 and packets compared with the code before).
"""

from __future__ import annotations

import threading
from operator import itemgetter
from typing import Any

_KEPT = 20_000  # answers kept per process (the default guide breaks 233 lines)
READ = (  # every style property split_first_line and the Layout it makes read
    "white_space", "font_size", "hyphens", "lang", "hyphenate_limit_chars",
    "hyphenate_limit_zone", "hyphenate_character", "overflow_wrap", "word_break",
    "letter_spacing", "word_spacing", "tab_size", "direction", "font_language_override",
    "font_family", "font_style", "font_stretch", "font_weight", "font_variant_caps",
    "font_variation_settings", "text_decoration_line", "font_kerning",
    "font_variant_ligatures", "font_variant_position", "font_variant_numeric",
    "font_variant_alternates", "font_variant_east_asian", "font_feature_settings")
_READ = itemgetter(*READ)
_ANSWERS: dict[Any, tuple[Any, dict[str, Any], tuple[Any, ...]]] = {}
_FONTS: list[Any] = [None]  # the font configuration whose answers are kept
_STATE = {"installed": 0, "asked": 0, "kept": 0}
_LOCK = threading.Lock()


def install() -> None:
    """Have WeasyPrint's layout break each line once per process (see above)."""
    import weasyprint
    import weasyprint.layout.inline as inline
    import weasyprint.layout.preferred as preferred
    import weasyprint.text.line_break as line_break
    from weasyprint.text.fonts import FontConfiguration

    real = line_break.split_first_line
    if _STATE["installed"] or weasyprint.__version__ != "70.0" \
            or inline.split_first_line is not real \
            or preferred.split_first_line is not real:
        return  # done, or not the WeasyPrint this was written for
    _STATE["installed"] = 1
    add_font_face = FontConfiguration.add_font_face

    def counted_add_font_face(self: Any, *args: Any, **kwargs: Any) -> Any:
        before = _faces(self)
        try:
            return add_font_face(self, *args, **kwargs)
        finally:
            if _faces(self) != before:
                _forget()

    FontConfiguration.add_font_face = counted_add_font_face

    def kept_split_first_line(text: str, style: Any, context: Any, max_width: Any,
                              justification_spacing: Any, is_line_start: bool = True,
                              minimum: bool = False) -> Any:
        key = _key(text, style, max_width, justification_spacing, is_line_start, minimum)
        _STATE["asked"] += 1
        if key is not None and key[1] is not _FONTS[0]:
            _forget(key[1])  # another font configuration's answers
        if key is not None:
            kept = _ANSWERS.get(key)
            if kept is not None:
                kind, attributes, numbers = kept
                layout = kind.__new__(kind)  # a fresh copy: drawing sets data on it
                layout.__dict__.update(attributes)
                return (layout, *numbers)
        answer = real(text, style, context, max_width, justification_spacing,
                      is_line_start, minimum)
        if key is not None:
            with _LOCK:
                if len(_ANSWERS) >= _KEPT:
                    del _ANSWERS[next(iter(_ANSWERS))]  # the oldest first
                _ANSWERS[key] = (type(answer[0]), dict(answer[0].__dict__), answer[1:])
                _STATE["kept"] += 1
        return answer

    inline.split_first_line = kept_split_first_line
    preferred.split_first_line = kept_split_first_line


def _faces(font_config: Any) -> int:
    """Return how many font files ``font_config``'s @font-face rules have added."""
    folder = getattr(font_config, "_folder", None)
    return 0 if folder is None else sum(1 for _ in folder.iterdir())


def _forget(font_config: Any = None) -> None:
    """Forget every answer; keep those of ``font_config`` from now on."""
    with _LOCK:
        _ANSWERS.clear()
        _FONTS[0] = font_config


def _key(text: str, style: Any, *numbers: Any) -> Any:
    """Return what a call's answer depends on, or None where that cannot be told."""
    zone = style["hyphenate_limit_zone"]
    if getattr(zone, "unit", None) is None:
        return None  # calc(): resolving it reads more of the style
    try:
        key = (text, style.font_config, numbers, _READ(style))
        hash(key)
    except (TypeError, AttributeError, KeyError):
        return None
    return key
