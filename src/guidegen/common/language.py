"""What guidegen knows of a language tag: its base language and its writing system.

Kept free of imports beyond the standard library: the theme (fonts per script), the
layout (which catalogue of labels) and the model (right-to-left guides are refused) all
ask it.
"""

from __future__ import annotations

from ..tree.document import Script

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
