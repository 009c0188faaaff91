from datetime import datetime

from odoo.fields import Command

from .common import CrmCaseCommon

WEEKDAYS = ("0", "1", "2", "3", "4")


def make_calendar(env, name, tz, hour_from=9.0, hour_to=17.0, days=WEEKDAYS):
    """A calendar working from ``hour_from`` to ``hour_to`` (local time of
    ``tz``) on ``days`` (0 is Monday)."""
    return env["resource.calendar"].create(
        {
            "name": name,
            "tz": tz,
            "attendance_ids": [Command.clear()]
            + [
                Command.create(
                    {
                        "name": f"{name} {day}",
                        "dayofweek": day,
                        "hour_from": hour_from,
                        "hour_to": hour_to,
                        "day_period": "morning",
                    }
                )
                for day in days
            ],
        }
    )


def utc(*args):
    """A naive UTC datetime, as Odoo stores them."""
    return datetime(*args)


class WorkingTimeCommon(CrmCaseCommon):
    """Calendars of three time zones, 9:00-17:00 on weekdays (8 h a day)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.brussels = make_calendar(cls.env, "Brussels Office", "Europe/Brussels")
        cls.new_york = make_calendar(cls.env, "New York Office", "America/New_York")
        cls.tokyo = make_calendar(cls.env, "Tokyo Office", "Asia/Tokyo")

    @classmethod
    def add_public_holiday(cls, start, end, calendar=None):
        """A leave of everybody (no resource), naive UTC bounds."""
        return cls.env["resource.calendar.leaves"].create(
            {
                "name": "Public Holiday",
                "date_from": start,
                "date_to": end,
                "calendar_id": calendar.id if calendar else False,
                "resource_id": False,
            }
        )
