"""Document control: the rules a guide's or packet's ``document`` block must keep.

A controlled document (:class:`~.model.ControlledDocument`) says where it is in its
life (``status``), who approved this version and when (``approvals``), and what each
version changed (``history``). ``check`` and ``build`` hold them to each other, every
broken rule a located error (:func:`control_problems`):

* the history's versions are unique, and run one way (newest first, or oldest first),
  their dates with them;
* its newest version is the document's ``version``;
* nothing that must come before the effective date is dated after it: an approval, a
  revision; and the periodic review (``review_due``) comes after it;
* an ``effective`` document has its effective date, and at least one approval dated on
  or before it.

A review date that has passed is a warning (an error with ``--strict``), and
``check --release`` holds a document to what a released one must be
(:func:`release_problems`). What the layout prints across every page of a document
that is not in force (:func:`watermarked`) is decided here too, so the release check
and the pages agree.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..common.yamlsource import format_path
from ..errors import Location, Problem, warn

# the statuses printed with a watermark on every page: not (or no longer) for training
WATERMARKED = ("draft", "in-review", "superseded", "obsolete")
# the statuses whose periodic review no longer matters
RETIRED = ("superseded", "obsolete")

Locate = Callable[..., Location | None]


def watermarked(document: Any) -> str | None:
    """Return the status that puts a watermark on every page of ``document``, if any."""
    status = getattr(document, "status", None)
    return status if status in WATERMARKED else None


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Return what orders versions as people count them: "1.10" after "1.9", "2" after "1.x".

    Runs of digits compare as numbers, other runs of letters as text (lower case).
    """
    return tuple((0, int(part)) if part.isdigit() else (1, part.lower())
                 for part in re.findall(r"\d+|[^\W\d_]+", version))


class _Rules:
    """The rules of one ``document`` block, found at ``at`` in the file ``locate`` reads."""

    def __init__(self, document: Any, locate: Locate, at: tuple[str | int, ...]) -> None:
        self.document = document
        self.locate = locate
        self.at = at

    def problem(self, path: tuple[str | int, ...], message: str) -> Problem:
        where = (*self.at, *path)
        location = self.locate(*where) or self.locate(*self.at) or Location("<guide>")
        return Problem(location, message, format_path(where))

    def where(self, *path: str | int) -> str:
        """Return " (file:line:col)" of ``path`` for a message, if it is known."""
        found = self.locate(*self.at, *path)
        return f" ({found})" if found else ""

    def all(self) -> Iterator[Problem]:
        yield from self.history()
        yield from self.dates()
        yield from self.effective()

    def history(self) -> Iterator[Problem]:
        history = self.document.history
        seen: dict[tuple[Any, ...], int] = {}
        for n, entry in enumerate(history):
            key = version_key(entry.version)
            if key in seen:
                first = self.where("history", seen[key], "version")
                yield self.problem(("history", n, "version"), f"version {entry.version!r} is "
                                   f"in the history twice{first}")
            seen.setdefault(key, n)
        if len(seen) < len(history):
            return
        disorder = list(self.order(history))
        yield from disorder
        if disorder:
            return
        newest = max(range(len(history)), key=lambda n: version_key(history[n].version),
                     default=None)
        if newest is not None and version_key(history[newest].version) != \
                version_key(self.document.version):
            yield self.problem(("version",), (
                f"the document is version {self.document.version!r}, but the newest version "
                f"in its history is {history[newest].version!r}"
                f"{self.where('history', newest, 'version')}; the history's newest entry is "
                "the version the document is"))

    def order(self, history: Sequence[Any]) -> Iterator[Problem]:
        keys = [version_key(entry.version) for entry in history]
        if len(keys) < 2:
            return
        newest_first = keys[0] > keys[-1]
        way = "newest first" if newest_first else "oldest first"
        for n in range(1, len(keys)):
            if (keys[n - 1] > keys[n]) != newest_first:
                yield self.problem(("history", n, "version"), (
                    f"version {history[n].version!r} is out of order: the history runs "
                    f"{way} (from {history[0].version!r} to {history[-1].version!r}), so it "
                    f"goes before {history[n - 1].version!r}"))
                return
            newer, older = (history[n - 1], history[n]) if newest_first else \
                (history[n], history[n - 1])
            if newer.date < older.date:
                yield self.problem(("history", n, "date"), (
                    f"version {newer.version!r} is dated {newer.date.isoformat()}, before "
                    f"the older version {older.version!r} ({older.date.isoformat()})"))

    def dates(self) -> Iterator[Problem]:
        effective = self.document.effective
        if effective is None:
            return
        day = effective.isoformat()
        for n, approval in enumerate(self.document.approvals):
            if approval.date is not None and approval.date > effective:
                yield self.problem(("approvals", n, "date"), (
                    f"approved on {approval.date.isoformat()}, after the effective date "
                    f"{day}{self.where('effective')}; a version is approved before it takes "
                    "effect"))
        for n, entry in enumerate(self.document.history):
            if entry.date > effective:
                yield self.problem(("history", n, "date"), (
                    f"version {entry.version!r} is dated {entry.date.isoformat()}, after the "
                    f"effective date {day}{self.where('effective')}"))
        due = self.document.review_due
        if due is not None and due <= effective:
            yield self.problem(("review_due",), (
                f"the review is due on {due.isoformat()}, not after the effective date "
                f"{day}{self.where('effective')}; the periodic review comes after it"))

    def effective(self) -> Iterator[Problem]:
        document = self.document
        if document.status != "effective":
            return
        if document.effective is None:
            yield self.problem(("status",), "an effective document needs its effective date "
                               "(effective: YYYY-MM-DD)")
            return
        if not any(a.date is not None and a.date <= document.effective
                   for a in document.approvals):
            path = ("approvals",) if document.approvals else ("status",)
            yield self.problem(path, (
                "an effective document needs at least one approval dated on or before its "
                f"effective date {document.effective.isoformat()}: approvals: [{{role: ..., "
                "name: ..., date: YYYY-MM-DD, meaning: Approved for use}]"))


