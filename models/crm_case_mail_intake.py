"""The one intake of the mails meant for cases.

Every way a mail arrives goes through ``_intake``: the fetch of an incoming
mail server, the Retry of a failed mail, and the MTA pipe (our mailgate, or
``mail.thread.message_process`` called over XML-RPC). Its steps:

1. admit: lock the mail by Message-Id, skip a recorded one, count the attempt
   outside the mail's transaction, and keep raw a mail too big, too deep,
   made of too many parts, or tried too often;
2. parse: Odoo's parser, with the flags of the mail in the parsed message;
3. route: see ``crm_case_mail_route.py``;
4. store: a case message, or a failed mail for any lasting error.

Passing errors (a serialization conflict, the database going away) are
raised, so that the fetch leaves the mail unseen and the MTA retries it.
"""

import codecs
import email
import email.parser
import email.policy
import hashlib
import logging
import xmlrpc.client

from psycopg2 import errors as pg_errors

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..utils.mail_shape import measure, strip_mbox_separator
from ..utils.mail_source import (
    PASSING_ERRORS,
    MailBusy,
    MailOutcome,
    MailRefused,
    MailSource,
)
from ..utils.time_budget import TimeBudgetExceeded, time_budget

_logger = logging.getLogger(__name__)

# The bounds of the work on one mail: system parameter and safe default.
BOUND_PARAMETERS = {
    "max_bytes": ("crm_case.mail_max_bytes", 64 * 1024 * 1024),
    # Odoo's parser takes seconds on a few hundred HTML parts, and grows
    # with their square: 1,000 parts took 53 s here.
    "max_parts": ("crm_case.mail_max_parts", 300),
    "max_depth": ("crm_case.mail_max_depth", 20),
    # Under the 120 s a worker may run by default, so that the budget, not
    # the worker's kill, ends a slow mail.
    "time_budget": ("crm_case.mail_time_budget", 60),
    "max_attempts": ("crm_case.mail_max_attempts", 3),
}


