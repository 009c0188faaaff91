"""A merge of cases, recorded so that it can be undone.

Merging moves the messages, attachments, activities, followers and
watchers of the merged cases to the target and cancels them, pointing to the target
(``crm.case.merged_into_id``). Each line remembers what moved for one merged
case; Undo moves exactly that back, whatever reached the target since.
"""

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, email_split

from .crm_case import CASE_STATES


class CrmCaseMergeLog(models.Model):
    _name = "crm.case.merge.log"
    _description = "Case Merge"
    _order = "id desc"
    _rec_name = "target_id"

    target_id = fields.Many2one(
        "crm.case",
        string="Target Case",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="target_id.company_id", store=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Merged By", required=True, readonly=True
    )
    date = fields.Datetime(string="Merged On", required=True, readonly=True)
    line_ids = fields.One2many(
        "crm.case.merge.log.line", "merge_id", string="Merged Cases", readonly=True
    )
    undone = fields.Boolean(readonly=True, copy=False)
    undo_user_id = fields.Many2one("res.users", string="Undone By", readonly=True)
    undo_date = fields.Datetime(string="Undone On", readonly=True)

    # ------------------------------------------------------------
    # Merge
    # ------------------------------------------------------------

    @api.model
    def _merge_cases(self, target, cases):
        """Merge ``cases`` into ``target`` and record it.

        :param target: the case that stays
        :param cases: the cases merged into it (cancelled, pointing to it)
        :raise UserError: the refusals of ``_check_merge``
        :return: the new merge record
        """
        # The user of this call acts, whoever read the records given.
        target, cases = target.with_env(self.env), cases.with_env(self.env)
        self._check_merge(target, cases)
        # sudo: nobody writes merge records by hand (their lines name the
        # messages an undo moves); only this method, once the rights are checked.
        merge = self.sudo().create(
            {
                "target_id": target.id,
                "user_id": self.env.uid,
                "date": fields.Datetime.now(),
            }
        )
        known_followers = target.message_partner_ids
        # Normalized addresses the target already mails to.
        known_watchers = {
            email_normalize(address) for address in target._merge_watcher_emails()
        } | target._gateway_partner_emails()
        for case in cases.sorted(lambda c: (c.date, c.id)):
            line = merge.line_ids.create(
                merge._prepare_line_values(case, known_followers, known_watchers)
            )
            known_followers |= line.follower_partner_ids
            known_watchers.update(
                email_normalize(address)
                for address in email_split(line.watcher_emails or "")
            )
            line._apply_merge(case, target)
        return merge.with_env(self.env)

    @api.model
    def _check_merge(self, target, cases):
        """Refuse a merge into itself, across companies, of a merged case, or
        by a user who may not write every case."""
        if not cases or target in cases:
            raise UserError(
                _(
                    "A case cannot be merged into itself: select at least two "
                    "cases and merge the others into one of them."
                )
            )
        everything = target | cases
        # First: the messages below would name cases the user may not read.
        everything._check_merge_write_access()
        merged = everything.filtered("merged_into_id")
        if merged:
            raise UserError(
                _(
                    "The case %(case)s is already merged into %(target)s.",
                    case=merged[0]._merge_label(),
                    target=merged[0].merged_into_id._merge_label(),
                )
            )
        if len(everything.company_id) > 1:
            raise UserError(
                _(
                    "Cases of different companies cannot be merged: %(companies)s.",
                    companies=", ".join(everything.company_id.mapped("name")),
                )
            )

    def _prepare_line_values(self, case, known_followers, known_watchers):
        """What moves from ``case`` to the target, given the followers and
        watchers the target already has."""
        self.ensure_one()
        # sudo: the user may write every case (checked); moving the messages
        # of others and their attachments needs rights on those rows.
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", "crm.case"), ("res_id", "=", case.id)])
        )
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "crm.case"),
                    ("res_id", "=", case.id),
                    ("res_field", "=", False),
                ]
            )
        )
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search([("res_model", "=", "crm.case"), ("res_id", "=", case.id)])
        )
        new_watchers = {}
        for address in case._merge_watcher_emails():
            normalized = email_normalize(address)
            if normalized and normalized not in known_watchers:
                new_watchers.setdefault(normalized, address)
        return {
            "merge_id": self.id,
            "case_id": case.id,
            "case_ref": case.id,
            "case_name": case.name,
            "previous_state": case.state,
            "message_ids": [Command.set(messages.ids)],
            "attachment_ids": [Command.set(attachments.ids)],
            "activity_ids": [Command.set(activities.ids)],
            "follower_partner_ids": [
                Command.set((case.message_partner_ids - known_followers).ids)
            ],
            "watcher_emails": ", ".join(new_watchers.values()) or False,
        }

    # ------------------------------------------------------------
    # Undo
    # ------------------------------------------------------------

    def action_undo(self):
        """Give each merged case back its messages, attachments and state."""
        self.check_access("read")
        for merge in self:
            merge._check_undo()
            target = merge.target_id
            for line in merge.line_ids:
                line._apply_undo(line.case_id, target)
            # sudo: merge records are written by the merge and its undo only.
            merge.sudo().write(
                {
                    "undone": True,
                    "undo_user_id": self.env.uid,
                    "undo_date": fields.Datetime.now(),
                }
            )
            target._message_log(
                body=_(
                    "Merge undone: %(cases)s got back their messages and state.",
                    cases=", ".join(merge.line_ids.mapped("case_label")),
                )
            )
        return True

    def _check_undo(self):
        """Refuse an undo done already, missing a case, or that the user may
        not write on every case."""
        self.ensure_one()
        if self.undone:
            raise UserError(
                _(
                    "The merge into %(target)s has already been undone.",
                    target=self.target_id._merge_label(),
                )
            )
        deleted = self.line_ids.filtered(lambda line: not line.case_id)
        if deleted:
            raise UserError(
                _(
                    "The merge into %(target)s cannot be undone: the case "
                    "%(case)s was deleted.",
                    target=self.target_id._merge_label(),
                    case=deleted[0].case_label,
                )
            )
        if self.target_id.merged_into_id:
            raise UserError(
                _(
                    "The case %(target)s has since been merged into %(other)s: "
                    "undo that merge first.",
                    target=self.target_id._merge_label(),
                    other=self.target_id.merged_into_id._merge_label(),
                )
            )
        (self.target_id | self.line_ids.case_id)._check_merge_write_access()


