from odoo import fields, models

SENDER_VERDICTS = [
    ("verified", "Sender verified"),
    ("unverified", "Sender not verified"),
    ("none", "No sender verdict"),
    ("released", "Sender released by a manager"),
]


class MailMessage(models.Model):
    _inherit = "mail.message"

    crm_case_sender_verdict = fields.Selection(
        SENDER_VERDICTS,
        string="Sender Verdict",
        readonly=True,
        index="btree_not_null",
        help="Whether the receiving server trusted for the mail proved its "
        "sender (DMARC, or a DKIM signature aligned with its From). Set on the "
        "mails the case gateway receives only.",
    )

    def _to_store(self, store, /, **kwargs):
        """Send the verdict on the sender with the case messages that have one,
        for the history to show it."""
        res = super()._to_store(store, **kwargs)
        labels = dict(
            self._fields["crm_case_sender_verdict"]._description_selection(self.env)
        )
        for message in self.filtered("crm_case_sender_verdict"):
            store.add(
                message,
                {
                    "crm_case_sender_verdict": message.crm_case_sender_verdict,
                    "crm_case_sender_verdict_label": labels[
                        message.crm_case_sender_verdict
                    ],
                },
            )
        return res
