"""Step 3 of the intake: which case a mail goes to.

In this order: the headers of a reply (or the report of a bounce) naming a
message of a case; the ``[id]`` tag of the subject, when the sender belongs
to that case; a section's address among the recipients; the default section
of the source (the server's, or the mailgate's ``--section``). A mail that
reaches none of them is refused, and so kept as a failed mail.
"""

import email.parser
import email.policy
import re
from ast import literal_eval
from dataclasses import dataclass, field

from odoo import _, api, models
from odoo.tools import email_normalize, email_split
from odoo.tools.mail import mail_header_msgid_re

from ..utils.mail_shape import strip_mbox_separator
from ..utils.mail_source import MailRefused

# The case tag of a subject, e.g. "Re: [101] Printer broken".
CASE_TAG_RE = re.compile(r"\[(\d{1,9})\]")
# Newer Message-Ids are appended to References: the last ones suffice.
MAX_REFERENCES = 32
# The Message-Ids quoted in a delivery report, and how far to look for them.
REPORTED_MSGID_RE = re.compile(r"<[^<>@\s]+@[^<>\s]+>")
REPORT_SCAN_SIZE = 256 * 1024
# Precedence values of mailing lists and robots (RFC 2076, RFC 3834).
ROBOT_PRECEDENCES = ("bulk", "junk", "list", "auto_reply")
# Headers that only auto-responders and robots set.
ROBOT_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")


@dataclass
class MailRoute:
    """The case a mail updates (``thread_id``), or the values of a new one."""

    thread_id: int = 0
    custom_values: dict = field(default_factory=dict)
    reason: str = ""

    def as_odoo_route(self, uid):
        # No alias: a case that cannot be created is a failed mail, never a
        # bounce sent back to the sender by the alias.
        return ("crm.case", self.thread_id, self.custom_values, uid, None)