class CrmCaseMergeLogLine(models.Model):
    _name = "crm.case.merge.log.line"
    _description = "Case Merged"
    _order = "id"

    merge_id = fields.Many2one(
        "crm.case.merge.log", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="merge_id.company_id", store=True)
    case_id = fields.Many2one(
        "crm.case", string="Merged Case", index=True, ondelete="set null"
    )
    # The case's reference and name, to name it once it is deleted.
    case_ref = fields.Integer(string="Case Reference", readonly=True)
    case_name = fields.Char(readonly=True)
    case_label = fields.Char(compute="_compute_case_label")
    previous_state = fields.Selection(CASE_STATES, readonly=True)
    message_ids = fields.Many2many(
        "mail.message", "crm_case_merge_log_line_message_rel", string="Moved Messages"
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "crm_case_merge_log_line_attachment_rel",
        string="Moved Attachments",
    )
    activity_ids = fields.Many2many(
        "mail.activity",
        "crm_case_merge_log_line_activity_rel",
        string="Moved Activities",
    )
    follower_partner_ids = fields.Many2many(
        "res.partner",
        "crm_case_merge_log_line_partner_rel",
        string="Followers Added",
        help="The followers the target gained from this case.",
    )
    watcher_emails = fields.Char(
        string="Watchers Added", help="The watchers the target gained from this case."
    )

    @api.depends("case_ref", "case_name")
    def _compute_case_label(self):
        for line in self:
            line.case_label = f"[{line.case_ref}] {line.case_name or ''}".strip()

    def _apply_merge(self, case, target):
        """Move what the line records from ``case`` to ``target``, cancel
        the case, and note it on both sides."""
        self.ensure_one()
        # The record name is the document's name shown with a message (in the
        # inbox, in its notifications): the target's from now on.
        self.message_ids.sudo().write(
            {"res_id": target.id, "record_name": target.display_name}
        )
        self.attachment_ids.sudo().write({"res_id": target.id})
        self.activity_ids.sudo().write({"res_id": target.id})
        target._merge_add_followers_and_watchers(
            self.follower_partner_ids, self.watcher_emails
        )
        case.write({"state": "cancel", "merged_into_id": target.id})
        target._message_log(body=case._merge_target_note())
        case._message_log(
            body=_(
                "Merged into %(target)s.",
                target=target._get_html_link(title=target._merge_label()),
            )
        )

    def _apply_undo(self, case, target):
        """Move back from ``target`` to ``case`` what the merge moved; what
        reached the target since stays there."""
        self.ensure_one()
        # sudo: the line's messages are read whatever the user may see.
        line = self.sudo()
        line.message_ids.filtered(lambda m: m.model == "crm.case").write(
            {"res_id": case.id, "record_name": case.display_name}
        )
        line.attachment_ids.filtered(lambda a: a.res_model == "crm.case").write(
            {"res_id": case.id}
        )
        # The activities still planned; those done since are gone.
        line.activity_ids.filtered(lambda a: a.res_model == "crm.case").write(
            {"res_id": case.id}
        )
        target._merge_remove_followers_and_watchers(
            line.follower_partner_ids.with_env(self.env), line.watcher_emails
        )
        case.write({"state": self.previous_state, "merged_into_id": False})
        case._message_log(
            body=_(
                "Merge into %(target)s undone: the case is back in its state.",
                target=target._get_html_link(title=target._merge_label()),
            )
        )
