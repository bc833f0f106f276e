"""Text measured by font metrics: line wrapping, box heights and fitting.

PowerPoint does not lay text out until it opens the file, so xlplan measures
text itself with the font the viewer will use: the brand font when installed,
else its metric-compatible twin (Carlito for Calibri, Liberation for Arial),
else DejaVu Sans, which is wider than both and so errs towards fitting.
"""

from __future__ import annotations

import functools
import logging
import subprocess
from dataclasses import dataclass

from PIL import ImageFont

logger = logging.getLogger(__name__)

LINE_SPACING = 1.2  # PowerPoint's single spacing, as a multiple of the font size
WRAP_SHARE = 0.97  # of a box's width that wrapped lines are measured to fill
_TWINS = {
    "calibri": "Carlito",
    "cambria": "Caladea",
    "arial": "Liberation Sans",
    "helvetica": "Liberation Sans",
    "times new roman": "Liberation Serif",
}
_FALLBACK = "DejaVu Sans"
_MEASURE_SIZE = 100  # points; widths scale linearly with size


@functools.lru_cache(maxsize=32)
def _font_file(family: str, bold: bool) -> str | None:
    """The font file fontconfig picks for a family, or None without fontconfig."""
    pattern = f"{family}:bold" if bold else family
    try:
        found = subprocess.run(
            ["fc-match", "--format=%{file}", pattern],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return found or None


@functools.lru_cache(maxsize=32)
def _font(family: str, bold: bool) -> ImageFont.FreeTypeFont | None:
    for candidate in (family, _TWINS.get(family.lower(), ""), _FALLBACK):
        if not candidate:
            continue
        path = _font_file(candidate, bold)
        if path and _family_matches(path, candidate):
            logger.debug("measuring %s with %s", family, path)
            return ImageFont.truetype(path, _MEASURE_SIZE)
    return None


def _family_matches(path: str, family: str) -> bool:
    """fontconfig always answers; accept its answer only for the family asked."""
    try:
        name = ImageFont.truetype(path, 10).getname()[0] or ""
    except OSError:
        return False
    return name.lower().replace(" ", "") == family.lower().replace(" ", "")


CACHED_WORD = 40  # characters; longer tokens are measured without the cache
NARROWEST_GLYPH = 0.15  # of the font size: no line holds more than width / this


def _word_width(family: str, bold: bool, word: str) -> float:
    """Width of a word at the measuring size; kerning across words is ignored."""
    if len(word) <= CACHED_WORD:
        return _cached_width(family, bold, word)
    return _measured_width(family, bold, word)


@functools.lru_cache(maxsize=65536)
def _cached_width(family: str, bold: bool, word: str) -> float:
    return _measured_width(family, bold, word)


def _measured_width(family: str, bold: bool, word: str) -> float:
    font = _font(family, bold)
    if font is None:
        return len(word) * _MEASURE_SIZE * 0.6
    return float(font.getlength(word))


@dataclass(frozen=True)
class Measure:
    """A font at a size, measuring text in points."""

    family: str
    size: float
    bold: bool = False

    def width(self, text: str) -> float:
        """Width of one line of text in points (words measured once, then summed)."""
        scale = self.size / _MEASURE_SIZE
        words = text.split(" ")
        space = _word_width(self.family, self.bold, " ") * (len(words) - 1)
        return (
            sum(_word_width(self.family, self.bold, w) for w in words) + space
        ) * scale

    def line_height(self) -> float:
        """Height of one line in points."""
        return self.size * LINE_SPACING

    def wrap(self, text: str, width: float) -> list[str]:
        """Lines of text wrapped at word boundaries to fit ``width`` points.

        Lines are filled to ``WRAP_SHARE`` of the width only: PowerPoint and
        LibreOffice place glyphs a little differently from the font's own
        advances (kerning, hinting), so a line measured to end within a
        point of the edge may wrap one word earlier on screen, and the text
        grows a line taller than measured.
        """
        width *= WRAP_SHARE
        lines: list[str] = []
        for paragraph in text.split("\n"):
            lines.extend(self._wrap_paragraph(paragraph, width))
        return lines

    def _wrap_paragraph(self, paragraph: str, width: float) -> list[str]:
        lines: list[str] = []
        current, used = "", 0.0
        space = self.width(" ")
        for word in paragraph.split(" "):
            size = self.width(word)
            if current and used + space + size <= width:
                current, used = f"{current} {word}", used + space + size
                continue
            if current:
                lines.append(current)
            current, used = word, size
            if used > width:
                current, used = self._break_token(current, width, lines)
        lines.append(current)
        return lines

    def _break_token(
        self, token: str, width: float, lines: list[str]
    ) -> tuple[str, float]:
        """Cut a token wider than a line into lines; return the last piece and its width.

        Only the first ``width / NARROWEST_GLYPH`` characters can share a
        line, so each cut measures a window, never the whole token again.
        """
        window = int(width / (self.size * NARROWEST_GLYPH)) + 2
        while len(token) > 1 and self.width(token[:window]) > width:
            cut = self._longest_prefix(token[:window], width)
            lines.append(token[:cut])
            token = token[cut:]
        return token, self.width(token)

    def _longest_prefix(self, word: str, width: float) -> int:
        """The longest start of ``word`` that fits ``width``, at least one character.

        Found by bisection: a long unbroken token (a URL, base64, Chinese
        written without spaces) is measured a few dozen times, not once per
        character.
        """
        low, high = 1, len(word) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.width(word[:middle]) <= width:
                low = middle
            else:
                high = middle - 1
        return low

    def height(self, text: str, width: float) -> float:
        """Height of the text wrapped to ``width`` points."""
        return len(self.wrap(text, width)) * self.line_height()


@dataclass(frozen=True)
class Fitted:
    """Text fitted to a box: the size to use, the text shown, whether it was cut."""

    size: float
    text: str
    shortened: bool


def fit_text(
    text: str,
    family: str,
    width: float,
    height: float,
    *,
    largest: float,
    smallest: float,
    bold: bool = False,
    paragraph_gap: float = 0.0,
) -> Fitted:
    """The largest size from ``largest`` down to ``smallest`` at which text fits.

    When even the smallest size overflows, the text is cut at a word boundary
    with an ellipsis so that it fits; the caller keeps the full text (in the
    speaker notes).
    """
    gaps = text.count("\n") * paragraph_gap
    size = largest
    while size >= smallest:
        if Measure(family, size, bold).height(text, width) + gaps * size <= height:
            return Fitted(size, text, False)
        size -= 1
    measure = Measure(family, smallest, bold)
    room = height - gaps * smallest
    return Fitted(smallest, _shorten(text, measure, width, room), True)


def _shorten(text: str, measure: Measure, width: float, height: float) -> str:
    words = text.split(" ")
    low, high = 0, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        trial = " ".join(words[:middle]).rstrip(",;:") + " …"
        if measure.height(trial, width) <= height:
            low = middle
        else:
            high = middle - 1
    if low:
        return " ".join(words[:low]).rstrip(",;:") + " …"
    return _shorten_token(words[0], measure, width, height)


def _shorten_token(token: str, measure: Measure, width: float, height: float) -> str:
    """The longest start of one unbroken token that fits, with an ellipsis."""
    low, high = 0, len(token)
    while low < high:
        middle = (low + high + 1) // 2
        if measure.height(token[:middle] + "…", width) <= height:
            low = middle
        else:
            high = middle - 1
    return token[:low] + "…"
