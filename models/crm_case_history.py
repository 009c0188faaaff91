"""The history of a case: notes and answers its users write, and the
subjects and reply-to of the mails about it."""

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import (
    email_normalize,
    email_split,
    plaintext2html,
)


class CrmCase(models.Model):
    _inherit = "crm.case"

    # ------------------------------------------------------------
    # History
    # ------------------------------------------------------------

    def _get_action_text_html(self):
        self.ensure_one()
        if not (self.action_text or "").strip():
            raise UserError(
                _(
                    "Write the text to save in the history of %(case)s first.",
                    case=self.display_name,
                )
            )
        return plaintext2html(self.action_text)

    def action_historize(self):
        """Save the action text as an internal note of the history."""
        for case in self:
            body = case._get_action_text_html()
            # A comment, as the chatter's notes: portal users cannot read it.
            case.message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_note"
            )
            case.write(
                {"action_text": False, "date_action_last": fields.Datetime.now()}
            )
        return True

    def action_historize_send(self):
        """Save the action text in the history and email it to the partner."""
        for case in self:
            if not email_normalize(case.email_from or ""):
                raise UserError(
                    _(
                        "The case %(case)s has no valid partner email: fill in "
                        "Partner Email to send it a message.",
                        case=case.display_name,
                    )
                )
            body = case._get_action_text_html()
            recipient = case._get_email_from_partner()
            message = case.message_post(
                body=body,
                subject=case._get_mail_subject(),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=recipient.ids,
            )
            # The watchers receive the answers too, as in the original module.
            addresses = [] if recipient else [case.email_from]
            addresses += email_split(case.email_cc or "")
            if addresses:
                case._send_message_to_address(message, ", ".join(addresses))
            case.write(
                {"action_text": False, "date_action_last": fields.Datetime.now()}
            )
        return True

    def _get_email_from_partner(self):
        """The existing partner that receives the mails sent to ``email_from``."""
        self.ensure_one()
        normalized = email_normalize(self.email_from)
        for contact in (self.partner_address_id, self.partner_id):
            if contact and email_normalize(contact.email or "") == normalized:
                return contact
        return self._mail_find_partner_from_emails([self.email_from], records=self)[0]

    def _send_message_to_address(self, message, email_to):
        """Mail a posted message to an address that belongs to no partner."""
        self.ensure_one()
        # sudo: case users may post on the case but not create outgoing mails;
        # the mail only carries the message they just posted.
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "mail_message_id": message.id,
                    "email_to": email_to,
                    "body_html": message.body,
                    "reply_to": message.reply_to,
                    "auto_delete": True,
                }
            )
        )
        mail.send(raise_exception=False)
        return mail

    def _get_mail_subject(self, prefix=""):
        """Subject of the mails about the case: the ``[id]`` tag always comes first."""
        self.ensure_one()
        return f"{prefix}[{self.id}] {self.name}"

    def _notify_get_reply_to(self, default=None):
        reply_to = super()._notify_get_reply_to(default=default)
        for case in self:
            # sudo: portal customers post on their cases without reading sections.
            section = case.section_id.sudo()
            if section._get_gateway_reply_to():
                reply_to[case.id] = section._get_gateway_reply_to()
        return reply_to

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if self.partner_id:
            self._message_add_suggested_recipient(
                recipients, partner=self.partner_id, reason=_("Partner")
            )
        elif self.email_from:
            self._message_add_suggested_recipient(
                recipients, email=self.email_from, reason=_("Partner Email")
            )
        return recipients

    def _message_compute_subject(self):
        """Mails about a case start with its tag."""
        if len(self) == 1:
            return self._get_mail_subject()
        return super()._message_compute_subject()

    def _notify_by_email_get_base_mail_values(self, message, additional_values=None):
        values = super()._notify_by_email_get_base_mail_values(
            message, additional_values=additional_values
        )
        if len(self) == 1:
            subject = " ".join(
                (values.get("subject") or message.subject or "").splitlines()
            )
            tag = f"[{self.id}]"
            if not subject.startswith(tag):
                values["subject"] = f"{tag} {subject or self.name}"
        return values
