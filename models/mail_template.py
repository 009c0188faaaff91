"""Canned replies: the mail templates of cases that users pick in the History
tab, shared or kept to some sections, and edited by case managers only."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError


class MailTemplate(models.Model):
    _inherit = "mail.template"

    crm_case_canned_reply = fields.Boolean(
        string="Canned Reply",
        help="Offered in the History tab of the cases, to answer with this text.",
    )
    crm_case_section_ids = fields.Many2many(
        "crm.case.section",
        "mail_template_crm_case_section_rel",
        "template_id",
        "section_id",
        string="Case Sections",
        help="The sections whose cases offer this canned reply; empty for all.",
    )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        templates = super().create(vals_list)
        templates._check_crm_case_template_rights()
        return templates

    def write(self, vals):
        # Checked before (a manager's template stays his) and after (no user
        # turns his own template into a case template).
        self._check_crm_case_template_rights()
        res = super().write(vals)
        self._check_crm_case_template_rights()
        return res

    def unlink(self):
        self._check_crm_case_template_rights()
        return super().unlink()

    def _check_crm_case_template_rights(self):
        """Only case managers keep the templates of cases: every employee may
        edit templates in Odoo, but the case templates are the desk's answers."""
        if self.env.su or self.env.user.has_group("base.group_system"):
            return
        if self.env.user.has_group("crm_case.group_crm_case_manager"):
            return
        case_templates = self.sudo().filtered(lambda t: t.model == "crm.case")
        if case_templates:
            raise AccessError(
                _(
                    "Only the case managers may create, change or delete the case "
                    "template %(template)s.",
                    template=case_templates[0].name,
                )
            )
