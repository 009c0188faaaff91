"""How a case takes an incoming mail: the values of a new case, and the
effect of a reply on an existing one."""

from odoo import _, api, fields, models
from odoo.tools import (
    email_normalize,
    email_split,
)

from .crm_case import GATEWAY_NAME_SIZE

# What the intake adds to a parsed message for message_new and message_update:
# the mail comes from a robot; the case whose tag a stranger, or an unverified
# sender, quoted. The sender's verdict (crm_case_sender_verdict) stays: it is a
# value of the message.
INTAKE_FLAGS = (
    "crm_case_auto_submitted",
    "crm_case_claimed_case_id",
    "crm_case_claim_unverified",
)


class CrmCase(models.Model):
    _inherit = "crm.case"

    from_robot = fields.Boolean(
        string="Opened by an Automatic Mail",
        readonly=True,
        copy=False,
        help="The case was opened by an auto-reply, a bounce or a mailing "
        "list: no automatic mail is ever sent to its partner email.",
    )

    @api.model
    def _prepare_gateway_case_values(self, msg_dict):
        """Values of a case created from an incoming mail."""
        email_from = msg_dict.get("email_from") or ""
        values = {
            "name": (msg_dict.get("subject") or "").strip()[:GATEWAY_NAME_SIZE]
            or _("(no subject)"),
            "description": msg_dict.get("body") or False,
            "email_from": email_from or False,
            "user_id": False,
            "from_robot": bool(msg_dict.get("crm_case_auto_submitted")),
        }
        partner = self._mail_find_partner_from_emails([email_from])[0]
        if partner:
            values["partner_id"] = partner.commercial_partner_id.id
            if partner != partner.commercial_partner_id:
                values["partner_address_id"] = partner.id
        return values

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """Create the case of a new mail; the intake chose its section."""
        defaults = self._prepare_gateway_case_values(msg_dict)
        defaults.update(custom_values or {})
        case = super().message_new(msg_dict, custom_values=defaults)
        if msg_dict.get("crm_case_claimed_case_id"):
            case._gateway_log_claim(msg_dict)
        if not msg_dict.get("crm_case_auto_submitted"):
            case._gateway_send_acknowledgement()
        return case

    def _gateway_log_claim(self, msg_dict):
        """Note on a new case the case whose tag its mail quoted in vain."""
        case_id = msg_dict["crm_case_claimed_case_id"]
        sender = msg_dict.get("email_from") or "?"
        if msg_dict.get("crm_case_claim_unverified"):
            body = _(
                "This mail claims to be about case [%(case_id)s], but its sender "
                "%(sender)s is not verified: it was kept apart in this new case.",
                case_id=case_id,
                sender=sender,
            )
        else:
            body = _(
                "This mail claims to be about case [%(case_id)s], but its "
                "sender %(sender)s does not belong to that case: it was kept "
                "apart in this new case.",
                case_id=case_id,
                sender=sender,
            )
        self._message_log(body=body)

    def _get_message_create_valid_field_names(self):
        # The gateway posts the verdict on the sender with the message.
        return super()._get_message_create_valid_field_names() | {
            "crm_case_sender_verdict"
        }

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        # The gateway posts the parsed message as is: the intake's flags in it
        # are for message_new and message_update, not for the message.
        for flag in INTAKE_FLAGS:
            kwargs.pop(flag, None)
        return super().message_post(**kwargs)

    def message_update(self, msg_dict, update_vals=None):
        res = super().message_update(msg_dict, update_vals=update_vals)
        if not msg_dict.get("crm_case_auto_submitted"):
            for case in self:
                # An unproven sender never moves a case (unless policy Off).
                if case.section_id._gateway_trusts_sender(msg_dict):
                    case._gateway_apply_reply(msg_dict)
        return res

    def _gateway_sender_email(self, msg_dict):
        return email_normalize(msg_dict.get("email_from") or "") or ""

    def _gateway_partner_emails(self):
        self.ensure_one()
        emails = (self.partner_id.email, self.partner_address_id.email, self.email_from)
        return {email_normalize(email) for email in emails if email} - {False}

    def _gateway_is_case_sender(self, msg_dict):
        """Whether the sender of a mail may update the case through its tag: its
        partner or contact, responsible, a watcher, a follower or an employee."""
        self.ensure_one()
        sender = self._gateway_sender_email(msg_dict)
        if not sender:
            return False
        allowed = self._gateway_partner_emails()
        allowed.add(email_normalize(self.user_id.email or ""))
        allowed.update(email_normalize(cc) for cc in email_split(self.email_cc or ""))
        allowed.update(
            email_normalize(partner.email or "") for partner in self.message_partner_ids
        )
        if sender in allowed:
            return True
        return bool(
            self.env["res.users"].search_count(
                [("share", "=", False), ("email_normalized", "=", sender)], limit=1
            )
        )

    def _gateway_apply_reply(self, msg_dict):
        """Move the case after a mail of its responsible or of its partner."""
        self.ensure_one()
        sender = self._gateway_sender_email(msg_dict)
        if not sender:
            return
        if self.user_id and sender == email_normalize(self.user_id.email or ""):
            self._gateway_apply_responsible_reply()
        elif sender in self._gateway_partner_emails():
            self._gateway_apply_partner_reply()

    def _gateway_apply_partner_reply(self):
        """Reopen a closed or pending case the partner answers, by mail or on
        the portal. Unlike Open, it makes nobody responsible: neither the
        gateway's user nor a portal user should become so."""
        if self.state == "done":
            self.action_draft()
        if self.state in ("draft", "pending"):
            now = fields.Datetime.now()
            self._set_state("open", lambda case: {"date_open": case.date_open or now})

    def _gateway_apply_responsible_reply(self):
        target = self.section_id.gateway_reply_state
        if target == "unchanged" or self.state == target:
            return
        if target not in ("done", "pending") or self.state not in ("draft", "open"):
            return
        if self.state == "draft":
            self.action_open()
        if target == "done":
            self.action_close()
        else:
            self.action_pending()

    def _gateway_send_acknowledgement(self):
        """Tell the sender of a mail that its case was created, when its section
        says so."""
        self.ensure_one()
        if not self.section_id.gateway_acknowledge:
            return False
        return self._send_acknowledgement()
