"""A speed trick of the renderers (see :mod:`.speed`): each style rule made ready once.

WeasyPrint parses the ``<style>`` of every document it lays out, validates each
declaration and compiles each selector (``weasyprint.CSS``: 30-50 ms of CPU for the
20 kB stylesheet of a guide), though the documents a process lays out share nearly all
their rules: the renders of a guide fitted to its pages, a roster's recipients, the
rebuilds of ``guidegen serve``, guides with other titles (the running title is one rule
of the stylesheet). What that work makes is only read afterwards (WeasyPrint's own
user-agent stylesheet is made once and serves every document): each selector with its
declarations, added to the stylesheet's matcher, and the ``@page`` rules. So each
top-level rule's are kept, keyed by its text, where it starts, the base URL and the
media, and a document whose stylesheet has that rule adds the kept ones in its place.

Only a stylesheet of style rules, ``@media`` and ``@page`` rules (no ``@import``,
``@font-face``, ``@counter-style`` or ``@layer``: they fetch files, fill the document's
font configuration and counter styles, or depend on the rules around them) with no
escape and no ``url(`` is taken apart this way; another is made as WeasyPrint makes it.
A rule about which WeasyPrint logged something is not kept: each document logs it again.
The rules of the last :data:`_KEPT` stylesheets are kept.

A PDF helper makes them before its first document too (:func:`premake`): the rules of
the stylesheets helpers laid out, those new to the file first (the last laid out
first), then the older ones in their order (:func:`save_laid`, in the project's cache
folder, four at most), while no document waits. A rebuild's stylesheet is nearly all the same rules;
another's rules are made as the document comes. What making a rule gives is kept in the
cache folder too (:mod:`.css_made`) and loaded, not made, by the next process: the
default guide's 185 rules in ~12 ms of CPU instead of 90-160, all before the hand-off.

Measured (CPU time, one process, renders of the PDFs of four test guides, after one
round that fills the cache; the PDFs are the same bytes): 2.13 -> 1.7 s a round.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

_KEPT = 16 * 150  # rules kept per process (a stylesheet has about 150)
# at-rules whose making only fills the stylesheet: @media, @page and its margin boxes
_PLAIN_AT_RULES = frozenset({"media", "page", *(
    f"{side}-{where}" for side, places in (
        ("top", ("left-corner", "left", "center", "right", "right-corner")),
        ("bottom", ("left-corner", "left", "center", "right", "right-corner")),
        ("left", ("top", "middle", "bottom")), ("right", ("top", "middle", "bottom")))
    for where in places)})
_AT_NAME = re.compile(r"@([^\s{};:()\[\],'\"/]*)")  # what may be an at-rule's name
# what the rules of a stylesheet are told apart by: comments, strings, brackets; an
# escape or a url( makes it be made whole
_PIECE = re.compile(r"/\*.*?\*/|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|[{}()\[\]\n]"
                    r"|\\|url\(|/\*|[\"']", re.DOTALL | re.IGNORECASE)
_CLOSER = {"{": "}", "(": ")", "[": "]"}
_LOCK = threading.Lock()
Kept = tuple[tuple[tuple[Any, Any], ...], tuple[Any, ...]]  # (selector, payload)s, @pages
_RULES: OrderedDict[tuple[str, int, int, str | None, str], Kept] = OrderedDict()
_STATE = {"installed": 0, "made": 0, "reused": 0, "loaded": 0}  # rules made, reused, loaded
_REAL: list[Any] = []  # weasyprint.CSS, once installed
Laid = tuple[tuple[tuple[str, int, int], ...], str | None, str]  # rules, base URL, media
_LAID_KEPT = 4  # stylesheets kept for premake (a fitted guide lays out two or three)
_LAID: deque[Laid] = deque(maxlen=_LAID_KEPT)  # the stylesheets taken apart lately, last last
_SHEETS_FILE = "stylesheets-weasyprint70.json"  # in the cache folder (save_laid)
_SAVED: dict[Path, list[Laid]] = {}  # what premake read, by folder
_SHEETS_MAX = 1 << 20  # bytes of the saved stylesheets read at most (a build's: ~80 kB)
_STORED: dict[Path, dict[Any, bytes]] = {}  # the rules made kept there (.css_made), by folder


def install() -> None:
    """Have WeasyPrint's ``<style>`` stylesheets made rule by rule, once (see above)."""
    import weasyprint
    import weasyprint.css as css

    if _STATE["installed"] or css.CSS is not weasyprint.CSS:
        return  # done, or not the WeasyPrint this was written for
    _STATE["installed"] = 1
    real = weasyprint.CSS
    _REAL.append(real)

    def cached_css(*args: Any, **kwargs: Any) -> Any:
        text = kwargs.get("string")
        if args or not isinstance(text, str) or kwargs.get("matcher") is not None \
                or kwargs.get("page_rules") is None or kwargs.get("layers") is None:
            return real(*args, **kwargs)  # not a document's <style>
        rules = _rules(text)
        if rules is None:
            return real(*args, **kwargs)
        return _sheet(real, rules, kwargs)

    css.CSS = cached_css  # the name find_stylesheets() makes a <style>'s stylesheet with


