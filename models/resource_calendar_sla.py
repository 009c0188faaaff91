"""A change of working time moves the service level deadlines of the cases that
count in it: the section's calendar, the calendar's hours, its leaves and the
public holidays."""

from odoo import api, models


class CrmCaseSection(models.Model):
    _inherit = "crm.case.section"

    def write(self, vals):
        result = super().write(vals)
        if {"calendar_id", "parent_id"} & set(vals):
            # The sub-sections inherit the calendar: their cases move too.
            sections = self.search([("id", "child_of", self.ids)])
            self.env["crm.case"]._sla_schedule_sections(sections.ids)
        return result


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def write(self, vals):
        # Attendances and leaves written through the calendar go through
        # their own models' hooks below.
        result = super().write(vals)
        if {"tz", "two_weeks_calendar"} & set(vals):
            self._sla_schedule_calendars(self.ids)
        return result

    @api.model
    def _sla_schedule_calendars(self, calendar_ids):
        """Recompute the service levels of the cases counting in these
        calendars (all calendars when ``calendar_ids`` is None)."""
        domain = [("effective_calendar_id", "!=", False)]
        if calendar_ids is not None:
            domain = [("effective_calendar_id", "in", calendar_ids)]
        # sudo: a calendar's editor may not read every section; the cases'
        # deadlines must follow the calendar all the same.
        sections = (
            self.env["crm.case.section"]
            .sudo()
            .with_context(active_test=False)
            .search(domain)
        )
        if sections:
            self.env["crm.case"].sudo()._sla_schedule_sections(sections.ids)


class ResourceCalendarAttendance(models.Model):
    _inherit = "resource.calendar.attendance"

    @api.model_create_multi
    def create(self, vals_list):
        attendances = super().create(vals_list)
        attendances._sla_schedule()
        return attendances

    def write(self, vals):
        calendars = self.calendar_id
        result = super().write(vals)
        self.env["resource.calendar"]._sla_schedule_calendars(
            (calendars | self.calendar_id).ids
        )
        return result

    def unlink(self):
        calendar_ids = self.calendar_id.ids
        result = super().unlink()
        self.env["resource.calendar"]._sla_schedule_calendars(calendar_ids)
        return result

    def _sla_schedule(self):
        self.env["resource.calendar"]._sla_schedule_calendars(self.calendar_id.ids)


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        leaves._sla_schedule()
        return leaves

    def write(self, vals):
        self._sla_schedule()
        result = super().write(vals)
        self._sla_schedule()
        return result

    def unlink(self):
        # Recomputed once the leave is gone; its calendars are read before.
        calendar_ids = self._sla_get_calendar_ids()
        result = super().unlink()
        self.env["resource.calendar"]._sla_schedule_calendars(calendar_ids)
        return result

    def _sla_get_calendar_ids(self):
        """The calendars these leaves change: a leave of a person (resource)
        changes none; a public holiday without calendar changes them all
        (None)."""
        company_wide = self.filtered(lambda leave: not leave.resource_id)
        if any(not leave.calendar_id for leave in company_wide):
            return None
        return company_wide.calendar_id.ids

    def _sla_schedule(self):
        calendar_ids = self._sla_get_calendar_ids()
        if calendar_ids is None or calendar_ids:
            self.env["resource.calendar"]._sla_schedule_calendars(calendar_ids)
