"""Generated agent portraits, served from the simulator's own `/assets`.

bitHuman keeps an agent's portrait on its CDN under a stamped name
(`https://assets.bithuman.ai/<code>/image_20260115_103000_000001.jpg`). The
simulator draws a stand-in instead, an SVG with the agent's initials on a
colour of its own, named the same way (`image_<date>_<time>_<n>.svg`), and
answers it under `<origin>/assets/<code>/<file>`, so a portrait can be shown
without leaving the machine. A new portrait gets a new name, hence a new URL.
"""

from datetime import UTC, datetime
import hashlib
import html

from .records import Portrait

ASSETS_PATH = "/assets"
SVG_CONTENT_TYPE = "image/svg+xml"
PALETTE: tuple[str, ...] = (
    "#2563eb",
    "#dc2626",
    "#059669",
    "#d97706",
    "#7c3aed",
    "#db2777",
    "#0891b2",
    "#4b5563",
)


def default_color(code: str) -> str:
    """Return the colour an agent's first portrait gets, from its code."""
    digest = hashlib.sha256(code.encode()).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def portrait_file(at: float, number: int) -> str:
    """Return a portrait file name stamped with `at`, numbered `number`."""
    moment = datetime.fromtimestamp(at, UTC)
    return f"image_{moment:%Y%m%d_%H%M%S}_{number:06d}.svg"


def new_portrait(code: str, at: float) -> Portrait:
    """Return an agent's first portrait."""
    color = default_color(code)
    file = portrait_file(at, 1)
    return Portrait(file=file, color=color, history={file: color})


def change_portrait(portrait: Portrait, at: float, color: str | None) -> None:
    """Give the agent a new portrait file (and colour, when given)."""
    portrait.color = color or portrait.color
    portrait.file = portrait_file(at, len(portrait.history) + 1)
    portrait.history[portrait.file] = portrait.color


def portrait_url(origin: str, code: str, file: str) -> str:
    """Return where `file` of agent `code` is served under `origin`."""
    return f"{origin}{ASSETS_PATH}/{code}/{file}"


def initials(name: str) -> str:
    """Return up to two initials of a name (`Front Door` -> `FD`)."""
    letters = [word[0] for word in name.split() if word[0].isalnum()]
    return "".join(letters[:2]).upper() or "?"


def portrait_svg(name: str, color: str) -> bytes:
    """Draw the portrait: initials over a head-and-shoulders silhouette."""
    label = html.escape(initials(name))
    title = html.escape(name)
    fill = html.escape(color)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" '
        'viewBox="0 0 512 512" role="img">'
        f"<title>{title}</title>"
        f'<rect width="512" height="512" fill="{fill}"/>'
        '<circle cx="256" cy="200" r="110" fill="#ffffff" fill-opacity="0.25"/>'
        '<path d="M56 512c0-120 90-190 200-190s200 70 200 190z" '
        'fill="#ffffff" fill-opacity="0.25"/>'
        '<text x="256" y="236" text-anchor="middle" font-family="sans-serif" '
        f'font-size="120" font-weight="700" fill="#ffffff">{label}</text>'
        "</svg>"
    ).encode()