def control_problems(document: Any, locate: Locate,
                     at: tuple[str | int, ...] = ("guide", "document")) -> list[Problem]:
    """Return the broken rules of the ``document`` block at ``at``; warn of a review due.

    ``locate`` finds where a path of the file was written (a guide's ``locate``).
    """
    if document is None:
        return []
    rules = _Rules(document, locate, at)
    due = document.review_due
    if due is not None and due < _today() and document.status not in RETIRED:
        warn(*_review_due(rules, due))
    return list(rules.all())


def release_problems(document: Any, locate: Locate,
                     at: tuple[str | int, ...] = ("guide", "document")) -> list[Problem]:
    """Return why the ``document`` block at ``at`` cannot be released (``check --release``).

    A released document is controlled (it has a block), ``effective`` (so approved: see
    :func:`control_problems`), within its periodic review date, and has no watermark. One
    that names no review date is warned of.
    """
    if document is None:
        where = locate(*at[:-1]) or Location("<guide>")
        return [Problem(where, "no document block: a released guide is a controlled document "
                        "(document: number, version, status: effective, effective, approvals, "
                        "review_due)", format_path(at[:-1]))]
    rules = _Rules(document, locate, at)
    found = []
    if document.status is None:
        found.append(rules.problem((), "no status: a released document is effective "
                                   "(status: effective)"))
    elif document.status != "effective":
        mark = " and every page prints a watermark" if watermarked(document) else ""
        found.append(rules.problem(("status",), f"the status is {document.status!r}{mark}; "
                                   "a released document is effective"))
    if document.review_due is None:
        missing = rules.problem((), "no review_due: a controlled document names the date of "
                                "its next periodic review (review_due: YYYY-MM-DD)")
        warn(missing.location, missing.message, missing.path)
    elif document.review_due < _today():
        found.append(Problem(*_review_due(rules, document.review_due)))
    return found


def _review_due(rules: _Rules, due: datetime.date) -> tuple[Location, str, str]:
    problem = rules.problem(("review_due",), (
        f"the periodic review was due on {due.isoformat()}; review the document and set "
        "the next review date"))
    return problem.location, problem.message, problem.path


def _today() -> datetime.date:
    """Return today's date, which review dates are held to."""
    return datetime.date.today()


__all__ = ["RETIRED", "WATERMARKED", "control_problems", "release_problems", "version_key",
           "watermarked"]
