from odoo import models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _action_send_mail_comment(self, res_ids):
        # Odoo's template selector lists every template of the model: a canned
        # reply of another section is refused when the message is sent.
        if self.model == "crm.case" and self.template_id.crm_case_canned_reply:
            self.env["crm.case"].browse(res_ids)._check_canned_reply(self.template_id)
        return super()._action_send_mail_comment(res_ids)
