"""Which characters text may hold, which it may not, and which deserve a second look.

* :data:`BAD_CHARACTERS` are errors wherever they appear: characters outside XML 1.0
  (lxml, and so python-docx, refuse them), C1 controls, the line and paragraph
  separators U+2028/U+2029 (WeasyPrint refuses them between lines), and the
  non-characters (U+FDD0–U+FDEF, and the last two code points of every plane, U+FFFE
  to U+10FFFF).
* :data:`UNREADABLE` are characters the YAML reader refuses in a file's raw text; they
  are reported with their line and column before YAML sees them.
* :data:`HIDDEN` are characters that make text display differently from what it says:
  bidirectional overrides and isolates, and zero-width characters. They are warnings
  (errors with ``--strict``). The zero-width joiner and non-joiner are left alone
  between two non-ASCII letters, where scripts such as Persian, Arabic and the Indic
  ones (and emoji sequences) need them.
"""

from __future__ import annotations

import re
import unicodedata

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17))
BAD_CHARACTERS = re.compile(
    f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029{_NONCHARACTERS}]")
# PyYAML's non-printable characters, as the small set they are: the complement of its
# printable ranges compiles ten times faster, and every build reads a YAML file
UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_JOINERS = "\u200c\u200d"
_REORDERING = "\u202a-\u202e\u2066-\u2069"
HIDDEN = re.compile(f"[{_REORDERING}\u200b\u2060\ufeff]"
                    f"|(?<![^\\x00-\\x7f\\s])[{_JOINERS}]|[{_JOINERS}](?![^\\x00-\\x7f\\s])")


def describe(character: str) -> str:
    """Return how messages name ``character``: ``U+202E (RIGHT-TO-LEFT OVERRIDE)``."""
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" ({name})" if name else "")


def hidden_problem(text: str) -> tuple[int, str] | None:
    """Return where in ``text`` the first hidden character is, and what to say about it."""
    found = HIDDEN.search(text)
    if found is None:
        return None
    what = ("reorders the text around it" if re.match(f"[{_REORDERING}]", found.group())
            else "is invisible")
    return found.start(), (f"character {describe(found.group())} {what}: the text may not "
                           "say what it shows; remove it unless it is meant")


# Debian's font package by script (ISO 15924); other scripts: fonts-noto-core
_PACKAGES = {"Hani": "fonts-noto-cjk", "Hira": "fonts-noto-cjk", "Kana": "fonts-noto-cjk",
             "Hang": "fonts-noto-cjk", "Bopo": "fonts-noto-cjk", "Thai": "fonts-thai-tlwg",
             "Zsye": "fonts-noto-color-emoji"}
_OTHER = "fonts-noto-core"


def printed(char: str) -> bool:
    """Return whether ``char`` is drawn (not a space, control or format character)."""
    return unicodedata.category(char)[0] not in "ZC"


def missing_font_message(characters: list[str]) -> str:
    """Return what to say of ``characters`` that no installed font has, by script."""
    from fontTools import unicodedata as scripts

    by_script: dict[str, list[str]] = {}
    for char in characters:
        by_script.setdefault(scripts.script(char), []).append(char)
    parts = []
    for script, chars in by_script.items():
        shown = " ".join(f"{c} (U+{ord(c):04X})" for c in chars)
        package = _PACKAGES.get(script, _OTHER)
        parts.append(f"{shown}: no installed font has these {scripts.script_name(script)} "
                     f"characters, so they would print as empty boxes; install one "
                     f"(Debian: {package})")
    return "; ".join(parts)


# the gap, of an em, a word processor sets where a digit or a Latin letter meets Chinese
# or Japanese text: LibreOffice's (7.4, measured), which it keeps whatever the DOCX asks;
# the layout leaves room for it (layout.widths), the preflight warns where it may not fit
# (renderers.pdf.seams)
SCRIPT_GAP = 0.2


def wide(text: str) -> bool:
    """Return whether ``text`` holds a wide character: Chinese, Japanese or Korean."""
    return any(unicodedata.east_asian_width(char) in ("W", "F") for char in text)
