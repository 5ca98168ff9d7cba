"""The schema of printed labels: every fixed string guidegen prints around the content.

One class, :class:`LabelTexts`, declares every label key once, with what it is for and
the placeholders it takes. A message catalogue (``guidegen/locales/<lang>.yaml``) gives
all of them; a guide's or a theme's ``labels:`` (:data:`LabelOverrides`, made from the
same declaration) may give any of them. Placeholders are ``{name}`` and are filled by
:func:`fill`, never by ``str.format``: a label is data, not code.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, create_model, field_validator
from pydantic_core import PydanticCustomError

from .models import Model, matching

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
#: a word as a hyphenation exception writes it: letters, a hyphen where it may break
HyphenatedWord = Annotated[str, matching(r"^[^\W\d_]+(-[^\W\d_]+)*$",
                                         "a word with a hyphen where it may break, like "
                                         "Fach-arzt-aus-bil-dung")]


def _label(about: str, *placeholders: str) -> Any:
    return Field(description=about + (" Takes " + ", ".join(f"{{{p}}}" for p in placeholders)
                                      + "." if placeholders else ""),
                 json_schema_extra={"placeholders": list(placeholders)})


class LabelTexts(Model):
    """Every label guidegen prints, in one language: what a message catalogue gives."""

    # title block and running footer
    audience: str = _label('Before the audience in the title block ("For").')
    document: str = _label("Caption of the document number in the control block.")
    version: str = _label("Caption of the version, also in the footer's control line.")
    effective: str = _label("Caption of the effective date, also in the footer's control "
                            "line.")
    approver: str = _label("Caption of who approved the document.")
    page: str = _label("The page number in the footer.", "page", "pages")
    separator: str = _label("Between the parts of the footer's control line and of the key.")
    colon: str = _label('Between a caption and its value ("For: ", "Key: "), spaces included.')
    quoted: str = _label("A text in the language's quotation marks.", "text")
    # subjects and comparisons
    subject_heading: str = _label("A subject's heading, from its full and short name.",
                                  "name", "short")
    comparing: str = _label("Default heading of the comparisons; {subjects} is the subjects' "
                            "short names joined as the language lists them.", "subjects")
    criterion: str = _label("Default header of a matrix's criteria column.")
    legend: str = _label("Before the key under a matrix.")
    mark_yes: str = _label("The word of a yes mark.")
    mark_no: str = _label("The word of a no mark.")
    mark_partial: str = _label("The word of a partial mark.")
    mark_yes_symbol: str = _label("The symbol of a yes mark (marks never rely on colour).")
    mark_no_symbol: str = _label("The symbol of a no mark.")
    mark_partial_symbol: str = _label("The symbol of a partial mark.")
    # front and back matter (contents, covers, acknowledgement sheets, packets)
    contents: str = _label("Heading of a table of contents.")
    blank_page: str = _label("Printed on a page left blank on purpose.")
    cover_prepared_for: str = _label("On a cover, before the recipient's details.")
    recipient_name: str = _label("Recipient field: the person's name.")
    recipient_role: str = _label("Recipient field: their role or job title.")
    recipient_site: str = _label("Recipient field: their site or location.")
    recipient_manager: str = _label("Recipient field: their manager.")
    recipient_start_date: str = _label("Recipient field: their start date.")
    acknowledgement_title: str = _label("Heading of the training acknowledgement sheet.")
    acknowledgement_statement: str = _label("The sentence the reader signs.")
    acknowledgement_document: str = _label("Acknowledgement table column: document number.")
    acknowledgement_document_title: str = _label("Acknowledgement table column: title.")
    acknowledgement_version: str = _label("Acknowledgement table column: version.")
    acknowledgement_name: str = _label("Acknowledgement field: the signer's name.")
    acknowledgement_signature: str = _label("Acknowledgement field: signature.")
    acknowledgement_date: str = _label("Acknowledgement field: date.")
    acknowledgement_trainer: str = _label("Acknowledgement field: the trainer who "
                                          "countersigns (acknowledgement_trainer).")
    revision_history: str = _label("Heading of a revision history.")
    revision_version: str = _label("Revision history column: version.")
    revision_date: str = _label("Revision history column: date.")
    revision_change: str = _label("Revision history column: what changed.")
    revision_author: str = _label("Revision history column: who changed it.")
    # document control: a controlled document's block, its status and watermark
    document_control: str = _label("Heading of the document-control block (approvals, "
                                   "revision history).")
    status: str = _label("Caption of the document's status (draft, effective...).")
    supersedes: str = _label("Caption of the document this one replaces.")
    review_due: str = _label("Caption of the date of the next periodic review.")
    approvals: str = _label("Heading of the approvals table.")
    approval_role: str = _label("Approvals column: the signer's role.")
    approval_name: str = _label("Approvals column: the signer's printed name.")
    approval_date: str = _label("Approvals column: the date signed.")
    approval_meaning: str = _label('Approvals column: what the signature means ("Approved '
                                   'for use").')
    revision_change_control: str = _label("Revision history column: the change-control "
                                          "reference.")
    revision_approver: str = _label("Revision history column: who approved the change.")
    status_draft: str = _label("The status draft.")
    status_in_review: str = _label("The status in-review.")
    status_effective: str = _label("The status effective.")
    status_superseded: str = _label("The status superseded.")
    status_obsolete: str = _label("The status obsolete.")
    watermark_draft: str = _label("Across every page of a draft.")
    watermark_in_review: str = _label("Across every page of a document in review.")
    watermark_superseded: str = _label("Across every page of a superseded document.")
    watermark_obsolete: str = _label("Across every page of an obsolete document.")
    packet_page: str = _label("The page number across a whole packet.", "page", "pages")

    _placeholders = field_validator("*")(lambda value, info: _valid_label(value, info))


def _valid_label(value: Any, info: ValidationInfo) -> Any:
    return value if value is None else check_placeholders(info.field_name or "", value)


LABEL_KEYS = tuple(LabelTexts.model_fields)


def placeholders(key: str) -> tuple[str, ...]:
    """Return the placeholders label ``key`` takes (``page``, ``pages``)."""
    extra = LabelTexts.model_fields[key].json_schema_extra
    return tuple(extra["placeholders"]) if isinstance(extra, dict) else ()  # type: ignore[arg-type]


MAX_LABEL = 300  # characters of one label: it may print on every page


def check_placeholders(key: str, value: str) -> str:
    """Return ``value`` if it has exactly the placeholders label ``key`` takes, else raise.

    Each placeholder appears once, and a label holds at most :data:`MAX_LABEL`
    characters: labels print again and again (every page's footer, every mark), so what
    they cost is capped where it grows, not only by the size of the file they are in.
    """
    if len(value) > MAX_LABEL:
        raise PydanticCustomError("label_too_long", "{message}", {"message": (
            f"{len(value):,} characters; a label holds at most {MAX_LABEL}")})
    found = PLACEHOLDER.findall(value)
    twice = sorted({name for name in found if found.count(name) > 1})
    if twice:
        raise PydanticCustomError("placeholders", "{message}", {"message": (
            f"{{{twice[0]}}} appears {found.count(twice[0]):,} times; once is enough")})
    wanted = placeholders(key)
    used = set(found)
    unknown, missing = used - set(wanted), set(wanted) - used
    if unknown or missing:
        needs = ", ".join(f"{{{n}}}" for n in wanted) or "no placeholder"
        raise PydanticCustomError("placeholders", "{message}", {"message": (
            f"takes {needs}" + (f", not {{{sorted(unknown)[0]}}}" if unknown else ""))})
    if not value.strip():
        raise PydanticCustomError("string_too_short", "must not be empty")
    return value


#: Any labels, none required: what a guide's or a theme's ``labels:`` may override.
_OPTIONAL: dict[str, Any] = {key: (str | None, Field(None, description=field.description))
                             for key, field in LabelTexts.model_fields.items()}
LabelOverrides: type[Model] = create_model(
    "LabelOverrides", __base__=Model,
    __doc__="Labels that replace those of the guide's language (any of them).",
    __validators__={"placeholders": field_validator("*")(
        lambda value, info: _valid_label(value, info))},
    **_OPTIONAL)


class Catalogue(Model):
    """A message catalogue: the labels of one language, and who wrote them."""

    language: str = Field(description="The BCP 47 tag the catalogue is for.")
    name: str = Field(description="The language's name, in that language.")
    written_by: Literal["fluent speaker", "machine-assisted, needs review"]
    labels: LabelTexts
    hyphenation_exceptions: tuple[HyphenatedWord, ...] = Field(
        (), description="Words hyphenated only where written with a hyphen "
        "(Fach-arzt-aus-bil-dung); a word written without one is never hyphenated.")


def fill(template: str, **values: str) -> str:
    """Return ``template`` with each ``{name}`` replaced by ``values[name]``."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group()), template)
