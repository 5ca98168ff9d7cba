"""A watermark across the page: Word's own, a turned WordArt shape in a header."""

from __future__ import annotations

from typing import Any

from ...escaping import escape

_VML = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:w10="urn:schemas-microsoft-com:office:word"')
# Word's WordArt shape type 136 (text along a straight path), as Word writes it for a
# watermark: what Word and LibreOffice both draw
_TEXT_SHAPE = (
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    + "".join(f'<v:f eqn="{eqn}"/>' for eqn in (
        "sum #0 0 10800", "prod #0 2 1", "sum 21600 0 @1", "sum 0 0 @2", "sum 21600 0 @3",
        "if @0 @3 0", "if @0 21600 @1", "if @0 0 @2", "if @0 @4 21600", "mid @5 @6",
        "mid @8 @5", "mid @7 @8", "mid @6 @7", "sum @6 0 @5"))
    + '</v:formulas><v:path textpathok="t" o:connecttype="custom" '
    'o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" '
    'xrange="6629,14971"/></v:handles><o:lock v:ext="edit" text="t" shapetype="t"/>'
    '</v:shapetype>')


def add_watermark(paragraph: Any, text: str, font: str, box: tuple[float, float], color: str,
                  ident: int) -> None:
    """Append ``text`` as a watermark across the page: Word's own, a turned WordArt shape.

    The shape is centred on the page, turned 315 degrees, behind the text; ``box`` is
    its width and height in points (its letters are stretched to fill it); ``ident``
    tells the watermarks of a document's headers apart.
    """
    from docx.oxml import parse_xml

    width, size = (round(value, 1) for value in box)
    shape = (
        f'<w:r {_VML}><w:rPr><w:noProof/></w:rPr><w:pict>{_TEXT_SHAPE}'
        f'<v:shape id="PowerPlusWaterMarkObject{ident}" o:spid="_x0000_s{2048 + ident}" '
        'type="#_x0000_t136" style="position:absolute;margin-left:0;margin-top:0;'
        f'width:{width}pt;height:{size}pt;rotation:315;z-index:-251654144;'
        "mso-wrap-edited:f;mso-position-horizontal:center;"
        "mso-position-horizontal-relative:page;mso-position-vertical:center;"
        'mso-position-vertical-relative:page" o:allowincell="f" '
        f'fillcolor="{color}" stroked="f"><v:fill opacity="1"/>'
        f'<v:textpath style="font-family:&quot;{escape(font, quote=True)}&quot;;font-size:1pt" '
        f'string="{escape(text, quote=True)}"/><w10:wrap anchorx="page" anchory="page"/>'
        "</v:shape></w:pict></w:r>")
    paragraph._p.append(parse_xml(shape))
