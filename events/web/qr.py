"""QR codes drawn as inline SVG: no image request, no script, and sharp at any size."""

from __future__ import annotations

import segno


def qr_svg(value: str, title: str) -> str:
    """A QR code of ``value`` for phones to scan from the screen; ``title`` names it for screen readers."""
    svg: str = segno.make(value, error="m").svg_inline(scale=4, dark="#1b2430", light="#ffffff", title=title)
    return svg
