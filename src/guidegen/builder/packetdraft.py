"""A packet's draft: what lays one packet out for one recipient, whole or part by part.

A packet's job (:mod:`guidegen.builder.packets`) holds one; fitting
(:mod:`guidegen.builder.fitting`) lays it out again with each guide at a level of its
own, and says by what parts (:meth:`PacketDraft.parts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .jobs import Part

if TYPE_CHECKING:
    from ..content.roster import Recipient
    from ..layout.packet import PacketLayout
    from ..theme import Templates
    from ..tree import Document


@dataclass(frozen=True)
class PacketDraft:
    """Lays out one packet for one recipient (None: lines to fill in); picklable.

    ``layout`` holds the packet's guides laid out once for all its recipients.
    """

    layout: PacketLayout
    recipient: Recipient | None

    @property
    def chosen(self) -> tuple[int, ...]:
        """Return the indexes of the guides the recipient gets (their curriculum)."""
        from ..content.curricula import chosen

        return chosen(self.recipient, len(self.layout.guides))

    def lay(self, templates: Templates) -> Document:
        """Return the packet's document tree for the recipient, laid out with ``templates``."""
        return self._with(templates).document(self.recipient)

    def lay_parts(self, templates: Templates, levels: Sequence[float]) -> Document:
        """Return the packet's document tree, its ``n``-th guide tightened to ``levels[n]``."""
        return self._at(templates, levels).document(self.recipient)

    def lay_shared(self, templates: Templates, levels: Sequence[float]) -> Document:
        """Return the packet without a recipient, its guides at ``levels``, as shared."""
        return self._at(templates, levels).document(None, self.chosen)

    def parts(self) -> tuple[Part, ...]:
        """Return the parts its packet is fitted by: each guide the recipient gets.

        A guide's page budget is its entry's ``pages`` in the packet, else its own
        ``handout.pages``; its own sign-off sheet (per-guide acknowledgement) is not fitted.
        """
        from ..layout.packet import ACKNOWLEDGEMENT, guide_anchor

        layout, found = self.layout, []
        per_guide = layout.packet.acknowledgement == "per-guide"
        for position, index in enumerate(self.chosen):
            anchor, ref = guide_anchor(position), layout.packet.guides[index]
            handout = layout.guides[index].handout
            own = handout.pages if handout else None
            budget, where, setting = (ref.pages, layout.packet.locate("guides", index, "pages"),
                                      "pages") if ref.pages else \
                (own, layout.guides[index].locate("handout", "pages") if own else None,
                 "handout.pages")
            found.append(Part(anchor, budget, where, f"{anchor}-{ACKNOWLEDGEMENT}"
                              if per_guide else "", setting))
        return tuple(found)

    def _at(self, templates: Templates, levels: Sequence[float]) -> PacketLayout:
        """Return the packet's layout with the guides it holds tightened to ``levels``."""
        layout = self._with(templates)
        by_index = dict(zip(self.chosen, levels, strict=True))
        return layout.at([by_index.get(index, 0.0) for index in range(len(layout.guides))])


    def _with(self, templates: Templates) -> PacketLayout:
        """Return the packet's layout with ``templates`` (others: every guide laid out anew)."""
        layout = self.layout
        if templates is layout.templates:
            return layout
        from ..layout.packet import PacketLayout

        return PacketLayout(layout.packet, layout.guides, templates, language=layout.language,
                            date=layout.date, reader=layout.reader)
