from datetime import datetime

from odoo import Command

from .common import CrmCaseCommon

# Monday 4 May 2026, 09:00 UTC.
T0 = datetime(2026, 5, 4, 9, 0)


class CrmCaseSlaCommon(CrmCaseCommon):
    """Sections with working hours, and helpers to create cases at an instant
    and to run the rule cron at another."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Sla = cls.env["crm.case.sla"]
        cls.Rule = cls.env["crm.case.rule"]
        # Policies and rules of demo data must not interfere.
        cls.Sla.search([]).active = False
        cls.Rule.search([]).active = False
        cls.office = cls._create_calendar("Office (UTC)", "UTC", [(8, 12), (13, 17)])
        cls.section_level1.calendar_id = cls.office

    @classmethod
    def _create_calendar(cls, name, tz, day_hours, days=(0, 1, 2, 3, 4)):
        """A calendar working ``day_hours`` [(from, to)] on ``days`` (0 = Monday)."""
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": tz,
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"{name} {day} {start}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": stop,
                        }
                    )
                    for day in days
                    for start, stop in day_hours
                ],
            }
        )

    def _create_sla(self, **values):
        values.setdefault("name", "Answer within 4 hours")
        values.setdefault("section_id", self.section_level1.id)
        values.setdefault("target_hours", 4)
        return self.Sla.with_user(self.case_manager).create(values)

    def _case_at(self, when, **values):
        # create_date comes from the database clock: freeze it too.
        with self.mock_datetime_and_now(when):
            return self._create_case(**values)

    def _at(self, when, function, *args, **kwargs):
        with self.mock_datetime_and_now(when):
            return function(*args, **kwargs)

    def _cron_at(self, when):
        with self.mock_datetime_and_now(when):
            self.Rule._cron_check()

    def _status(self, case, sla):
        return case.sla_status_ids.filtered(lambda status: status.sla_id == sla)
