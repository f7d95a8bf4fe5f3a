"""Signatures drawn on the screen: the PNG the signature pad sends, checked before it is kept.

The pad (signature_pad, static/js/consent-sign.js) sends its canvas as a data URL of an 8-bit
RGBA PNG on a transparent background. The server reads the image itself rather than trusting
the page: it must be such a PNG, of a sane size, and not blank. A blank canvas is all zero
bytes once its rows are decompressed, whatever PNG filter each row uses (every filter leaves
zeros as zeros), so any other byte is ink.
"""

import base64
import binascii
import struct
import zlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PREFIX = "data:image/png;base64,"
PNG = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 512 * 1024
MAX_SIDE = 4000
RGBA_8_BIT = (8, 6)  # bit depth, colour type


def signature_png(data_url, *, who):
    """The PNG bytes of a drawn signature, or a ValidationError that says what to do."""
    missing = ValidationError(
        _("%(who)s has not signed: sign in the box with a finger or the stylus."),
        code="not_signed",
        params={"who": who},
    )
    if not data_url:
        raise missing
    if not data_url.startswith(PREFIX) or len(data_url) > MAX_BYTES * 4 // 3 + len(PREFIX) + 4:
        raise unreadable(who)
    try:
        png = base64.b64decode(data_url[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise unreadable(who) from None
    width, _height, rows = decoded_rows(png, who)
    if is_blank(rows, width):
        raise missing
    return png


def unreadable(who):
    return ValidationError(
        _("The signature of %(who)s did not arrive as a drawing; clear the box and sign again."),
        code="signature_unreadable",
        params={"who": who},
    )


def decoded_rows(png, who):
    """(width, height, the decompressed image data) of an 8-bit RGBA, non-interlaced PNG."""
    if not png.startswith(PNG):
        raise unreadable(who)
    position, header, data = len(PNG), None, []
    while position + 8 <= len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        body = png[position + 8 : position + 8 + length]
        if len(body) != length:
            raise unreadable(who)
        if kind == b"IHDR":
            if length != 13:
                raise unreadable(who)
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            data.append(body)
        elif kind == b"IEND":
            break
        position += 12 + length
    if header is None or not data:
        raise unreadable(who)
    width, height, depth, colour, _compression, _filter, interlace = header
    if (depth, colour) != RGBA_8_BIT or interlace or not (0 < width <= MAX_SIDE) or height <= 0:
        raise unreadable(who)
    if height > MAX_SIDE:
        raise unreadable(who)
    expected = height * (1 + 4 * width)
    try:
        inflater = zlib.decompressobj()
        rows = inflater.decompress(b"".join(data), expected + 1)
    except zlib.error:
        raise unreadable(who) from None
    if len(rows) != expected:
        raise unreadable(who)
    return width, height, rows


def is_blank(rows, width):
    stride = 1 + 4 * width
    # The first byte of each row names its filter; the rest are the pixels (filtered).
    return not any(rows[at + 1 : at + stride].strip(b"\0") for at in range(0, len(rows), stride))