def _rules(text: str) -> list[tuple[str, int, int]] | None:
    """Return the top-level rules of ``text``: each one's text, line and column.

    None if the stylesheet is not one to take apart (see the module's comment).
    """
    if not all(name.lower() in _PLAIN_AT_RULES for name in _AT_NAME.findall(text)):
        return None
    rules: list[tuple[str, int, int]] = []
    closers: list[str] = []  # the brackets open, as the ones that close them
    start, line, line_start = 0, 1, 0
    where = (1, 1)  # the line and column the next rule starts at
    for found in _PIECE.finditer(text):
        piece = found.group()
        if piece == "\n":
            line, line_start = line + 1, found.end()
        elif piece in ("\\", "url(", "/*", '"', "'") or piece.lower() == "url(":
            return None  # an escape, a url(, an unclosed comment or string
        elif piece[0] in "\"'/":
            line += piece.count("\n")
            if "\n" in piece:
                line_start = found.start() + piece.rindex("\n") + 1
        elif piece in _CLOSER:
            closers.append(_CLOSER[piece])
        elif not closers or closers.pop() != piece:
            return None  # a bracket closed that is not open
        elif not closers and piece == "}":
            rules.append((text[start:found.end()], *where))
            start, where = found.end(), (line, found.end() - line_start + 1)
    if closers or text[start:].strip():
        return None
    return rules


def _sheet(real: Any, rules: list[tuple[str, int, int]], kwargs: dict[str, Any]) -> Any:
    """Return a document's stylesheet of ``rules``: the kept ones' parts, or new ones."""
    import cssselect2  # type: ignore[import-untyped]

    base_url, media = kwargs.get("base_url"), kwargs.get("media_type", "print")
    page_rules = kwargs["page_rules"]
    matcher = cssselect2.Matcher()
    laid = (tuple(rules), base_url, media)
    with _LOCK:
        if laid in _LAID:
            _LAID.remove(laid)
        _LAID.append(laid)
    for text, line, column in rules:
        key = (text, line, column, base_url, media)
        with _LOCK:
            kept = _RULES.get(key)
            if kept is not None:
                _RULES.move_to_end(key)
                _STATE["reused"] += 1
        if kept is None:
            kept = _stored(key)  # kept in the cache folder, not made ahead (premake cut short)
        if kept is None:
            kept = _made(real, text, line, column, kwargs, matcher)
            if kept is not None:
                _keep(key, kept)
            continue
        for selector, payload in kept[0]:
            matcher.add_selector(selector, payload)
        page_rules.extend(kept[1])
    sheet = real.__new__(real)  # what CSS.__init__ sets
    sheet.base_url, sheet.matcher = base_url, matcher
    sheet.page_rules, sheet.layers = page_rules, kwargs["layers"]
    return sheet


