"""The working hours of a section, inherited down the section tree."""

from odoo import api, fields, models


class CrmCaseSection(models.Model):
    _inherit = "crm.case.section"

    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        check_company=True,
        help="The working hours that working-time rule delays and service "
        "levels count in, with the calendar's time zone and its leaves and "
        "public holidays. Empty: the parent section's; none anywhere up the "
        "tree means around the clock.",
    )
    effective_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Effective Working Hours",
        compute="_compute_effective_calendar_id",
        store=True,
        recursive=True,
        index=True,
        help="The working hours the cases of this section count in: its own, "
        "else the nearest parent section's; empty means around the clock.",
    )

    @api.depends("calendar_id", "parent_id.effective_calendar_id")
    def _compute_effective_calendar_id(self):
        for section in self:
            section.effective_calendar_id = (
                section.calendar_id or section.parent_id.effective_calendar_id
            )
