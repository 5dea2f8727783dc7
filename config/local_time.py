"""The desk's one time zone. Moments are stored in UTC; people, the law's last days and the calendar read them in
Asia/Shanghai, so the day a moment falls on is always its Shanghai date (never the server's or the browser's)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_date(moment: datetime) -> date:
    """The Asia/Shanghai date of an aware moment."""
    return moment.astimezone(SHANGHAI).date()
