"""Streaming CSV files that spreadsheets open safely: Cyrillic as UTF-8, no formulas."""

import csv
import itertools

from django.http import StreamingHttpResponse

# A cell starting with one of these is a formula to a spreadsheet; it is written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    text = "" if value is None else str(value)
    return f"'{text}" if text.lstrip(" ").startswith(FORMULA_STARTS) else text


class Echo:
    """A file-like object whose write hands the line back, for streaming."""

    def write(self, value):
        return value


def csv_response(header, rows, filename):
    writer = csv.writer(Echo())
    lines = (
        writer.writerow([cell(value) for value in row]) for row in itertools.chain([header], rows)
    )
    response = StreamingHttpResponse(
        # The byte-order mark lets spreadsheet programs read Cyrillic names as UTF-8.
        itertools.chain(["\ufeff"], lines),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
