"""English dates as our customers and staff write them: day first, on a 24-hour clock.

Amends serves teams in Europe; Django's "en" formats are American ("Dec. 2,
2026, 12:33 p.m."). Only the display formats are set here: what a form accepts
stays Django's (ISO dates first), so nothing typed before is refused now.
"""

DATE_FORMAT = "j F Y"  # 2 December 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y, H:i"  # 2 December 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
