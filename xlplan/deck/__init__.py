"""Client-ready and internal plan decks rendered natively with python-pptx.

``render_deck`` turns one plan file into a .pptx; ``render_decks`` does a
folder in parallel. Everything a client deck shows passes the pack's
allow-list first (``audience``).
"""

from xlplan.deck.audience import Audience
from xlplan.deck.service import DeckRequest, DeckResult, render_deck, render_decks

__all__ = ["Audience", "DeckRequest", "DeckResult", "render_deck", "render_decks"]
