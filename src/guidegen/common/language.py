"""What guidegen knows of a language: its tag, base language, script, direction, hyphenation.

A :class:`Language` is resolved once from its tag (the builder's from the options, a
document's from its guide or packet) and travels typed from there: the layout (which
catalogue of labels, the fonts text is measured in), the theme (fonts per script) and
every renderer (``lang``, East Asian fonts, hyphenation) read it; none of them guesses a
default. Kept free of imports beyond the standard library: a PDF helper process
unpickles it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

# The writing system of a language where it is not Latin, Greek or Cyrillic (which the
# body fonts draw): the theme's ``scripts:`` entries.
Script = Literal["japanese", "korean", "chinese_simplified", "chinese_traditional",
                 "arabic", "hebrew"]
EAST_ASIAN: frozenset[Script] = frozenset({"japanese", "korean", "chinese_simplified",
                                           "chinese_traditional"})

LANGUAGE_TAG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"  # BCP 47, as far as guides need it

# Languages written right to left. A whole guide in one of them is out of scope for now:
# the layout and the templates are left to right.
RIGHT_TO_LEFT = frozenset({"ar", "he", "iw", "fa", "ur", "yi", "ps", "sd", "ug", "ckb",
                           "dv", "syr"})

# The script a language is written in, where it is not Latin, Greek or Cyrillic (which
# the body fonts draw). Keys are the theme's ``scripts:`` entries.
_SCRIPTS: dict[str, Script] = {"ja": "japanese", "ko": "korean", "ar": "arabic", "fa": "arabic",
            "ur": "arabic", "ps": "arabic", "sd": "arabic", "ug": "arabic",
            "ckb": "arabic", "he": "hebrew", "iw": "hebrew", "yi": "hebrew"}
_TRADITIONAL = ("hant", "tw", "hk", "mo")


def subtags(tag: str) -> list[str]:
    """Return the lower-case subtags of a BCP 47 tag (``zh-Hans-CN`` → zh, hans, cn)."""
    return [part.lower() for part in tag.replace("_", "-").split("-") if part]


def base_language(tag: str) -> str:
    """Return the language subtag of ``tag``: ``de-CH`` → ``de``."""
    parts = subtags(tag)
    return parts[0] if parts else tag


def is_right_to_left(tag: str) -> bool:
    """Return whether ``tag`` names a language written right to left."""
    parts = subtags(tag)
    return base_language(tag) in RIGHT_TO_LEFT and "latn" not in parts


def script_of(tag: str) -> Script | None:
    """Return the theme's script key for ``tag`` (``japanese``), or None for Latin and the like.

    Chinese is ``chinese_traditional`` when the tag says Hant, TW, HK or MO, else
    ``chinese_simplified``.
    """
    parts = subtags(tag)
    if not parts or "latn" in parts:
        return None
    if parts[0] == "zh":
        return "chinese_traditional" if set(parts[1:]) & set(_TRADITIONAL) \
            else "chinese_simplified"
    return _SCRIPTS.get(parts[0])


@dataclass(frozen=True)
class Language:
    """A language tag and what it says: script, direction, East Asian text, hyphenation.

    ``script`` is the theme's key of the writing system the body fonts lack (None for
    Latin, Greek and Cyrillic); ``hyphenation`` the name hyphenation dictionaries go by
    (``de_CH``). ``str()`` of it is its tag, as ``lang`` attributes write it.
    """

    tag: str
    script: Script | None
    right_to_left: bool
    hyphenation: str

    @classmethod
    def of(cls, tag: str) -> Language:
        """Return the language of BCP 47 ``tag``; ValueError if it is not one."""
        if not re.match(LANGUAGE_TAG, tag):
            raise ValueError(f"expected a language tag like en, en-GB or de, got {tag!r}")
        return cls(tag, script_of(tag), is_right_to_left(tag), tag.replace("-", "_"))

    @property
    def base(self) -> str:
        """Return the language subtag: ``de`` of ``de-CH``."""
        return base_language(self.tag)

    @property
    def east_asian(self) -> bool:
        """Return whether the language is written in Chinese, Japanese or Korean script."""
        return self.script in EAST_ASIAN

    def __str__(self) -> str:
        return self.tag
