import logging
import threading

from odoo import _, fields, models
from odoo.exceptions import ValidationError

from ..utils.mail_source import PASSING_ERRORS, MailSource

_logger = logging.getLogger(__name__)


class FetchmailServer(models.Model):
    _inherit = "fetchmail.server"

    crm_case_section_id = fields.Many2one(
        "crm.case.section",
        string="Case Section",
        help="Section of the cases created from the mails of this server that "
        "reach no section address (the mailgate's -s option of old).",
    )
    crm_case_object_model = fields.Char(related="object_id.model")
    crm_case_trusted_authserv_id = fields.Char(
        string="Trusted Authserv-Id",
        help="The name (authserv-id) the receiving server of this mailbox gives "
        "its Authentication-Results headers, e.g. mx.google.com: its SPF, DKIM "
        "and DMARC verdicts then tell whether a mail proves its sender. Several "
        "names may be separated by commas; (none) trusts the nameless header of "
        "Microsoft 365. Empty: no verdict is trusted.",
    )

    def _is_crm_case_server(self):
        self.ensure_one()
        return self.object_id.model == "crm.case"

    def _crm_case_custom_values(self):
        """Values of the cases created from mails that reach no section address."""
        if not self.crm_case_section_id:
            return None
        return {"section_id": self.crm_case_section_id.id}

    def fetch_mail(self, raise_exception=True):
        case_servers = self.filtered(lambda server: server._is_crm_case_server())
        res = super(FetchmailServer, self - case_servers).fetch_mail(
            raise_exception=raise_exception
        )
        for server in case_servers:
            server._crm_case_fetch(raise_exception)
        return res

    def _crm_case_fetch(self, raise_exception):
        """Fetch the mails of a case server: each mail is committed as a case
        message or as a failure before it is marked seen (IMAP) or deleted (POP)."""
        self.ensure_one()
        _logger.info("start checking for new case emails on %s", self.name)
        try:
            if self._get_connection_type() == "imap":
                counts = self._crm_case_fetch_imap()
            else:
                counts = self._crm_case_fetch_pop()
        except Exception as error:
            if raise_exception:
                raise ValidationError(
                    _(
                        "Couldn't get the mails of %(server)s:\n%(error)s",
                        server=self.name,
                        error=error,
                    )
                ) from error
            _logger.info("Fetching %s failed.", self.name, exc_info=True)
            return False
        _logger.info(
            "Fetched %d email(s) on %s: %d failed.", counts[0], self.name, counts[1]
        )
        self.write({"date": fields.Datetime.now()})
        return counts

    def _crm_case_fetch_imap(self):
        count = failed = 0
        connection = self.connect()
        try:
            connection.select()
            __, data = connection.search(None, "(UNSEEN)")
            for num in data[0].split():
                # PEEK: the mail stays unseen until it is safely stored.
                __, parts = connection.fetch(num, "(BODY.PEEK[])")
                stored = self._crm_case_process_mail(self._crm_case_imap_body(parts))
                self._crm_case_commit()
                if stored is None:
                    continue
                failed += not stored
                connection.store(num, "+FLAGS", "\\Seen")
                count += 1
        finally:
            connection.close()
            connection.logout()
        return count, failed

    @staticmethod
    def _crm_case_imap_body(parts):
        """The mail in a FETCH answer. Flag changes made meanwhile by another
        session (a concurrent fetch) may come first, as bare lines."""
        return next(part[1] for part in parts if isinstance(part, tuple))

    def _crm_case_fetch_pop(self):
        count = failed = 0
        connection = self.connect()
        try:
            num_messages = connection.stat()[0]
            for num in range(1, num_messages + 1):
                __, lines, __ = connection.retr(num)
                stored = self._crm_case_process_mail(b"\n".join(lines))
                self._crm_case_commit()
                if stored is None:
                    continue
                failed += not stored
                connection.dele(num)
                count += 1
        finally:
            connection.quit()
        return count, failed

    def _crm_case_commit(self):
        # Each mail is its own transaction so that one mail marked seen or
        # deleted on the server is never rolled back; tests keep their savepoints.
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _crm_case_process_mail(self, raw_message):
        """Store one fetched mail through the intake.

        :return: True when the mail is on a case, False when it went to the
            failed incoming mails, None when it is left for the next fetch
            (another process is storing it, or a passing error)
        """
        source = MailSource.from_server(self)
        try:
            outcome = self.env["crm.case.mail.intake"]._intake(raw_message, source)
        except PASSING_ERRORS:
            # The case the mail updates was changed by another transaction:
            # the mail stays unseen and the next fetch stores it.
            _logger.info("Mail conflicting with another transaction, left for later.")
            return None
        if outcome.kind == "busy":
            _logger.info("Mail being stored by another process, left to it.")
            return None
        return outcome.stored
