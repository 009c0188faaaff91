"""Mails sent about a case without a human: rule mails, reminders,
acknowledgements."""

import re

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import (
    email_normalize,
    html2plaintext,
    plaintext2html,
)

# The only "%" sequences a rule's predefined mail body may hold: a named
# placeholder rendered as text, or a literal percent sign.
MAIL_BODY_TOKEN_RE = re.compile(r"%\((\w+)\)s|%%")


def _state_label(case):
    return dict(case._fields["state"]._description_selection(case.env))[case.state]


# The placeholders of a rule's predefined mail body, as in the original module
# plus a few, with the value of each for a case: the one list of them.
RULE_MAIL_PLACEHOLDERS = {
    "case_id": lambda case: case.id,
    "case_subject": lambda case: case.name,
    "case_description": lambda case: html2plaintext(case.description or ""),
    "case_date": lambda case: fields.Datetime.to_string(case.date) or "/",
    "case_deadline": lambda case: fields.Datetime.to_string(case.date_deadline) or "/",
    "case_state": _state_label,
    "case_section": lambda case: case.section_id.complete_name,
    "email_from": lambda case: case.email_from or "/",
    "partner": lambda case: case.partner_id.name or "/",
    "partner_email": lambda case: case.partner_address_id.email or "/",
    "case_user": lambda case: case.user_id.name or "/",
    "case_user_email": lambda case: case.user_id.email or "/",
    "case_user_phone": lambda case: case.user_id.phone or "/",
}


class CrmCase(models.Model):
    _inherit = "crm.case"

    @api.model
    def _get_automated_mail_headers(self):
        """Headers of every mail sent without a human: RFC 3834 tells other
        robots (auto-responders, our own gateway) not to answer it."""
        return {
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        }

    # ------------------------------------------------------------
    # Automated mails (rules)
    # ------------------------------------------------------------

    def _get_automated_mail_sender(self):
        self.ensure_one()
        return (
            self.user_id.email_formatted
            or self.section_id.reply_to
            or self.company_id.email_formatted
        )

    def _skip_robot_recipients(self, recipients):
        """Never mail the robot that opened the case (an auto-reply, a bounce):
        two robots answering each other would loop."""
        if not self.from_robot:
            return recipients
        robot = email_normalize(self.email_from or "")
        return [email for email in recipients if email_normalize(email) != robot]

    def _queue_automated_mail(self, subject, body_html, recipients, attachments=None):
        """Queue a mail sent by a rule: sent by the mail queue after the commit,
        so that a rolled back firing sends nothing.

        :param recipients: list of email addresses
        :param attachments: ir.attachment records to attach
        :return: the mail.mail record, empty when only a robot would get it
        """
        self.ensure_one()
        recipients = self._skip_robot_recipients(recipients)
        if not recipients:
            return self.env["mail.mail"]
        sender = self._get_automated_mail_sender()
        if not sender:
            raise UserError(
                _(
                    "No address to send mail about the case %(case)s from: give "
                    "its responsible an email, or its section a reply-to address.",
                    case=self.display_name,
                )
            )
        headers = self._get_automated_mail_headers()
        return (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": subject,
                    "body_html": body_html,
                    "email_from": sender,
                    "email_to": ", ".join(recipients),
                    "reply_to": self.section_id.reply_to or sender,
                    "headers": repr(headers),
                    "model": self._name,
                    "res_id": self.id,
                    "message_type": "email_outgoing",
                    "attachment_ids": [Command.set(attachments.ids)]
                    if attachments
                    else [],
                    "auto_delete": False,
                }
            )
        )

    def _get_history_html(self):
        """The whole discussion of the case, oldest first."""
        self.ensure_one()
        parts = []
        for message in self.message_ids.sorted("id"):
            if not message.body:
                continue
            header = _(
                "%(author)s, %(date)s:",
                author=message.author_id.name or message.email_from or "",
                date=fields.Datetime.to_string(message.date),
            )
            parts.append(Markup("<p><b>%s</b></p>%s") % (header, message.body))
        return Markup("").join(parts)

    def _send_discussion_copy(self, emails):
        """Send new watchers a copy of the whole discussion."""
        self.ensure_one()
        body = self._get_history_html() or plaintext2html(self.name)
        return self._queue_automated_mail(self._get_mail_subject(), body, emails)

    def _send_reminder(self, email, with_history):
        """Remind the responsible or the partner of the case by email."""
        self.ensure_one()
        if not email:
            return False
        last_message = self.message_ids.filtered("body")[:1]
        body = (
            self._get_history_html()
            if with_history
            else (last_message.body or self.description or plaintext2html(self.name))
        )
        attachments = (
            self.env["ir.attachment"].search(
                [("res_model", "=", self._name), ("res_id", "=", self.id)]
            )
            if with_history
            else None
        )
        return self._queue_automated_mail(
            self._get_mail_subject(prefix=_("Reminder: ")), body, [email], attachments
        )

    def _get_rule_mail_values(self):
        """The value of each placeholder of a rule's mail body for this case."""
        self.ensure_one()
        return {name: value(self) for name, value in RULE_MAIL_PLACEHOLDERS.items()}

    def _render_rule_mail_body(self, template):
        """Fill a rule's predefined mail body; values are escaped as plain text.

        Only the named placeholders are replaced, in one pass: no format
        specification of the body is ever applied, and a value that looks like
        a placeholder stays as it is."""
        values = self._get_rule_mail_values()

        def replace(match):
            if match.group(0) == "%%":
                return "%"
            return str(values.get(match.group(1), match.group(0)))

        return plaintext2html(MAIL_BODY_TOKEN_RE.sub(replace, template))

    def _send_acknowledgement(self):
        """Mail the partner email the tag of its new case."""
        self.ensure_one()
        if not email_normalize(self.email_from or ""):
            return False
        body = Markup("<p>%s</p>") % _(
            "We received your request and opened the case [%(case_id)s] about it. "
            "Keep the tag in the subject when you answer.",
            case_id=self.id,
        )
        # sudo: the gateway user may post on the case but not create mails.
        return (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": self._get_mail_subject(),
                    "body_html": body,
                    "email_to": self.email_from,
                    "reply_to": self.section_id._get_gateway_reply_to()
                    or self._notify_get_reply_to()[self.id],
                    "model": self._name,
                    "res_id": self.id,
                    "headers": repr(self._get_automated_mail_headers()),
                    "auto_delete": False,
                }
            )
        )
