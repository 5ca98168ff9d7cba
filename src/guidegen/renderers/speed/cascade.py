"""A speed trick of the renderers (see :mod:`.speed`): each set of matched rules cascaded once.

WeasyPrint's cascade (``weasyprint.css.StyleFor.__init__``) matches every element of a
document against the stylesheets, then merges the declarations of the rules it matched
into the element's cascaded style, one declaration at a time, comparing weights (pure
Python: a third of the styling step). Most elements of a guide match the same rules as
many others (the cells of a table, the paragraphs of a section), and the merge of the
same rules, in the same order, gives the same declarations with the same weights. So,
within one document, the merge of each list of matched rules is made once, keyed by
everything it reads: each rule's stylesheet (its origin and specificity), specificity,
pseudo-element, declarations (the object: alive as long as the document's stylesheets,
so its ``id`` names it) and layer; an element with ``style`` attributes or
presentational hints merges the kept declarations into those by the same weights (the
result is the one declaration-by-declaration merge would give: the last of the
heaviest wins). Nothing is kept across documents.

Second, a pseudo-element's computed style is made when the layout first asks for it
(``StyleFor.__call__``), not for every pseudo-element a rule matched: WeasyPrint's
stylesheet gives every element a ``::marker``, ``::footnote-call``, ``::footnote-marker``,
``::note-call``, ``::note-marker`` and ``::note-callback``, six styles per element of which
a guide's layout asks for one in sixty (the list items' markers). Making one reads only
what it is given (its parent's style, its cascaded declarations, the document's root,
base URL and page sizes: the same objects later) and, with a target collector, its
``anchor`` (collected there, so a pseudo-element whose rules set one is made at once, in
WeasyPrint's order); its values are computed when read, as before. It is made by
WeasyPrint's ``set_computed_styles`` (:func:`make`).

This is ``StyleFor.__init__`` of WeasyPrint 70.0, changed only where the merge is and
where pseudo-elements wait; with any other version :func:`install` does nothing.

Measured (CPU time in one process, taking turns with WeasyPrint's own cascade, medians of
11 at load 9-10): the twelve layouts of five guides' PDFs (the default guide, German and
Japanese, ``forty-checks`` and ``acht-dienstleister``, each fitted) 2.96 -> 2.69 s, their
styling step (``get_all_computed_styles``) 0.81 -> 0.60 s; five of six elements reuse a
merge. Part of that is fewer objects for the garbage collector to look at in a process
holding much (the suite's workers): each guide's layouts alone in a fresh process gain
less, the styling step -3 to -10% and the layouts 0 to -5% (medians of 11-15, load 6-8;
the default guide 51 -> 48 ms of styling for its two layouts, of 315-327). The PDFs are
the same bytes.
"""

from __future__ import annotations

from math import inf
from typing import Any

# lists of rules merged, merges reused; pseudo-elements left waiting, made when asked for
_STATE = {"installed": 0, "merged": 0, "reused": 0, "waiting": 0, "made": 0}
_REAL: list[Any] = []  # WeasyPrint's StyleFor.__init__ and __call__, once installed
_EAGER = "anchor"  # a pseudo-element whose cascaded style has it is made at once
_NONE_WAITING: tuple[dict[Any, Any], tuple[Any, ...]] = ({}, (None, None, None))


def install() -> None:
    """Have WeasyPrint merge each list of matched rules once per document (see above)."""
    import weasyprint
    import weasyprint.css as css

    if _STATE["installed"] or weasyprint.__version__ != "70.0" \
            or css.StyleFor.__init__.__module__ != "weasyprint.css" \
            or css.StyleFor.__call__.__module__ != "weasyprint.css":
        return  # done, or not the WeasyPrint this was written for
    _STATE["installed"] = 1
    _REAL.extend((css.StyleFor.__init__, css.StyleFor.__call__))
    css.StyleFor.__init__ = _style_for_init
    css.StyleFor.__call__ = _style_for_call


