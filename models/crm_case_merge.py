"""A case merged into another: cancelled, pointing to the case that goes on
(the target), which took its messages, attachments, activities, followers
and watchers.

The merge itself and its undo are recorded by ``crm.case.merge.log``.
"""

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, email_split

# A chain of merges longer than this is a loop (it cannot be built through
# the merge, which refuses merged cases): stop following it.
MAX_MERGE_CHAIN = 32


class CrmCase(models.Model):
    _inherit = "crm.case"

    merged_into_id = fields.Many2one(
        "crm.case",
        string="Merged Into",
        readonly=True,
        index="btree_not_null",
        copy=False,
        ondelete="set null",
        help="The case this one was merged into: its mails and portal link lead "
        "there.",
    )
    merge_log_ids = fields.One2many(
        "crm.case.merge.log", "target_id", string="Merges", readonly=True
    )
    merge_undoable = fields.Boolean(
        compute="_compute_merge_undoable",
        help="Other cases were merged into this one and may be given back.",
    )

    @api.depends("merge_log_ids.undone")
    def _compute_merge_undoable(self):
        for case in self:
            case.merge_undoable = any(not log.undone for log in case.merge_log_ids)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_merge(self):
        """Open the merge wizard on this case; the others are chosen there."""
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": _("Merge Cases"),
            "res_model": "crm.case.merge",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "crm.case", "active_ids": self.ids},
        }

    def action_undo_merge(self):
        """Undo the latest merge into this case that is not undone yet."""
        self.ensure_one()
        self.check_access("write")
        merges = self.merge_log_ids.filtered(lambda log: not log.undone)
        if not merges:
            raise UserError(
                _(
                    "No merge into %(case)s is left to undo.",
                    case=self._merge_label(),
                )
            )
        return merges.sorted("id")[-1].action_undo()

    # ------------------------------------------------------------
    # Helpers of the merge
    # ------------------------------------------------------------

    def _merge_label(self):
        self.ensure_one()
        return f"[{self.id}] {self.name}"

    def _get_merge_target(self):
        """The live case a merged case leads to, following merges of merges;
        the case itself when it is not merged."""
        self.ensure_one()
        # sudo: the chain is followed whatever the reader may see; callers
        # check their own rights on the case found.
        case = self.sudo()
        for _step in range(MAX_MERGE_CHAIN):
            if not case.merged_into_id:
                break
            case = case.merged_into_id
        return case.with_env(self.env)

    def _check_merge_write_access(self):
        """Refuse, by a clear message, a merge or undo on cases the user may
        not change."""
        denied = self.filtered(lambda case: not case.has_access("write"))
        if denied:
            raise UserError(
                _(
                    "You may not change the case [%(case_id)s]: only a user who "
                    "may change every case can merge them or undo their merge.",
                    case_id=denied[0].id,
                )
            )

    def _merge_watcher_emails(self):
        """The addresses that follow the case by mail: its watchers and the
        partner email of its requester."""
        self.ensure_one()
        return email_split(self.email_cc or "") + email_split(self.email_from or "")

    def _merge_add_followers_and_watchers(self, partners, watcher_emails):
        self.ensure_one()
        if partners:
            self.message_subscribe(partner_ids=partners.ids)
        if watcher_emails:
            self.email_cc = ", ".join(filter(None, (self.email_cc, watcher_emails)))

    def _merge_remove_followers_and_watchers(self, partners, watcher_emails):
        self.ensure_one()
        if partners:
            self.message_unsubscribe(partner_ids=partners.ids)
        removed = {email_normalize(address) for address in email_split(watcher_emails)}
        if removed:
            kept = [
                address
                for address in email_split(self.email_cc or "")
                if email_normalize(address) not in removed
            ]
            self.email_cc = ", ".join(kept) or False

    def _merge_target_note(self):
        """The note of the target's history about a case merged into it: its
        reference, a link, and its details."""
        self.ensure_one()
        link = self._get_html_link(title=self._merge_label())
        if not self.description:
            return _("%(case)s was merged into this case (no details).", case=link)
        header = _("%(case)s was merged into this case. Its details:", case=link)
        return Markup("<p>%s</p>%s") % (header, self.description)

    # ------------------------------------------------------------
    # A merged case stays as it is
    # ------------------------------------------------------------

    def _check_transition(self, target_state):
        merged = self.filtered("merged_into_id")
        if merged:
            raise UserError(
                _(
                    "The case %(case)s is merged into %(target)s: undo the merge "
                    "to change its state.",
                    case=merged[0]._merge_label(),
                    target=merged[0].merged_into_id._merge_label(),
                )
            )
        return super()._check_transition(target_state)

    def _gateway_apply_partner_reply(self):
        # A customer who still sees only the merged case may answer it there:
        # the answer is kept; the case is not reopened behind the target.
        if self.merged_into_id:
            return None
        return super()._gateway_apply_partner_reply()