class CrmCaseMailIntake(models.AbstractModel):
    _inherit = "crm.case.mail.intake"

    def _route(self, message, msg_dict, source):
        """The route of a parsed mail, first match wins.

        :raise MailRefused: when no route is found, or a new case would feed
            a mail loop
        """
        route = (
            self._route_by_headers(msg_dict)
            or self._route_by_bounce(msg_dict)
            or self._route_by_tag(msg_dict)
            or self._route_by_address(msg_dict)
            or self._route_by_source(source)
        )
        if not route:
            raise MailRefused(
                _(
                    "The mail %(subject)s from %(sender)s reached no section: give "
                    "the incoming mail server a section, or write to a section's "
                    "address.",
                    subject=msg_dict.get("subject") or _("(no subject)"),
                    sender=msg_dict.get("email_from") or "?",
                )
            )
        self._check_sender_policy(msg_dict, route)
        if not route.thread_id:
            self._check_mail_loop(message, msg_dict, route)
        return route

    # ------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------

    def _route_by_headers(self, msg_dict):
        """A reply: In-Reply-To or References name a message of a case."""
        references = mail_header_msgid_re.findall(
            f"{msg_dict.get('references') or ''} {msg_dict.get('in_reply_to') or ''}"
        )
        if not references:
            return None
        replied = self._find_case_message(references[-MAX_REFERENCES:])
        if not replied:
            return None
        return MailRoute(self._get_route_case_id(replied.res_id), reason="reply")

    def _route_by_bounce(self, msg_dict):
        """A delivery report about a mail sent from a case."""
        bounced = msg_dict.get("bounced_message")
        if msg_dict.get("is_bounce") and bounced and bounced.model == "crm.case":
            return MailRoute(
                self._get_route_case_id(bounced[:1].res_id), reason="bounce"
            )
        return None

    def _route_by_tag(self, msg_dict):
        """The ``[id]`` tag of the subject, from a sender of that case whom
        the case's section trusts (see ``_gateway_trusts_sender``).

        Any other sender quoting the tag opens a new case instead, which notes
        the claim (``crm_case_claimed_case_id`` of the parsed message).
        """
        match = CASE_TAG_RE.search(msg_dict.get("subject") or "")
        if not match:
            return None
        case = self.env["crm.case"].sudo().browse(int(match.group(1))).exists()
        if not case:
            return None
        if case._gateway_is_case_sender(msg_dict):
            if case.section_id._gateway_trusts_sender(msg_dict):
                return MailRoute(self._get_route_case_id(case.id), reason="tag")
            msg_dict["crm_case_claim_unverified"] = True
        msg_dict["crm_case_claimed_case_id"] = case.id
        return None

    def _route_by_address(self, msg_dict):
        """The first section address among the recipients: a mail sent to
        several sections is recorded once."""
        recipients = [
            address.lower()
            for address in email_split(
                ",".join(filter(None, (msg_dict.get("recipients"), msg_dict.get("to"))))
            )
        ]
        if not recipients:
            return None
        aliases = self.env["mail.alias"].search(
            [
                ("alias_full_name", "in", recipients),
                ("alias_model_id", "=", self.env["ir.model"]._get_id("crm.case")),
            ]
        )
        for recipient in recipients:
            alias = aliases.filtered(lambda a, r=recipient: a.alias_full_name == r)
            if alias:
                values = literal_eval(alias[:1].alias_defaults or "{}")
                return MailRoute(custom_values=values, reason="address")
        return None

    def _route_by_source(self, source):
        """The section of the server, or the one the mailgate was given."""
        values = dict(source.custom_values or {})
        if not values.get("section_id"):
            return None
        return MailRoute(custom_values=values, reason="source")

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @api.model
    def _get_route_case_id(self, case_id):
        """The case a mail naming the case ``case_id`` goes to: that case, or
        where another feature leads its mail (a hook)."""
        return case_id

    @api.model
    def _find_case_message(self, message_ids):
        return (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("message_id", "in", message_ids),
                    ("model", "=", "crm.case"),
                    ("res_id", "!=", False),
                ],
                limit=1,
                order="id desc",
            )
        )

    def _check_mail_loop(self, message, msg_dict, route):
        """Refuse a new case from a sender who opened too many lately.

        Odoo's guard drops such a mail; a case mail is kept as a failed mail
        instead. A sender without address cannot be answered, so it cannot
        feed a loop: Odoo would count all such mails as one sender.
        """
        if not email_normalize(msg_dict.get("email_from") or ""):
            return
        thread = self.env["mail.thread"]
        if thread._detect_loop_sender(message, msg_dict, [route.as_odoo_route(0)]):
            raise MailRefused(
                _(
                    "%(sender)s created too many cases in a short time: the mail "
                    "was set aside as a possible mail loop.",
                    sender=msg_dict.get("email_from"),
                )
            )

    @api.model
    def _is_auto_submitted(self, message, msg_dict):
        """Whether a mail comes from a robot: an auto-reply, a bounce or a
        mailing list. Such mails are kept but never answered automatically."""
        auto_submitted = (message.get("Auto-Submitted") or "no").split(";")[0]
        if auto_submitted.strip().lower() != "no":
            return True
        if any(message.get(header) for header in ROBOT_HEADERS):
            return True
        precedence = (message.get("Precedence") or "").strip().lower()
        if precedence in ROBOT_PRECEDENCES:
            return True
        sender = (email_split(msg_dict.get("email_from") or "") or [""])[0]
        if sender.split("@", 1)[0].lower() in ("mailer-daemon", "postmaster"):
            return True
        return bool(msg_dict.get("is_bounce")) or not sender

    # ------------------------------------------------------------
    # Which mails are for cases
    # ------------------------------------------------------------

    @api.model
    def _is_for_cases(self, raw, model):
        """Whether a mail handed to ``message_process`` is meant for cases:
        its fallback model is the cases, a recipient is a section address,
        or it answers (or reports the bounce of) a message of a case.

        Read from the headers alone: the mails of other models are parsed
        once, by Odoo, as before.
        """
        if model == "crm.case":
            return True
        recipients, message_ids = self._read_pointers(raw)
        case_model = self.env["ir.model"]._get_id("crm.case")
        return bool(
            self._find_aliases(recipients, [("alias_model_id", "=", case_model)])
            or (message_ids and self._find_case_message(message_ids))
        )

    @api.model
    def _is_for_other_models(self, raw):
        """Whether a mail piped to the cases is plainly another model's: a
        recipient is its alias, or it answers one of its messages."""
        if self._is_for_cases(raw, False):
            return False
        recipients, message_ids = self._read_pointers(raw)
        case_model = self.env["ir.model"]._get_id("crm.case")
        return bool(
            self._find_aliases(recipients, [("alias_model_id", "!=", case_model)])
            or (
                message_ids
                and self.env["mail.message"]
                .sudo()
                .search_count(
                    [("message_id", "in", message_ids), ("model", "!=", False)],
                    limit=1,
                )
            )
        )

    @api.model
    def _read_pointers(self, raw):
        """The recipients of a raw mail, and the Message-Ids it points to."""
        headers = self._read_headers(strip_mbox_separator(raw))
        recipients = [
            address.lower()
            for address in email_split(
                ",".join(str(value) for value in self._header_values(headers))
            )
        ]
        message_ids = mail_header_msgid_re.findall(
            f"{headers.get('References') or ''} {headers.get('In-Reply-To') or ''}"
        )[-MAX_REFERENCES:]
        if headers.get_content_type() == "multipart/report":
            message_ids += REPORTED_MSGID_RE.findall(
                raw[:REPORT_SCAN_SIZE].decode("latin-1")
            )[:MAX_REFERENCES]
        return recipients, message_ids

    @api.model
    def _find_aliases(self, recipients, domain):
        if not recipients:
            return self.env["mail.alias"]
        return self.env["mail.alias"].search(
            [("alias_full_name", "in", recipients), *domain], limit=1
        )

    @api.model
    def _read_headers(self, raw):
        # compat32: the most lenient reading, for mails of any shape.
        return email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(
            raw
        )

    @api.model
    def _header_values(self, headers):
        for name in ("To", "Cc", "Delivered-To", "Resent-To"):
            yield from headers.get_all(name) or ()
