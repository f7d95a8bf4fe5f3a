# One format for each purpose, in English as the clinic writes it: "26 November 2026" in prose
# and headings, "26.11.2026" in tables, a 24-hour clock. Dates are typed day first, as in
# Russian: a record read in either language must never turn 12 March into 3 December.
# What both languages share: the day-first input formats, tables' dates, the clock.
from clinic.formats import *  # noqa: F403

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "D j M"
YEAR_MONTH_FORMAT = "F Y"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
