"""A controlled document's properties in the PDF's XMP metadata, as in its document info.

The document information (``pdfinfo -custom``) carries a controlled document's number,
version, effective date and status (:data:`..html.CONTROL_PROPERTIES`, the DOCX's custom
properties); the XMP metadata, which PDF/A and PDF/UA readers go by, carries the same
values in a namespace of guidegen's own (:data:`NAMESPACE`, prefix ``gg``), with the
extension schema that describes it (PDF/A admits no property it is not told about).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..escaping import escape

NAMESPACE = "http://ns.guidegen.org/document-control/1.0/"
PREFIX = "gg"
#: the properties, as the document information names them, with their XMP value types
PROPERTIES = {"DocumentNumber": ("Text", "The document number"),
              "Version": ("Text", "The version of the document"),
              "EffectiveDate": ("Date", "The date the document is effective from"),
              "Status": ("Text", "The status of the document, as printed on it")}
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def descriptions(info: Mapping[str, str]) -> bytes:
    """Return the ``rdf:Description`` elements saying the control properties of ``info``.

    ``info`` is the document information (its custom entries, whose names WeasyPrint
    writes in lower case); empty if it has none of them. The first element is the
    extension schema, the second the values.
    """
    given = {name.lower(): value for name, value in info.items()}
    values = {name: given[name.lower()] for name in PROPERTIES if given.get(name.lower())}
    if not values:
        return b""
    fields = "".join(
        f'<rdf:li rdf:parseType="Resource"><pdfaProperty:name>{name}</pdfaProperty:name>'
        f"<pdfaProperty:valueType>{kind}</pdfaProperty:valueType>"
        "<pdfaProperty:category>external</pdfaProperty:category>"
        f"<pdfaProperty:description>{about}</pdfaProperty:description></rdf:li>"
        for name, (kind, about) in PROPERTIES.items())
    schema = (
        f'<rdf:Description xmlns:rdf="{_RDF}" rdf:about="" '
        'xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" '
        'xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" '
        'xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
        '<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">'
        "<pdfaSchema:schema>guidegen document control</pdfaSchema:schema>"
        f"<pdfaSchema:namespaceURI>{NAMESPACE}</pdfaSchema:namespaceURI>"
        f"<pdfaSchema:prefix>{PREFIX}</pdfaSchema:prefix>"
        f"<pdfaSchema:property><rdf:Seq>{fields}</rdf:Seq></pdfaSchema:property>"
        "</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>")
    said = "".join(f"<{PREFIX}:{name}>{escape(value)}</{PREFIX}:{name}>"
                   for name, value in values.items())
    own = (f'<rdf:Description xmlns:rdf="{_RDF}" rdf:about="" '
           f'xmlns:{PREFIX}="{NAMESPACE}">{said}</rdf:Description>')
    return (schema + own).encode("utf-8")


def with_descriptions(rdf: bytes, info: Mapping[str, str]) -> bytes:
    """Return the ``rdf:RDF`` element ``rdf`` with :func:`descriptions` of ``info`` in it."""
    added = descriptions(info)
    end = rdf.rfind(b"</")
    return rdf[:end] + added + rdf[end:] if added and end >= 0 else rdf

