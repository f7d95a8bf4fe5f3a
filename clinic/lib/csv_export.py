"""Streaming CSV files that spreadsheets open safely: Cyrillic as UTF-8, no formulas.

The column names and any translated value (a choice's label) are in the language of the
request: the header is translated when the response is made, and the rows, which are read
while the file streams out, are written in that same language.
"""

import csv
import itertools
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils import translation

# A cell starting with one of these is a formula to a spreadsheet; it is written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A cell: a number as it is (a negative change is a number, not a formula); text that a
    spreadsheet would run as a formula, quoted."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return f"'{text}" if text.lstrip(" ").startswith(FORMULA_STARTS) else text


class Echo:
    """A file-like object whose write hands the line back, for streaming."""

    def write(self, value):
        return value


def in_language(writer, rows, language):
    """Each row read and written with `language` active, whatever is active between rows."""
    rows = iter(rows)
    while True:
        with translation.override(language):
            row = next(rows, None)
            if row is None:
                return
            line = writer.writerow([cell(value) for value in row])
        yield line


def csv_response(header, rows, filename):
    """`header` may hold lazy translations: they are read now, in the active language."""
    writer = csv.writer(Echo())
    header = [cell(name) for name in header]
    language = translation.get_language()
    lines = in_language(writer, rows, language)
    response = StreamingHttpResponse(
        # The byte-order mark lets spreadsheet programs read Cyrillic names as UTF-8.
        itertools.chain(["\ufeff", writer.writerow(header)], lines),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
