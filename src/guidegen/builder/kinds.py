"""What values a build option takes: how each kind is written, checked and published.

Each option of :class:`~guidegen.builder.options.BuildOptions` has a :class:`Kind`. Its
:meth:`~Kind.check` takes a value as any source writes it (the command line and the
project file give text, lists of text, or ``None``; the library API gives Python
values) and returns it as the option holds it, or raises :class:`OptionError` saying,
in plain words, what it expected; :meth:`~Kind.schema` is its JSON Schema in
``guidegen.yaml``, :meth:`~Kind.metavar` how help names a value, and
:meth:`~Kind.fingerprint` what of it the outputs depend on.

Imports neither click nor pydantic: an up-to-date build needs only this.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common.language import LANGUAGE_TAG, is_right_to_left

MAX_TIME_LIMIT = 86_400.0
MAX_SHARDS = 100_000  # as many as a roster may have rows


class OptionError(ValueError):
    """A value an option does not take; the message says what it expected, in plain words."""


@dataclass(frozen=True)
class Kind:
    """What values an option takes. ``check`` takes them as any source writes them.

    The command line and the project file give text (a YAML scalar stays the text it was
    written as), lists of text, or ``None``; the library API gives Python values.
    """

    def metavar(self) -> str:
        """Return how help and the README name a value (``N``, ``DIR``, ``a4|letter``)."""
        return "TEXT"

    def check(self, value: object) -> object:
        """Return ``value`` as the option holds it; raise :class:`OptionError` if it is wrong."""
        if not isinstance(value, str) or not value.strip():
            raise OptionError(f"expected text, got {value!r}")
        return value.strip()

    def schema(self) -> dict[str, Any]:
        """Return the JSON Schema of the option's value in ``guidegen.yaml``."""
        return {"type": "string", "minLength": 1}

    def shown(self, value: object) -> str:
        """Return ``value`` as the help and the README show a default."""
        return str(value)

    def fingerprint(self, value: object) -> str:
        """Return what of ``value`` the outputs depend on, for their inputs' hash."""
        return "" if value is None else self.shown(value)


@dataclass(frozen=True)
class Choice(Kind):
    """One of a few names."""

    choices: tuple[str, ...]

    def metavar(self) -> str:
        """Return the choices as the README's option table writes them."""
        return "|".join(self.choices)

    def check(self, value: object) -> object:
        """Return ``value`` if it is one of the choices."""
        if value not in self.choices:
            raise OptionError(f"expected one of {', '.join(self.choices)}, got {value!r}")
        return value

    def schema(self) -> dict[str, Any]:
        """Return an enumeration of the choices."""
        return {"enum": list(self.choices)}


@dataclass(frozen=True)
class Choices(Choice):
    """Several of a few names: a list, or text separated by commas; kept once each, in order."""

    def metavar(self) -> str:
        """Return the choices, comma-separated."""
        return ",".join(self.choices)

    def check(self, value: object) -> object:
        """Return the names of ``value`` once each, in the choices' order."""
        items = [v.strip().lower() for v in value.split(",") if v.strip()] \
            if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not items:
            raise OptionError(f"expected a list of {', '.join(self.choices)}")
        wrong = [item for item in items if item not in self.choices]
        if wrong:
            raise OptionError(f"unknown value {wrong[0]!r} (one of: {', '.join(self.choices)})")
        return tuple(name for name in self.choices if name in items)

    def schema(self) -> dict[str, Any]:
        """Return a list of the choices."""
        return {"type": "array", "items": {"enum": list(self.choices)}, "minItems": 1}

    def shown(self, value: object) -> str:
        """Return the names comma-separated."""
        return ",".join(map(str, value)) if isinstance(value, tuple) else str(value)


@dataclass(frozen=True)
class Whole(Kind):
    """A whole number from ``low`` to ``high``."""

    low: int = 1
    high: int | None = None

    def metavar(self) -> str:
        """Return ``N``."""
        return "N"

    def check(self, value: object) -> object:
        """Return ``value`` as an int within the bounds."""
        number = value if isinstance(value, int) and not isinstance(value, bool) else \
            int(value) if isinstance(value, str) and re.fullmatch(r"\s*[0-9]+\s*", value) \
            else None
        if number is None or number < self.low or (self.high is not None and number > self.high):
            upto = f" and at most {self.high}" if self.high is not None else ""
            raise OptionError(f"expected a whole number of at least {self.low}{upto}, "
                              f"got {value!r}")
        return number

    def schema(self) -> dict[str, Any]:
        """Return an integer schema with the bounds."""
        return {"type": "integer", "minimum": self.low,
                **({"maximum": self.high} if self.high is not None else {})}


