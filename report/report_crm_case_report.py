from odoo import api, models


class ReportCrmCaseReport(models.AbstractModel):
    """Values of the printable "Cases by User and Section" summary."""

    _name = "report.crm_case.report_crm_case_report"
    _description = "Printable Cases by User and Section"

    @api.model
    def _get_report_values(self, docids, data=None):
        rows = self.env["crm.case.report"].browse(docids)
        # Refuse the users who may not read the statistics before rendering.
        rows.check_access("read")
        dates = rows.mapped("date")
        return {
            "doc_ids": docids,
            "doc_model": "crm.case.report",
            "docs": rows,
            "lines": rows._get_summary_lines(),
            "date_from": dates and min(dates),
            "date_to": dates and max(dates),
            "currency": self.env.company.currency_id,
        }
