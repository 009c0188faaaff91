"""The first response of a case: the first message a user sends to the partner."""

from odoo import models

# The kinds of messages a person writes: a chatter or portal post, a mail.
RESPONSE_MESSAGE_TYPES = ("comment", "email")


class CrmCase(models.Model):
    _inherit = "crm.case"

    def _message_post_after_hook(self, message, msg_values):
        res = super()._message_post_after_hook(message, msg_values)
        waiting = self.filtered(lambda case: not case.date_first_response)
        if waiting and self._sla_is_response(message):
            # sudo: the date is bookkeeping of the message just posted, by a
            # user who may answer a case without being allowed to write on it.
            waiting.sudo().write({"date_first_response": message.date})
        return res

    def _sla_is_response(self, message):
        """Whether a posted message answers the partner: a public message (not a
        note) written by an internal user. Send Partner and Historize, a reply
        in the chatter or on the portal and a user's mail on the case are;
        notes, the customer's own messages and the automated messages (OdooBot,
        the rules' mails, which are not posted) are not."""
        if message.message_type not in RESPONSE_MESSAGE_TYPES:
            return False
        if not message.subtype_id or message.subtype_id.internal:
            return False
        authors = message.author_id.user_ids
        return any(not user.share and not user._is_superuser() for user in authors)

    def _sla_get_answer_deadline(self):
        """The earliest deadline of the first responses still expected, as
        promised to the customer; False when none is (answered, paused,
        or already late)."""
        self.ensure_one()
        deadlines = [
            status.deadline
            for status in self.sudo().sla_status_ids
            if status.target_type == "first_response"
            and status.state in ("ongoing", "at_risk")
            and status.deadline
        ]
        return min(deadlines) if deadlines else False
