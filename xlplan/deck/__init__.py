"""Client-ready and internal plan decks rendered natively with python-pptx.

``render_deck`` turns one plan file into a .pptx; ``render_decks`` does a
folder in parallel. Everything a client deck shows passes the pack's
allow-list first (``audience``).

The names below are imported on first use, so a command that needs only a
deck module without python-pptx (checking a pack's slide types, as every
``xlplan rollup`` does) does not pay for importing python-pptx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xlplan.deck.audience import Audience
    from xlplan.deck.service import DeckRequest, DeckResult, render_deck, render_decks

__all__ = ["Audience", "DeckRequest", "DeckResult", "render_deck", "render_decks"]


def __getattr__(name: str) -> Any:
    """One of ``__all__``, imported from its module when first asked for."""
    if name == "Audience":
        from xlplan.deck import audience

        return audience.Audience
    if name in __all__:
        from xlplan.deck import service

        return getattr(service, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
