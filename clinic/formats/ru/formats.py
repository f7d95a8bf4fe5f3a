# One format for each purpose, in Russian: "26 ноября 2026" in prose and headings, "26.11.2026"
# in tables, a 24-hour clock. Dates are typed day first; "12031979" is 12 March 1979.
# What both languages share: the day-first input formats, tables' dates, the clock.
from clinic.formats import *  # noqa: F403

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
MONTH_DAY_FORMAT = "D, j E"
YEAR_MONTH_FORMAT = "F Y"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
