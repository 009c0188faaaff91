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
