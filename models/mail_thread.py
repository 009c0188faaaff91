from odoo import api, models

from ..utils.mail_source import MailBusy, MailSource


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_process(
        self,
        model,
        message,
        custom_values=None,
        save_original=False,
        strip_attachments=False,
        thread_id=None,
    ):
        """Hand the mails meant for cases to the case intake.

        That is how an MTA pipe or any XML-RPC client reaches the cases: a
        mail that fails for a lasting reason is kept as a failed mail and the
        call returns normally (False), so that the MTA does not bounce it.
        Mails for other models keep Odoo's behaviour.
        """
        intake = self.env["crm.case.mail.intake"]
        raw = intake._raw_bytes(message)
        if thread_id or not intake._is_for_cases(raw, model):
            return super().message_process(
                model,
                raw,
                custom_values=custom_values,
                save_original=save_original,
                strip_attachments=strip_attachments,
                thread_id=thread_id,
            )
        source = MailSource(
            custom_values=dict(custom_values or {}) if model == "crm.case" else {},
            save_original=save_original,
            strip_attachments=strip_attachments,
            label="message_process",
        )
        outcome = intake._intake(raw, source)
        if outcome.kind == "busy":
            raise MailBusy(outcome.summary)
        return outcome.record.id if outcome.kind in ("created", "updated") else False
