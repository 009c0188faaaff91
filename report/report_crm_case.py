from odoo import api, models


class ReportCrmCase(models.AbstractModel):
    """Values of the printable case: the case and its whole history."""

    _name = "report.crm_case.report_crm_case"
    _description = "Printable Case"

    @api.model
    def _get_report_values(self, docids, data=None):
        cases = self.env["crm.case"].browse(docids)
        # The template reads the cases as the printing user: refuse at once the
        # users who may not, instead of failing halfway through the rendering.
        cases.check_access("read")
        return {
            "doc_ids": docids,
            "doc_model": "crm.case",
            "docs": cases,
            "histories": {case.id: self._get_history_lines(case) for case in cases},
        }

    @api.model
    def _get_history_lines(self, case):
        """The messages of a case, oldest first, with their tracked changes.

        :return: a list of dicts with the message and its changes, each change
            a dict with the field label, the old and the new value
        """
        messages = case.message_ids.sorted(lambda message: (message.date, message.id))
        if not self.env.user._is_internal():
            messages = messages.filtered(
                lambda message: not message.is_internal
                and not message.subtype_id.internal
            )
        lines = []
        for message in messages:
            changes = [
                {
                    "field": change["changedField"],
                    "old": change["oldValue"]["value"],
                    "new": change["newValue"]["value"],
                }
                for change in self._get_visible_trackings(message)
            ]
            if message.body or changes:
                lines.append({"message": message, "changes": changes})
        return lines

    @api.model
    def _get_visible_trackings(self, message):
        """The formatted changes of a message that the reader may see."""
        # Tracking values are readable by administrators only: read them as
        # the chatter does, keeping the fields the reader has access to.
        trackings = message.sudo().tracking_value_ids._filter_has_field_access(self.env)
        return trackings._tracking_value_format()
