"""History notes written for a whole batch of cases in one statement, for the
time-rule checker that changes thousands of cases at once."""

from markupsafe import escape

from odoo import models
from odoo.tools import SQL, clean_context
from odoo.tools.mail import generate_tracking_message_id


class CrmCase(models.Model):
    _inherit = "crm.case"

    def _log_history_notes(self, bodies):
        """Add an internal note to the history of each case of ``self``.

        The notes are the ones ``_message_log_batch`` would log (internal
        notes, no notification, no follower), but inserted in one statement:
        the ORM's ``create`` sanitizes and caches each message body one by
        one, which is most of the time of a checker batch. The columns common
        to every note (defaults of every installed module included) are
        converted once, each distinct body is sanitized once, and the ORM is
        told about the new messages as its own ``create`` would.

        :param bodies: {case id: html}, the cases of ``self`` without a body
            get no note
        :return: the new mail.message records, as superuser
        """
        Message = (
            self.env["mail.message"]
            .sudo()
            .with_context(clean_context(self.env.context))
        )
        cases = self.filtered(lambda case: bodies.get(case.id))
        if not cases:
            return Message
        common = Message._add_missing_default_values(self._prepare_note_values())
        columns, constants = self._get_note_columns(Message, common)
        body_field = Message._fields["body"]
        body_columns = {}
        rows = []
        for case in cases:
            # Plain text is escaped, html (Markup) kept, as Odoo's log does.
            body = escape(bodies[case.id])
            if body not in body_columns:
                body_columns[body] = body_field.convert_to_column_insert(
                    body, Message, {"body": body}
                )
            rows.append(SQL("(%s, %s, %s)", constants, case.id, body_columns[body]))
        self.env.cr.execute(
            SQL(
                "INSERT INTO mail_message (%s, res_id, body) VALUES %s RETURNING id",
                SQL(", ").join(map(SQL.identifier, columns)),
                SQL(", ").join(rows),
            )
        )
        messages = Message.browse([row[0] for row in self.env.cr.fetchall()])
        # What the ORM's create does after its INSERT: the stored computed
        # fields of the new messages (other modules may add some) and the
        # fields depending on them are computed, and the cases' chatter
        # fields are read again.
        for field in Message._fields.values():
            if field.store and field.compute and field.name not in common:
                self.env.add_to_compute(field, messages)
        messages.modified([*columns, "res_id", "body"], create=True)
        cases.invalidate_recordset(
            ["message_ids", "message_needaction", "message_needaction_counter"]
        )
        return messages

    def _prepare_note_values(self):
        """The values of a history note shared by every case of ``self``, as
        ``_message_log_batch`` sets them for an internal note."""
        author_id, email_from = self._message_compute_author(
            None, None, raise_on_email=False
        )
        now = self.env.cr.now()
        return {
            "author_id": author_id,
            "email_from": email_from,
            "model": self._name,
            "record_alias_domain_id": False,
            "record_company_id": False,
            "record_name": False,
            "message_type": "notification",
            "is_internal": True,
            "subject": False,
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
            "email_add_signature": False,
            "message_id": generate_tracking_message_id("message-notify"),
            "reply_to": self.env["mail.thread"]._notify_get_reply_to(
                default=email_from
            )[False],
            "create_uid": self.env.uid,
            "write_uid": self.env.uid,
            "create_date": now,
            "write_date": now,
        }

    def _get_note_columns(self, Message, values):
        """The column names and the converted values of ``values`` (without
        the per-note res_id and body), in the same order."""
        columns = []
        constants = []
        for name, value in values.items():
            field = Message._fields[name]
            if name in ("res_id", "body") or not (field.store and field.column_type):
                # x2many defaults (attachments, partners) are empty for a note.
                continue
            columns.append(name)
            constants.append(field.convert_to_column_insert(value, Message, values))
        return columns, SQL(", ").join(constants)