def _made(real: Any, text: str, line: int, column: int, kwargs: dict[str, Any],
          matcher: Any) -> Kept | None:
    """Make one rule into ``matcher`` as WeasyPrint would; return what to keep of it.

    The rule is parsed where it stands in the stylesheet (its tokens' lines and columns
    are the same); None if WeasyPrint logged something meanwhile.
    """
    page_rules = kwargs["page_rules"]
    before = len(page_rules)
    added = _Adding(matcher)
    with _Logged() as logged:
        real(**{**kwargs, "string": "\n" * (line - 1) + " " * (column - 1) + text,
                "matcher": added})
    with _LOCK:
        _STATE["made"] += 1
    if logged.records:
        return None
    return tuple(added.added), tuple(page_rules[before:])


def _keep(key: tuple[str, int, int, str | None, str], kept: Kept) -> None:
    with _LOCK:
        _RULES[key] = kept
        while len(_RULES) > _KEPT:
            _RULES.popitem(last=False)


def _stored(key: tuple[str, int, int, str | None, str]) -> Kept | None:
    """Return the rule of ``key`` made by an earlier process (:mod:`.css_made`), kept."""
    from . import css_made

    for stored in list(_STORED.values()):
        kept: Kept | None = css_made.load(stored.get(key, b""))
        if kept is not None:
            _keep(key, kept)
            with _LOCK:
                _STATE["loaded"] += 1
            return kept
    return None


class _Adding:
    """A matcher that notes the selectors added to it, adding them to the document's."""

    def __init__(self, matcher: Any) -> None:
        self.matcher = matcher
        self.added: list[tuple[Any, Any]] = []

    def add_selector(self, selector: Any, payload: Any) -> None:
        self.added.append((selector, payload))
        if self.matcher is not None:  # None: made ahead (premake), for no document yet
            self.matcher.add_selector(selector, payload)


