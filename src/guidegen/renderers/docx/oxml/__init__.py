"""WordprocessingML python-docx has no API for, and every use of python-docx's inside.

The DOCX writer (:mod:`..blocks`, :mod:`..parts`, :mod:`..toc`, :mod:`..spacing`,
:mod:`..styles`) uses python-docx's public API and these functions: raw XML, the ``_p``,
``_r``, ``_tbl`` and ``_element`` of its objects, and its part's style lookup live here
and nowhere else, as python-docx keeps its own in its ``oxml`` package. By subject:
paragraphs and runs (:mod:`.text`: fields, bookmarks, links, pictures' alternative
text, list numbers), the body as blocks (:mod:`.body`), tables (:mod:`.tables`),
style definitions (:mod:`.styles`), and the package (:mod:`.package`: properties,
settings, the reproducible zip).
"""

from ._xml import Border
from .body import (
    blocks,
    body_element,
    body_end,
    clear_body,
    ends_section,
    is_paragraph,
    move_before,
    paragraph,
    paragraphs_in,
    remember_style_ids,
    rule_under,
    section_firsts,
    start_section,
)
from .package import (
    drop_thumbnail,
    save_reproducibly,
    set_core_dates,
    set_custom_properties,
    set_language,
)
from .styles import (
    Fonts,
    ListLevel,
    add_style,
    define_list,
    replace_styles,
    reset_style,
    set_default_fonts,
    set_fonts,
    set_header_row,
    set_letter_spacing,
    set_rule_under,
    set_stripes,
    set_table_frame,
    suppress_hyphens,
    use_list,
)
from .tables import keep_row_together, mark_header_row, set_column_widths, set_table_look
from .text import (
    add_bookmark,
    add_field,
    add_hyperlink,
    add_internal_link,
    add_link_text,
    add_text,
    add_to_link,
    begin_field,
    bookmark_name,
    describe_picture,
    empty_story,
    end_field,
    restart_numbering,
    set_text,
    use_numbering,
)
from .watermark import add_watermark

__all__ = ["Border", "Fonts", "ListLevel", "add_bookmark", "add_field", "add_hyperlink",
           "add_internal_link", "add_link_text", "add_style", "add_text", "add_to_link",
           "add_watermark", "begin_field", "blocks",
           "body_element", "body_end", "bookmark_name", "clear_body", "define_list",
           "describe_picture", "drop_thumbnail", "empty_story", "end_field", "ends_section",
           "is_paragraph",
           "keep_row_together", "mark_header_row", "move_before", "paragraph", "paragraphs_in",
           "remember_style_ids", "replace_styles", "reset_style", "restart_numbering", "rule_under",
           "save_reproducibly", "section_firsts", "set_column_widths",
           "set_core_dates", "set_custom_properties", "set_default_fonts", "set_fonts",
           "set_header_row", "set_language", "set_letter_spacing", "set_rule_under",
           "set_stripes", "set_table_frame", "set_table_look", "set_text",
           "start_section", "suppress_hyphens", "use_list", "use_numbering"]
