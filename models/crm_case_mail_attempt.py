from odoo import api, fields, models
from odoo.tools import SQL


class CrmCaseMailAttempt(models.Model):
    """How many times the intake started on a mail without finishing it.

    Counted in a transaction of its own, committed before the mail is
    parsed: a process killed while parsing (a worker past its time limit)
    rolls back everything else, but not this count. The row goes once the
    mail is stored, as a case message or as a failed mail.
    """

    _name = "crm.case.mail.attempt"
    _description = "Incoming Mail Attempt"
    _log_access = False

    message_id = fields.Char(string="Message-Id", required=True, readonly=True)
    attempts = fields.Integer(readonly=True)
    date = fields.Datetime(string="Last Attempt", readonly=True)

    _sql_constraints = [
        (
            "message_id_uniq",
            "UNIQUE(message_id)",
            "A mail is counted once in the attempts.",
        ),
    ]

    @api.model
    def _begin(self, message_id):
        """Count one more attempt on a mail, committed at once.

        :return: the number of attempts, this one included
        """
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    """INSERT INTO crm_case_mail_attempt (message_id, attempts, date)
                       VALUES (%s, 1, now() AT TIME ZONE 'UTC')
                  ON CONFLICT (message_id) DO UPDATE
                          SET attempts = crm_case_mail_attempt.attempts + 1,
                              date = EXCLUDED.date
                    RETURNING attempts""",
                    message_id,
                )
            )
            return cr.fetchone()[0]

    @api.model
    def _end(self, message_id):
        """Forget the attempts on a mail that is now stored."""
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "DELETE FROM crm_case_mail_attempt WHERE message_id = %s",
                    message_id,
                )
            )