def _style_for_init(self: Any, html: Any, sheets: Any, presentational_hints: Any,
                    font_config: Any, target_collector: Any) -> None:
    """Set up ``self`` as WeasyPrint 70.0's ``StyleFor.__init__`` does, merging less."""
    from weasyprint.css import declaration_precedence, find_style_attributes
    from weasyprint.css.validation import preprocess_declarations
    from weasyprint.logger import PROGRESS_LOGGER

    cascaded_styles: dict[Any, dict[str, Any]] = {}
    computed_styles: dict[Any, Any] = {}
    self._cascaded_styles, self._computed_styles = cascaded_styles, computed_styles
    self.initial_page_sizes = {"box": None, "area": None}
    self._sheets = sheets
    self.font_config = font_config

    PROGRESS_LOGGER.info("Step 3 - Applying CSS")
    layer_order: Any = inf
    elements_declarations: dict[Any, Any] = {}
    for specificity, element, declarations, base_url in find_style_attributes(
            html.etree_element, presentational_hints, html.base_url):
        style = cascaded_styles.setdefault((element, None), {})
        elements_declarations[element] = tuple(declarations)
        for name, values, importance in preprocess_declarations(base_url, declarations):
            precedence = declaration_precedence("author", importance)
            weight = (precedence, layer_order, specificity)
            old_weight = style.get(name, (None, None))[1]
            if old_weight is None or old_weight <= weight:
                style[name] = values, weight

    computed_cache: dict[Any, Any] = {}
    merged: dict[tuple[Any, ...], dict[Any, dict[str, Any]]] = {}  # the trick's memo
    for element in html.wrapper_element.iter_subtree():
        etree_element = element.etree_element
        parent = element.parent.etree_element if element.parent else None
        parent_id = id(computed_styles[parent, None]) if element.parent else None
        element_declarations = elements_declarations.get(etree_element)
        selectors_keys = []
        matched = []
        for index, (sheet, _origin, _sheet_specificity) in enumerate(sheets):
            for selector in sheet.matcher.match(element):
                specificity, _order, pseudo_type, (declarations, layer) = selector
                layer_order = inf if layer is None else sheet.layers.index(layer)
                selectors_keys.append((sheet, specificity, id(declarations), layer_order))
                matched.append((index, specificity, pseudo_type, declarations, layer_order))
        rules = _key(matched)
        contributions = merged.get(rules)
        if contributions is None:
            contributions = merged[rules] = _merge(sheets, matched, declaration_precedence)
            _STATE["merged"] += 1
        else:
            _STATE["reused"] += 1
        for pseudo_type, contribution in contributions.items():
            present = cascaded_styles.get((etree_element, pseudo_type))
            if present is None:
                cascaded_styles[etree_element, pseudo_type] = dict(contribution)
                continue
            for name, (values, weight) in contribution.items():
                old_weight = present.get(name, (None, None))[1]
                if old_weight is None or old_weight <= weight:
                    present[name] = values, weight

        key = (parent_id, element_declarations, tuple(selectors_keys))
        if key in computed_cache:
            computed_styles[etree_element, None] = computed_cache[key]
        else:
            self.set_computed_styles(
                etree_element, root=html.etree_element, parent=parent,
                base_url=html.base_url, target_collector=target_collector)
            computed_cache[key] = computed_styles[etree_element, None]

    waiting: dict[tuple[Any, str], dict[str, Any]] = {}  # pseudo-elements made when asked for
    for (element, pseudo_type), cascaded in cascaded_styles.items():
        if pseudo_type:
            if not target_collector or _EAGER not in cascaded:
                waiting[element, pseudo_type] = cascaded
                continue
            self.set_computed_styles(
                element, pseudo_type=pseudo_type, root=html.etree_element, parent=element,
                base_url=html.base_url, target_collector=target_collector)
    self._cascaded_styles.clear()
    self.guidegen_waiting = waiting, (html.etree_element, html.base_url, target_collector)
    _STATE["waiting"] += len(waiting)


def _style_for_call(self: Any, element: Any, pseudo_type: Any = None) -> Any:
    """Return WeasyPrint 70.0's ``StyleFor.__call__``, a waiting pseudo-element made first."""
    if pseudo_type:
        make(self, element, pseudo_type)
    return _REAL[1](self, element, pseudo_type)


def make(style_for: Any, element: Any, pseudo_type: str) -> None:
    """Make the computed style of ``element``'s ``pseudo_type`` if it waits to be made.

    By WeasyPrint's ``set_computed_styles``, which reads it from the cascaded styles: what
    the cascade gave it is put back there while it runs.
    """
    waiting, (root, base_url, target_collector) = getattr(
        style_for, "guidegen_waiting", _NONE_WAITING)
    cascaded = waiting.pop((element, pseudo_type), None)
    if cascaded is None:
        return
    _STATE["made"] += 1
    cascaded_styles = style_for.get_cascaded_styles()
    cascaded_styles[element, pseudo_type] = cascaded
    try:
        style_for.set_computed_styles(
            element, pseudo_type=pseudo_type, root=root, parent=element, base_url=base_url,
            target_collector=target_collector)
    finally:
        del cascaded_styles[element, pseudo_type]


def _key(matched: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    """Return what the merge of the ``matched`` rules reads (the declarations by ``id``)."""
    return tuple((index, specificity, pseudo_type, id(declarations), layer_order)
                 for index, specificity, pseudo_type, declarations, layer_order in matched)


def _merge(sheets: Any, matched: list[tuple[Any, ...]],
           precedence_of: Any) -> dict[Any, dict[str, Any]]:
    """Return the declarations of the ``matched`` rules merged, per pseudo-element.

    In WeasyPrint's order and by its weights: the last of the heaviest wins, and a
    pseudo-element a rule matched has its (maybe empty) declarations.
    """
    contributions: dict[Any, dict[str, Any]] = {}
    for index, specificity, pseudo_type, declarations, layer_order in matched:
        _sheet, origin, sheet_specificity = sheets[index]
        specificity = sheet_specificity or specificity
        style = contributions.setdefault(pseudo_type, {})
        for name, values, importance in declarations:
            weight = (precedence_of(origin, importance), layer_order, specificity)
            old_weight = style.get(name, (None, None))[1]
            if old_weight is None or old_weight <= weight:
                style[name] = values, weight
    return contributions
