"""One date format for each purpose, per language (FORMAT_MODULE_PATH). What both languages
share is said once here: dates are typed day first in either, so that a record entered in one
never reads as another day in the other."""

# Eight digits with no separator ("12031979") are read too: clinic.lib.dates.with_separators.
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
# Tables and timestamps: 26.11.2026, 26.11.2026 14:05, a 24-hour clock.
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1
NUMBER_GROUPING = 3
