import hashlib
from ast import literal_eval

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import email_split
from odoo.tools.mail import mail_header_msgid_re

# Precedence values of mailing lists and robots (RFC 2076, RFC 3834).
ROBOT_PRECEDENCES = ("bulk", "junk", "list", "auto_reply")
# Headers that only auto-responders and robots set.
ROBOT_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _crm_case_is_auto_submitted(self, message, message_dict):
        """Whether an incoming mail comes from a robot: an auto-reply, a bounce or
        a mailing list. Such mails are kept but never answered automatically."""
        auto_submitted = (message.get("Auto-Submitted") or "no").split(";")[0]
        if auto_submitted.strip().lower() != "no":
            return True
        if any(message.get(header) for header in ROBOT_HEADERS):
            return True
        precedence = (message.get("Precedence") or "").strip().lower()
        if precedence in ROBOT_PRECEDENCES:
            return True
        sender = (email_split(message_dict.get("email_from") or "") or [""])[0]
        if sender.split("@", 1)[0].lower() in ("mailer-daemon", "postmaster"):
            return True
        return bool(message_dict.get("is_bounce"))

    @api.model
    def _crm_case_fallback_message_id(self, raw_message):
        """A Message-Id for a mail that has none, the same at every fetch.

        Odoo gives such a mail a random id, so a mail fetched again after a
        fetch stopped before marking it seen would be recorded twice."""
        if isinstance(raw_message, str):
            raw_message = raw_message.encode("utf-8", errors="surrogateescape")
        digest = hashlib.sha256(raw_message).hexdigest()[:40]
        return f"<{digest}.no-message-id@crm-case.invalid>"

    def message_parse(self, message, save_original=False):
        msg_dict = super().message_parse(message, save_original=save_original)
        fallback = self.env.context.get("crm_case_fallback_message_id")
        if fallback and not message.get("Message-Id", "").strip():
            msg_dict["message_id"] = fallback
        return msg_dict

    @api.model
    def message_route(
        self, message, message_dict, model=None, thread_id=None, custom_values=None
    ):
        routes = super().message_route(
            message,
            message_dict,
            model=model,
            thread_id=thread_id,
            custom_values=custom_values,
        )
        if routes or not message_dict.get("is_bounce"):
            return routes
        # Odoo only counts bounces; a bounce about a case is kept in its history.
        bounced = self._crm_case_find_bounced_message(message_dict)
        if bounced:
            return [("crm.case", bounced.res_id, None, self.env.uid, None)]
        alias = self.env["mail.alias"].search(
            [
                ("alias_full_name", "in", email_split(message_dict.get("to") or "")),
                ("alias_model_id.model", "=", "crm.case"),
            ],
            limit=1,
        )
        if alias:
            defaults = literal_eval(alias.alias_defaults or "{}")
            return [("crm.case", False, defaults, self.env.uid, None)]
        if model == "crm.case":
            return [("crm.case", False, custom_values, self.env.uid, None)]
        return routes

    @api.model
    def _detect_loop_sender(self, message, message_dict, routes):
        is_loop = super()._detect_loop_sender(message, message_dict, routes)
        if is_loop and any(route[0] == "crm.case" for route in routes or ()):
            # Odoo drops the mail silently; a case mail is kept in the failed
            # mails instead, for a manager to look at and retry.
            raise UserError(
                _(
                    "%(sender)s created too many cases in a short time: the mail "
                    "was set aside as a possible mail loop.",
                    sender=message_dict.get("email_from") or "?",
                )
            )
        return is_loop

    @api.model
    def _crm_case_find_bounced_message(self, message_dict):
        """The message of a case a bounce is about, from its report or headers."""
        bounced = message_dict.get("bounced_message")
        if bounced and bounced.model == "crm.case" and bounced.res_id:
            return bounced[0]
        references = mail_header_msgid_re.findall(
            f"{message_dict.get('in_reply_to') or ''} "
            f"{message_dict.get('references') or ''}"
        )
        if not references:
            return self.env["mail.message"]
        return (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("message_id", "in", references[-32:]),
                    ("model", "=", "crm.case"),
                    ("res_id", "!=", False),
                ],
                limit=1,
                order="id desc",
            )
        )

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        if not any(route[0] == "crm.case" for route in routes or ()):
            return super()._message_route_process(message, message_dict, routes)
        # A mail sent to several case addresses is recorded once, in the first
        # one; and a case that cannot be created goes to the failed mails list
        # instead of bouncing back to the sender (hence no alias in the route).
        case_routes = []
        other_routes = []
        for route in routes:
            if route[0] != "crm.case":
                other_routes.append(route)
            elif not case_routes:
                case_routes.append(route[:4] + (None,))
        auto_submitted = self._crm_case_is_auto_submitted(message, message_dict)
        return super(
            MailThread,
            self.with_context(crm_case_gateway_auto_submitted=auto_submitted),
        )._message_route_process(message, message_dict, case_routes + other_routes)
