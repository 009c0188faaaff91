"""Canned replies picked in the History tab of a case."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import html2plaintext


class CrmCase(models.Model):
    _inherit = "crm.case"

    canned_reply_id = fields.Many2one(
        "mail.template",
        string="Canned Reply",
        compute="_compute_canned_reply_id",
        readonly=False,
        domain="[('model', '=', 'crm.case'), ('crm_case_canned_reply', '=', True),"
        " '|', ('crm_case_section_ids', '=', False),"
        " ('crm_case_section_ids', 'in', section_id)]",
        help="Fills Your Action with this answer, its placeholders filled for the "
        "case; edit it, then Historize it or send it to the partner.",
    )

    def _compute_canned_reply_id(self):
        # Only a picker: the choice is not kept, its text is.
        self.canned_reply_id = False

    @api.onchange("canned_reply_id")
    def _onchange_canned_reply_id(self):
        if not self.canned_reply_id:
            return None
        if not self._origin.id:
            self.canned_reply_id = False
            return {
                "warning": {
                    "title": _("Save the case first"),
                    "message": _(
                        "A canned reply is filled with the values of the saved "
                        "case: save it, then pick the reply."
                    ),
                }
            }
        self.action_text = self._origin._render_canned_reply(self.canned_reply_id)
        return None

    def _get_canned_reply_domain(self):
        """The canned replies offered on this case: its section's and the shared."""
        self.ensure_one()
        return [
            ("model", "=", "crm.case"),
            ("crm_case_canned_reply", "=", True),
            "|",
            ("crm_case_section_ids", "=", False),
            ("crm_case_section_ids", "in", self.section_id.ids),
        ]

    def _get_composer_template_domain(self):
        """The templates the chatter's composer offers on these cases: every
        template but the canned replies some of them may not use."""
        if not self:
            return []
        # The domain depends on the section only: one case of each will do.
        one_per_section = {case.section_id: case for case in self}.values()
        return expression.OR(
            [
                [("crm_case_canned_reply", "=", False)],
                expression.AND(
                    [case._get_canned_reply_domain() for case in one_per_section]
                ),
            ]
        )

    def _check_canned_reply(self, template):
        """Refuse a canned reply of another section on these cases."""
        for case in self:
            if not template.filtered_domain(case._get_canned_reply_domain()):
                raise UserError(
                    _(
                        "The canned reply %(reply)s is not offered in the section "
                        "%(section)s of the case %(case)s.",
                        reply=template.name,
                        section=case.section_id.complete_name,
                        case=case.display_name,
                    )
                )

    def _render_canned_reply(self, template):
        """The text of a canned reply for this case, placeholders filled.

        :param template: a mail.template of crm.case
        :return: plain text, for Your Action
        """
        self.ensure_one()
        self._check_canned_reply(template)
        body = template._render_field("body_html", self.ids, compute_lang=True)
        return html2plaintext(body[self.id] or "")