class _Logged(logging.Handler):
    """The warnings WeasyPrint logs (any thread's) while a rule is made."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __enter__(self) -> _Logged:
        logging.getLogger("weasyprint").addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("weasyprint").removeHandler(self)


def premake(folder: Path, waiting: Callable[[], bool], fetcher: Any) -> int:
    """Make the rules of the stylesheets saved in ``folder`` until ``waiting()``; return how many.

    :func:`save_laid` saved them (a file only this user could write is read); each is
    kept as if a document had had it, its URLs given to ``fetcher`` (which fetches none).
    Once this process has laid a document out, only the stylesheets of its base URLs and
    media: between messages the build's other processes (the DOCX, the twin) are at work,
    and the rules of another template folder (all other keys: 131 rules, 30-60 ms of CPU
    for the default guide's) are taken from them; before, a helper made them there in
    every build once the file had them (``bench/critical.py`` with ``--against``: both
    checkouts share the project's cache).
    """
    if not _REAL:
        return 0
    from . import css_made

    if folder not in _SAVED:  # read once per process
        _SAVED[folder] = _read_laid(folder / _SHEETS_FILE)
        _STORED[folder] = css_made.read(folder / css_made.file_name())
    # ``fetcher`` (the PDF engine's refusing_fetcher) for all rules (WeasyPrint makes one a
    # rule without), refusing all: none is fetched ahead (_read_laid keeps no rule naming
    # a file; one that got through is not fetched)
    with _LOCK:  # once this process laid a document out: only its templates' and media's
        laid = {(base_url, media) for _, base_url, media in _LAID}
    made = 0
    for rules, base_url, media in _SAVED[folder]:  # the last process's first, as laid out
        if laid and (base_url, media) not in laid:
            continue  # another template folder's (a --templates build, another checkout)
        kwargs: dict[str, Any] = {"base_url": base_url, "media_type": media,
                                  "url_fetcher": fetcher, "page_rules": [], "layers": []}
        for text, line, column in rules:
            key = (text, line, column, base_url, media)
            if key in _RULES:
                continue
            if waiting():
                return made
            made += 1
            if _stored(key) is None:  # (kept if it was)
                kept = _made(_REAL[0], text, line, column, kwargs, None)
                if kept is not None:
                    _keep(key, kept)
    return made


def _read_laid(path: Path) -> list[Laid]:
    """Return the stylesheets :func:`save_laid` saved in ``path`` (none if it is not ours).

    The file is not trusted beyond who wrote it (a project may come with its cache
    folder): one bigger than :data:`_SHEETS_MAX` is not read, and a rule is kept only if
    it is one rule a build takes apart (:func:`_rules`: no ``@import``, ``url(``, escape),
    where a stylesheet of :data:`_SHEETS_MAX` could have it.
    """
    from ...caches import trusted

    if not trusted(path):
        return []
    try:
        with path.open("rb") as file:
            text = file.read(_SHEETS_MAX + 1)
        if len(text) > _SHEETS_MAX:
            return []
        sheets = [(tuple((str(text), int(line), int(column)) for text, line, column in rules),
                   None if base_url is None else str(base_url), str(media))
                  for rules, base_url, media in json.loads(text)[:_LAID_KEPT]]
    except (OSError, ValueError, TypeError, RecursionError):
        return []  # damaged: nothing made ahead
    return [(tuple(rule for rule in rules if _one_rule(*rule)), base_url, media)
            for rules, base_url, media in sheets]


def _one_rule(text: str, line: int, column: int) -> bool:
    """Return whether ``text`` at ``line``, ``column`` is a rule a build would have made."""
    return (0 < line <= _SHEETS_MAX and 0 < column <= _SHEETS_MAX
            and _rules(text) == [(text, 1, 1)])


def save_laid(folder: Path) -> None:
    """Save in ``folder`` the stylesheets taken apart lately, for :func:`premake`."""
    from ...caches import keep

    with _LOCK:
        laid = list(_LAID)
    if folder not in _SAVED:
        _SAVED[folder] = _read_laid(folder / _SHEETS_FILE)
    if all(sheet in _SAVED[folder] for sheet in laid):
        _store_made(folder)
        return  # nothing new (a rebuild's): not written again, its order kept
    # the new ones first, the last laid out first (what premake makes first), then those
    # saved, as the file has them now. A fitted guide's last layout is the level it
    # settled at, which the next build's twin lays out (its fit hint) on the build's
    # longest path, beside the helper's first layout; the twin saves after its PDF,
    # after the helper. Reordered by each process as its own came first, the order
    # flipped from build to build (one of the two wrote the file again each time, 2-3 ms
    # of CPU) and with it which of the two layouts found its rules made.
    saved = _read_laid(folder / _SHEETS_FILE)
    laid = [*(sheet for sheet in reversed(laid) if sheet not in saved), *saved][:_LAID_KEPT]
    if keep(folder / _SHEETS_FILE, json.dumps(laid).encode()):
        _SAVED[folder] = laid
    _store_made(folder)


def _store_made(folder: Path) -> None:
    """Keep in ``folder`` what the rules of its saved stylesheets are made into, if new.

    Written only when a rule this process has made (or loaded) is not in the file yet;
    the file then holds the saved stylesheets' rules only. A rule that cannot be kept
    there is noted as such (an empty entry: made each time, the file not written again).
    """
    from . import css_made

    if not _REAL:
        return
    path = folder / css_made.file_name()
    if folder not in _STORED:
        _STORED[folder] = css_made.read(path)
    wanted = {(text, line, column, base_url, media)
              for rules, base_url, media in _SAVED.get(folder, [])
              for text, line, column in rules}
    with _LOCK:
        made = {key: _RULES[key] for key in wanted if key in _RULES}
    if all(key in _STORED[folder] for key in made):
        return
    stored = css_made.read(path)  # as it is now: the twin's or the helper's may be newer
    entries = {key: stored.get(key, _STORED[folder].get(key)) for key in wanted}
    for key, kept in made.items():
        if entries[key] is None:
            entries[key] = css_made.dump(kept)
    kept_entries = {key: blob for key, blob in entries.items() if blob is not None}
    css_made.write(path, kept_entries)
    _STORED[folder] = kept_entries
