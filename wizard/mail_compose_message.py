import json

from odoo import api, fields, models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    crm_case_template_domain = fields.Char(
        string="Case Template Domain",
        compute="_compute_crm_case_template_domain",
        help="What the template selector adds to its domain, as JSON: on cases, "
        "the canned replies offered in the sections of every one of them.",
    )

    @api.depends("model", "res_ids", "res_domain")
    def _compute_crm_case_template_domain(self):
        for composer in self:
            domain = []
            if composer.model == "crm.case":
                cases = self.env["crm.case"].browse(composer._evaluate_res_ids())
                domain = cases._get_composer_template_domain()
            composer.crm_case_template_domain = json.dumps(domain)

    def _action_send_mail_comment(self, res_ids):
        # A template chosen by another way than the selector (an old form, an
        # RPC call): a canned reply of another section is refused here.
        if self.model == "crm.case" and self.template_id.crm_case_canned_reply:
            self.env["crm.case"].browse(res_ids)._check_canned_reply(self.template_id)
        return super()._action_send_mail_comment(res_ids)