class CrmCaseMailIntake(models.AbstractModel):
    _name = "crm.case.mail.intake"
    _description = "Case Mail Intake"

    # ------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------

    @api.model
    def process_mail(self, message, section_id=False):
        """Store one mail handed over by an MTA pipe (the mailgate).

        Returns normally once the mail is stored, as a case message or as a
        failed mail; raises only for passing errors, so the MTA retries. A
        mail plainly for another model (its alias, a reply to one of its
        messages) without a default section keeps Odoo's own routing.

        :param message: the raw mail (bytes, text, or XML-RPC Binary)
        :param section_id: section of a new case when the mail reaches no
            section address (the mailgate's ``--section``)
        :return: dict with ``outcome``, ``res_id`` and a one-line ``summary``
        """
        self._check_gateway_user()
        section = self.env["crm.case.section"].browse(section_id or [])
        if section_id and not section.exists():
            raise UserError(
                _("The section %(section)s does not exist.", section=section_id)
            )
        raw = self._raw_bytes(message)
        if not section and self._is_for_other_models(raw):
            return self._hand_to_odoo(raw)
        source = MailSource(custom_values={"section_id": section.id} if section else {})
        outcome = self._intake(raw, source)
        if outcome.kind == "busy":
            # Deferred rather than reported stored: should the other process
            # fail for a passing reason, the MTA's next try stores the mail.
            raise MailBusy(outcome.summary)
        return outcome.as_dict()

    def _hand_to_odoo(self, raw):
        """A mail of another model keeps Odoo's own routing and errors."""
        thread_id = self.env["mail.thread"].message_process(False, raw)
        return {
            "outcome": "other",
            "res_id": thread_id or False,
            "summary": _("handed to Odoo's own routing"),
        }

    def _check_gateway_user(self):
        if not (self.env.su or self.env.user.has_group("crm_case.group_crm_case_user")):
            raise UserError(
                _(
                    "The user %(user)s may not hand mails to the cases: give it "
                    "the group CRM & SRM / User.",
                    user=self.env.user.login,
                )
            )

    @api.model
    def _raw_bytes(self, message):
        if isinstance(message, xmlrpc.client.Binary):
            return bytes(message.data)
        if isinstance(message, str):
            return message.encode("utf-8", errors="surrogateescape")
        return bytes(message)

    # ------------------------------------------------------------
    # The intake
    # ------------------------------------------------------------

    @api.model
    def _intake(self, raw, source):
        """Admit, parse, route and store one mail meant for cases.

        :param raw: the mail as bytes
        :param source: a MailSource
        :return: a MailOutcome; ``busy`` when another process holds the mail
        :raise: a passing error (PASSING_ERRORS, MailBusy for the pipe)
        """
        raw = strip_mbox_separator(raw)
        message_id = self._get_message_id(raw)
        if not self._lock_mail(message_id):
            return MailOutcome("busy", summary=_("being stored by another process"))
        recorded = self._find_recorded(message_id)
        if recorded:
            return self._outcome_duplicate(recorded, message_id)
        attempts = self.env["crm.case.mail.attempt"]._begin(message_id)
        try:
            with self.env.cr.savepoint():
                self._admit(raw, attempts)
                outcome = self._process(raw, source, message_id)
        except pg_errors.UniqueViolation as error:
            if error.diag.constraint_name != "crm_case_mail_message_id_uniq":
                outcome = self._store_failure(raw, error, source, message_id)
            else:
                # Recorded meanwhile by another process that committed first.
                outcome = MailOutcome("duplicate", summary=_("already recorded"))
        except PASSING_ERRORS:
            raise
        except Exception as error:
            outcome = self._store_failure(raw, error, source, message_id)
        self.env["crm.case.mail.attempt"]._end(message_id)
        return outcome

    def _process(self, raw, source, message_id):
        """Parse, route and store, within the mail's time budget."""
        seconds = self._get_bound("time_budget")
        try:
            with time_budget(seconds):
                message, msg_dict = self._parse(raw, source, message_id)
                route = self._route(message, msg_dict, source)
                case = self._store(message, msg_dict, route)
        except TimeBudgetExceeded as error:
            raise MailRefused(
                _(
                    "The mail took more than %(seconds)s seconds to process "
                    "(system parameter crm_case.mail_time_budget): it is kept raw.",
                    seconds=seconds,
                )
            ) from error
        self.env["crm.case.mail.failure"]._close_failures(message_id)
        if route.thread_id:
            return MailOutcome(
                "updated", case, _("added to case %(case)s", case=case.id)
            )
        return MailOutcome("created", case, _("case %(case)s created", case=case.id))

    # ------------------------------------------------------------
    # 1. Admit
    # ------------------------------------------------------------

    @api.model
    def _get_message_id(self, raw):
        """The Message-Id of a raw mail, or a stable one made from its bytes."""
        try:
            headers = email.parser.BytesHeaderParser(
                policy=email.policy.compat32
            ).parsebytes(raw)
            message_id = str(headers.get("Message-Id") or "").strip()
        except Exception:  # a mail of any shape gets an id
            _logger.info("Unreadable Message-Id.", exc_info=True)
            message_id = ""
        message_id = (
            message_id.replace("\x00", "")
            .encode("utf-8", errors="replace")
            .decode("utf-8")
        )
        return message_id or self._fallback_message_id(raw)

    @api.model
    def _fallback_message_id(self, raw):
        """A Message-Id for a mail that has none, the same at every delivery.

        Odoo gives such a mail a random id, so a mail fetched again after a
        fetch stopped before marking it seen would be recorded twice."""
        digest = hashlib.sha256(raw).hexdigest()[:40]
        return f"<{digest}.no-message-id@crm-case.invalid>"

    def _lock_mail(self, message_id):
        """Take the mail for this transaction, unless another process is
        storing it right now: that one ends the job.

        :return: False when another process holds the mail
        """
        self.env.cr.execute(
            SQL(
                "SELECT pg_try_advisory_xact_lock(hashtext(%s))",
                f"crm_case_mail {message_id}",
            )
        )
        return self.env.cr.fetchone()[0]

    def _find_recorded(self, message_id):
        """The case message already recorded for this Message-Id, if any."""
        return (
            self.env["mail.message"]
            .sudo()
            .search(
                [("message_id", "=", message_id), ("model", "=", "crm.case")], limit=1
            )
        )

    def _outcome_duplicate(self, recorded, message_id):
        # A copy fetched again or sent twice: the failure of an earlier copy,
        # if any, is now solved.
        self.env["crm.case.mail.failure"]._close_failures(message_id)
        case = self.env["crm.case"].browse(recorded.res_id)
        return MailOutcome(
            "duplicate", case, _("already recorded on case %(case)s", case=case.id)
        )

    @api.model
    def _get_bound(self, name):
        parameter, default = BOUND_PARAMETERS[name]
        value = self.env["ir.config_parameter"].sudo().get_param(parameter)
        try:
            return int(value) if value else default
        except ValueError:
            _logger.warning("Ignored %s=%r: not a number.", parameter, value)
            return default

    def _admit(self, raw, attempts):
        """Refuse, without parsing it, a mail that could stop the intake."""
        max_attempts = self._get_bound("max_attempts")
        if attempts > max_attempts:
            raise MailRefused(
                _(
                    "The mail was tried %(count)s times without an end (its "
                    "process stopped or failed each time): it is kept unparsed.",
                    count=attempts - 1,
                )
            )
        max_bytes = self._get_bound("max_bytes")
        if len(raw) > max_bytes:
            raise MailRefused(
                _(
                    "The mail is %(size)s bytes long, more than the %(max)s bytes "
                    "allowed (system parameter crm_case.mail_max_bytes).",
                    size=len(raw),
                    max=max_bytes,
                )
            )
        self._admit_shape(raw)

    def _admit_shape(self, raw):
        max_parts = self._get_bound("max_parts")
        max_depth = self._get_bound("max_depth")
        shape = measure(raw, stop_parts=max_parts, stop_depth=max_depth)
        if shape.parts > max_parts:
            raise MailRefused(
                _(
                    "The mail has more than %(max)s parts (system parameter "
                    "crm_case.mail_max_parts): it is kept unparsed.",
                    max=max_parts,
                )
            )
        if shape.depth > max_depth:
            raise MailRefused(
                _(
                    "The mail nests more than %(max)s multiparts (system parameter "
                    "crm_case.mail_max_depth): it is kept unparsed.",
                    max=max_depth,
                )
            )

    # ------------------------------------------------------------
    # 2. Parse
    # ------------------------------------------------------------

    def _parse(self, raw, source, message_id):
        """Odoo's parsed message, with the intake's flags in it.

        :return: (email.message.EmailMessage, parsed message dict)
        """
        message = email.message_from_bytes(raw, policy=email.policy.SMTP)
        thread = self.env["mail.thread"]
        try:
            msg_dict = thread.message_parse(message, save_original=source.save_original)
        except LookupError:
            # Odoo's parser stops on an unknown charset: read those parts as
            # UTF-8, replacing what does not decode, rather than lose the mail.
            self._declare_unknown_charsets_utf8(message)
            msg_dict = thread.message_parse(message, save_original=source.save_original)
        if source.strip_attachments:
            msg_dict.pop("attachments", None)
        msg_dict["message_id"] = message_id
        msg_dict["crm_case_auto_submitted"] = self._is_auto_submitted(message, msg_dict)
        msg_dict["crm_case_sender_verdict"] = self._get_sender_verdict(message, source)
        return message, msg_dict

    @api.model
    def _declare_unknown_charsets_utf8(self, message):
        for part in message.walk():
            charset = part.get_param("charset")
            if not charset:
                continue
            try:
                codecs.lookup(str(charset))
            except LookupError:
                part.set_param("charset", "utf-8")

    # ------------------------------------------------------------
    # 4. Store
    # ------------------------------------------------------------

    def _store(self, message, msg_dict, route):
        """Record the mail on its case through Odoo's gateway, which creates
        the case (``message_new``) or updates it (``message_update``) and
        posts the message with its author and attachments."""
        case_id = self.env["mail.thread"]._message_route_process(
            message, msg_dict, [route.as_odoo_route(self.env.uid)]
        )
        return self.env["crm.case"].browse(case_id)

    def _store_failure(self, raw, error, source, message_id):
        """Keep a mail that failed for a lasting reason, for a manager."""
        _logger.info("Mail from %s kept as a failed mail.", source.label, exc_info=True)
        failure = self.env["crm.case.mail.failure"]._record_failure(
            raw, error, source, message_id
        )
        return MailOutcome(
            "failed",
            failure,
            _(
                "kept in Failed Incoming Mails (%(failure)s): %(error)s",
                failure=failure.id,
                error=failure._get_error_line(),
            ),
        )