@dataclass(frozen=True)
class Seconds(Kind):
    """A number of seconds above 0 and at most ``high``."""

    high: float = MAX_TIME_LIMIT

    def metavar(self) -> str:
        """Return ``SECONDS``."""
        return "SECONDS"

    def check(self, value: object) -> object:
        """Return ``value`` as a float within the bounds."""
        try:
            number = float(value) if isinstance(value, int | float | str) and \
                not isinstance(value, bool) else None
        except ValueError:
            number = None
        if number is None or not 0 < number <= self.high:
            raise OptionError(f"expected a number of seconds above 0 and at most "
                              f"{self.high:g}, got {value!r}")
        return number

    def schema(self) -> dict[str, Any]:
        """Return a number schema with the bounds."""
        return {"type": "number", "exclusiveMinimum": 0, "maximum": self.high}

    def shown(self, value: object) -> str:
        """Return the seconds without a needless ``.0``."""
        return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Flag(Kind):
    """On or off: a flag on the command line, true or false in the project file."""

    def metavar(self) -> str:
        """Return nothing: a flag takes no value."""
        return ""

    def check(self, value: object) -> object:
        """Return ``value`` as a bool."""
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "yes", "false", "no"):
            return value.strip().lower() in ("true", "yes")
        raise OptionError(f"expected true or false, got {value!r}")

    def schema(self) -> dict[str, Any]:
        """Return a boolean schema."""
        return {"type": "boolean"}


@dataclass(frozen=True)
class Place(Kind):
    """A folder (or a file, if ``file``); relative to the project file when written there."""

    file: bool = False

    def metavar(self) -> str:
        """Return FILE or DIR."""
        return "FILE" if self.file else "DIR"

    def check(self, value: object) -> object:
        """Return ``value`` as a path."""
        if isinstance(value, os.PathLike):
            value = os.fspath(value)
        if not isinstance(value, str) or not value.strip():
            raise OptionError("expected a file name" if self.file else "expected a folder name")
        return Path(value)

    def from_project(self, path: Path, root: Path) -> Path:
        """Return ``path``, written in the project file at ``root``, as the build names it."""
        where = root / path
        relative = os.path.relpath(where)
        return Path(where if relative.startswith("..") else relative)


@dataclass(frozen=True)
class TemplateFolder(Place):
    """A templates folder: the outputs depend on every file in it and in the built-in one."""

    def fingerprint(self, value: object) -> str:
        """Return the hash of every file of the template folders (the built-in one alone)."""
        from ..theme.folders import template_folders
        from .state import folder_digest

        return folder_digest(template_folders(value if isinstance(value, Path) else None))


@dataclass(frozen=True)
class Tag(Kind):
    """A BCP 47 language tag of a language written left to right."""

    def metavar(self) -> str:
        """Return ``TAG``."""
        return "TAG"

    def check(self, value: object) -> object:
        """Return ``value`` if it is such a tag."""
        if not isinstance(value, str) or not re.match(LANGUAGE_TAG, value):
            raise OptionError(f"expected a language tag like en, en-GB or de, got {value!r}")
        if is_right_to_left(value):
            raise OptionError(f"{value!r} is written right to left; whole guides in "
                              "right-to-left languages are not supported yet")
        return value

    def schema(self) -> dict[str, Any]:
        """Return a string schema with the tag's pattern."""
        return {"type": "string", "pattern": LANGUAGE_TAG}


@dataclass(frozen=True)
class Encoding(Kind):
    """The name of a text encoding Python knows (``cp1252``)."""

    def metavar(self) -> str:
        """Return ``ENCODING``."""
        return "ENCODING"

    def check(self, value: object) -> object:
        """Return ``value`` if Python has a text encoding of that name."""
        import codecs

        try:
            known = isinstance(value, str) and bool(codecs.lookup(value).name) and \
                not value.lower().startswith(("rot", "hex"))
        except LookupError:
            known = False
        if not known:
            raise OptionError(f"expected an encoding Python knows (e.g. utf-8, cp1252, "
                              f"latin-1), got {value!r}")
        return value


@dataclass(frozen=True)
class Slice(Kind):
    """The K-th of N slices, written K/N, or ``auto`` or ``auto/N``.

    ``auto`` takes K (and N) from a batch engine's environment (:mod:`.shards`), once,
    here: the option holds K/N.
    """

    def metavar(self) -> str:
        """Return ``K/N|auto[/N]``."""
        return "K/N|auto[/N]"

    def check(self, value: object) -> object:
        """Return ``value`` if it reads as K/N with 1 <= K <= N (``auto`` resolved)."""
        from .shards import is_auto, resolve

        if isinstance(value, str) and is_auto(value):
            value = resolve(value, os.environ, MAX_SHARDS)
        if not isinstance(value, str) or shard_slice(value) is None:
            raise OptionError(f"expected K/N with 1 <= K <= N <= {MAX_SHARDS:,}, like 2/8, "
                              f"got {value!r}")
        return value


def shard_slice(text: str) -> tuple[int, int] | None:
    """Return ``K/N`` as (K, N), or None if it is not a slice."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if match is None:
        return None
    index, count = int(match.group(1)), int(match.group(2))
    return (index, count) if 1 <= index <= count <= MAX_SHARDS else None
