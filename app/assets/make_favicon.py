#!/usr/bin/env python3
"""Draws Clientele's icon, a white "C" on the app's blue, as favicon.svg and
favicon.ico (PNG images at 16, 32 and 48 pixels, which every current browser
reads). Standard library only; run it again after changing the shape:

    python3 app/assets/make_favicon.py
"""

import math
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
BLUE = (0x2F, 0x5B, 0xEA)
WHITE = (0xFF, 0xFF, 0xFF)
# The shape, on a 32-unit square: a rounded square, and a ring open to the
# right with round ends.
CORNER = 7.0
CENTRE = 16.0
RADIUS = 8.0
STROKE = 4.5
GAP = math.radians(45)  # half the opening, either side of "east"


def in_rounded_square(x, y):
    nearest_x = min(max(x, CORNER), 32 - CORNER)
    nearest_y = min(max(y, CORNER), 32 - CORNER)
    return (x - nearest_x) ** 2 + (y - nearest_y) ** 2 <= CORNER**2


def in_c(x, y):
    dx, dy = x - CENTRE, y - CENTRE
    if abs(math.atan2(dy, dx)) >= GAP:
        return abs(math.hypot(dx, dy) - RADIUS) <= STROKE / 2
    ends = [
        (CENTRE + RADIUS * math.cos(GAP), CENTRE + sign * RADIUS * math.sin(GAP))
        for sign in (-1, 1)
    ]
    return any(math.hypot(x - ex, y - ey) <= STROKE / 2 for ex, ey in ends)


def pixels(size, samples=8):
    """RGBA rows, each pixel averaged over samples × samples points."""
    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            square = c = 0
            for sy in range(samples):
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples) * 32 / size
                    y = (py + (sy + 0.5) / samples) * 32 / size
                    if in_rounded_square(x, y):
                        square += 1
                        c += in_c(x, y)
            total = samples * samples
            alpha = square / total
            white = c / square if square else 0
            colour = [round(b + (w - b) * white) for b, w in zip(BLUE, WHITE)]
            row += bytes(colour) + bytes([round(alpha * 255)])
        rows.append(bytes(row))
    return rows


def png(size):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\0" + row for row in pixels(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def ico(sizes):
    images = [png(size) for size in sizes]
    directory = struct.pack("<HHH", 0, 1, len(images))
    offset = len(directory) + 16 * len(images)
    entries = b""
    for size, image in zip(sizes, images):
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    return directory + entries + b"".join(images)


def svg():
    end_x = CENTRE + RADIUS * math.cos(GAP)
    top_y = CENTRE - RADIUS * math.sin(GAP)
    bottom_y = CENTRE + RADIUS * math.sin(GAP)
    blue = "#%02x%02x%02x" % BLUE
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<rect width="32" height="32" rx="{CORNER:g}" fill="{blue}"/>'
        f'<path d="M{end_x:.3f} {top_y:.3f}A{RADIUS:g} {RADIUS:g} 0 1 0 {end_x:.3f} {bottom_y:.3f}" '
        f'fill="none" stroke="#fff" stroke-width="{STROKE:g}" stroke-linecap="round"/>'
        "</svg>\n"
    )


if __name__ == "__main__":
    (HERE / "favicon.ico").write_bytes(ico([16, 32, 48]))
    (HERE / "favicon.svg").write_text(svg())
