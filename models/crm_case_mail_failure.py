import base64
import email
import email.parser
import email.policy
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import exception_to_unicode

from ..utils.mail_source import MailSource

_logger = logging.getLogger(__name__)

# Headers shown in the list are cut to this size: the raw mail keeps them whole.
HEADER_DISPLAY_SIZE = 256


def _storable_text(value):
    """Text PostgreSQL accepts: no NUL character, no lone surrogate."""
    text = str(value or "").replace("\x00", "")
    return text.encode("utf-8", errors="replace").decode("utf-8")


class CrmCaseMailFailure(models.Model):
    _name = "crm.case.mail.failure"
    _description = "Failed Incoming Mail"
    _order = "date desc, id desc"

    name = fields.Char(string="Subject", readonly=True)
    email_from = fields.Char(string="From", readonly=True)
    message_id = fields.Char(string="Message-Id", readonly=True, index=True)
    raw_message = fields.Binary(
        string="Raw Message", attachment=True, readonly=True, required=True
    )
    raw_size = fields.Integer(string="Size (bytes)", readonly=True)
    server_id = fields.Many2one(
        "fetchmail.server", string="Server", readonly=True, ondelete="set null"
    )
    section_id = fields.Many2one(
        "crm.case.section",
        string="Default Section",
        readonly=True,
        ondelete="set null",
        help="The section the mail was meant for when it reaches no section "
        "address: the server's, or the mailgate's.",
    )
    company_id = fields.Many2one(
        "res.company",
        readonly=True,
        index=True,
        help="The company of the server's case section: the managers of other "
        "companies do not see the mail.",
    )
    error = fields.Text(readonly=True)
    attempts = fields.Integer(default=1, readonly=True)
    date = fields.Datetime(default=fields.Datetime.now, readonly=True, index=True)
    state = fields.Selection(
        [("failed", "Failed"), ("done", "Processed")],
        default="failed",
        required=True,
        readonly=True,
        index=True,
    )

    @api.model
    def _get_header_values(self, raw_message):
        """Best-effort subject, sender and Message-Id of a mail that may be broken.

        A mail without Message-Id gets the gateway's stable fallback id, so that
        the same mail fetched again is found again.
        """
        try:
            message = email.parser.BytesHeaderParser(
                policy=email.policy.compat32
            ).parsebytes(raw_message)
            values = {
                key: _storable_text(message.get(header)).strip()[:HEADER_DISPLAY_SIZE]
                or False
                for key, header in (
                    ("name", "Subject"),
                    ("email_from", "From"),
                    ("message_id", "Message-Id"),
                )
            }
        except Exception:  # the mail is kept whatever its headers look like
            _logger.info("Unreadable headers in a failed mail.", exc_info=True)
            values = {}
        if not values.get("message_id"):
            values["message_id"] = self.env[
                "crm.case.mail.intake"
            ]._fallback_message_id(raw_message)
        return values

    @api.model
    def _find_failed(self, message_id):
        # sudo: the gateway may run as a user who cannot see this managers' list.
        return (
            self.sudo().search(
                [("message_id", "=", message_id), ("state", "=", "failed")], limit=1
            )
            if message_id
            else self.sudo()
        )

    @api.model
    def _record_failure(self, raw_message, error, source, message_id=None):
        """Keep a mail that could not be processed, for a manager to retry it;
        the same mail failing again counts an attempt on its failure.

        :param source: the MailSource of the intake the mail came through
        :param message_id: the Message-Id the intake gave the mail
        """
        if isinstance(raw_message, str):
            raw_message = raw_message.encode("utf-8", errors="surrogateescape")
        values = self._get_header_values(raw_message)
        if message_id:
            values["message_id"] = message_id
        values.update(
            raw_message=base64.b64encode(raw_message),
            raw_size=len(raw_message),
            server_id=source.server.id if source.server else False,
            section_id=(source.custom_values or {}).get("section_id", False),
            company_id=self._get_source_company(source).id,
            error=_storable_text(exception_to_unicode(error)),
            date=fields.Datetime.now(),
        )
        existing = self._find_failed(values.get("message_id"))
        if existing:
            existing.write(
                {"error": values["error"], "attempts": existing.attempts + 1}
            )
            return existing
        return self.sudo().create(values)

    @api.model
    def _get_source_company(self, source):
        """The company whose managers see a failed mail: its section's."""
        section_id = (source.custom_values or {}).get("section_id")
        # sudo: the gateway user may not read the sections of other companies.
        return self.env["crm.case.section"].sudo().browse(section_id).company_id

    def _get_error_line(self):
        """The first line of the error, for one-line reports."""
        self.ensure_one()
        return (self.error or "").strip().splitlines()[0] if self.error else ""

    @api.model
    def _close_failures(self, message_id):
        """A mail now stored on a case is no longer a failure: a copy sent
        again, or fetched again after the configuration was fixed."""
        self._find_failed(message_id).write({"state": "done"})

    def action_retry(self):
        """Process the raw mails again; a mail failing again keeps its failure."""
        return self._retry_all(accept_sender=False)

    def action_release(self):
        """Process the raw mails again, accepting their senders unproven: a
        manager's answer to mails refused for an unverified sender."""
        return self._retry_all(accept_sender=True)

    def _retry_all(self, accept_sender):
        for failure in self:
            if failure.state != "failed":
                raise UserError(
                    _(
                        "The mail %(subject)s was already processed.",
                        subject=failure.name or failure.id,
                    )
                )
            failure._retry_one(accept_sender=accept_sender)
        failed = self.filtered(lambda failure: failure.state == "failed")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if failed else "success",
                "message": _(
                    "%(done)s mail(s) processed, %(failed)s still failing.",
                    done=len(self) - len(failed),
                    failed=len(failed),
                ),
            },
        }

    def _get_retry_source(self):
        """The source of the first attempt: its server, with its options, or
        the default section the mailgate gave."""
        if self.server_id:
            return MailSource.from_server(self.server_id)
        values = {"section_id": self.section_id.id} if self.section_id else {}
        return MailSource(custom_values=values, label=_("Retry"))

    def _retry_one(self, accept_sender=False):
        """Process the raw mail again through the intake, as its source did.

        :param accept_sender: a manager accepts the sender without proof
        :return: True when the mail is now stored on a case
        """
        self.ensure_one()
        raw_bytes = base64.b64decode(self.with_context(bin_size=False).raw_message)
        source = self._get_retry_source()
        source.sender_accepted = accept_sender
        outcome = self.env["crm.case.mail.intake"]._intake(raw_bytes, source)
        if outcome.kind == "busy":
            raise UserError(
                _(
                    "The mail %(subject)s is being stored by another process right "
                    "now: retry it later.",
                    subject=self.name or self.id,
                )
            )
        if outcome.stored:
            self.write({"state": "done", "attempts": self.attempts + 1})
        return outcome.stored
