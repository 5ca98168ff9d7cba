"""A Word document's properties → the ``guide:`` block of a guide.

As guidegen writes them into a DOCX, and as Word's File ▸ Properties shows them:

=====================  ===========================================================
guide key              from
=====================  ===========================================================
title, subtitle        the Title and Subtitle paragraphs, else the title and
                       subject properties
language               the language property, else the mark words of its tables
audience               the comments (description) property
owner                  the custom property "Owner"
authors                the custom property "Authors", else the author (creator)
                       property, ``;``-separated, unless it only repeats the owner
keywords               the keywords property, ``,``-separated
date                   the created property's day
document.number        the custom property "Document number", else the identifier
document.version       the custom property "Version", else the version property
document.status        the custom property "Status", else the content status, if it
                       is a status (draft, effective, ...) or one as a language prints
                       it (Gültig, 発効)
document.effective     the custom property "Effective date" (a date, or its text)
document.print_notice  the paragraph under the control block (style Print Notice or
                       Status), else the custom property "Status" that is not a
                       status (as older guidegen DOCX files hold it)
document.approvals     the custom property "Approver": one approval by that role,
                       dated the effective date (with a warning to check it)
=====================  ===========================================================

A document block needs a number and a version: a version or status without a number
is not kept, with a warning.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from ..common.language import LANGUAGE_TAG, is_right_to_left
from ..content.model import STATUSES
from ..errors import Location, warn
from .docx.model import WordDocument
from .yamltext import Plain

_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")


def properties(document: WordDocument, title: str, subtitle: str | None, language: str,
               audience: str | None = None, notice: str | None = None) -> dict[str, Any]:
    """Return the ``guide:`` block: ``title``, ``subtitle`` as found, the rest from properties."""
    core, custom = document.properties, document.custom
    info: dict[str, Any] = {"title": title}
    subtitle = subtitle or core.get("subject")
    if subtitle:
        info["subtitle"] = subtitle
    if language and re.fullmatch(LANGUAGE_TAG, language):
        if is_right_to_left(language):
            warn(Location(document.file), f"the document's language {language!r} is written "
                 "right to left, which guides do not support yet; the guide names no language")
        else:
            info["language"] = language
    audience = core.get("description") or audience
    if audience:
        info["audience"] = " ".join(audience.split())
    owner = custom.get("Owner", "")
    if owner:
        info["owner"] = owner
    authors = _split(custom.get("Authors") or core.get("creator", ""), ";")
    if authors and (authors != [owner] or "Authors" in custom):
        info["authors"] = authors
    keywords = _split(core.get("keywords", ""), ",;")
    if keywords:
        info["keywords"] = keywords
    created = _DATE.match(core.get("created", ""))
    if created and not created.group(1).startswith(("1601", "1980", "1900")):
        info["date"] = Plain(created.group(1))
    document_block = _document(document, notice)
    if document_block:
        info["document"] = document_block
    return info


def _split(text: str, separators: str) -> list[str]:
    return [part.strip() for part in re.split(f"[{separators}]", text) if part.strip()]


def _document(document: WordDocument, notice: str | None) -> dict[str, Any]:
    core, custom = document.properties, document.custom
    found: dict[str, Any] = {
        "number": custom.get("Document number") or core.get("identifier", ""),
        "version": custom.get("Version") or core.get("version", ""),
        "status": custom.get("Status") or core.get("contentStatus", ""),
        "effective": custom.get("Effective date", ""),
        "approver": custom.get("Approver", ""),
    }
    found = {key: " ".join(value.split()) for key, value in found.items() if value.strip()}
    if "effective" in found:
        matched = _DATE.match(found["effective"])
        if matched:
            found["effective"] = Plain(matched.group(1))
        else:
            del found["effective"]
    if found and not ("number" in found and "version" in found):
        kept = ", ".join(f"{key} {value!r}" for key, value in found.items())
        warn(Location(document.file), f"the document's properties give {kept} but no "
             "document number and version together, so no document block is written")
        return {}
    status = printed_status(found.get("status", ""))
    if status is None:
        notice = notice or found["status"]
        del found["status"]
    elif status:
        found["status"] = Plain(status)
    if notice:
        found["print_notice"] = notice
    if "approver" in found:
        found["approvals"] = [_approval(document, found.pop("approver"), found.get("effective"))]
    return found


def printed_status(text: str) -> str | None:
    """Return the status ``text`` is ("effective", or as a language prints it: "Gültig").

    Empty for no text; None for text that is no status (an older DOCX's print notice).
    """
    text = " ".join(text.split()).casefold()
    if text in ("", *STATUSES):
        return text
    return _printed_statuses().get(text)


@cache
def _printed_statuses() -> dict[str, str]:
    """Return every language's printed statuses, case-folded, with the status each is."""
    from ..theme.locales import catalogue_tags, load_catalogue

    found: dict[str, str] = {}
    for tag in catalogue_tags().values():
        texts = load_catalogue(tag).labels
        for status in STATUSES:
            found.setdefault(getattr(texts, "status_" + status.replace("-", "_")).casefold(),
                             status)
    return found


def _approval(document: WordDocument, role: str, effective: str | None) -> dict[str, Any]:
    """Return the approval the "Approver" property names: dated the effective date, if any."""
    if effective is None:
        return {"role": role}
    warn(Location(document.file), f"the approval by {role!r} is dated the effective date, "
         f"{effective}, as the document's properties give no date of its own; check it")
    return {"role": role, "date": Plain(effective)}


__all__ = ["properties"]
