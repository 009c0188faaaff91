"""The history notes a time rule writes when it changes a batch of cases:
what changed, described once per distinct change."""

from markupsafe import Markup

from odoo import _, models


class CrmCaseRule(models.Model):
    _inherit = "crm.case.rule"

    def _get_change_notes(self, cases, before):
        """History notes of the fields the rule changed: {case id: html},
        without the cases it did not change.

        The cases of a batch share their new values and most of their old
        ones: each distinct change is described once and its note shared.
        """
        heading = _("Changed by the rule %(rule)s:", rule=self.name)
        notes = {}
        described = {}
        for case in cases:
            change = tuple(
                (name, old_value, case[name])
                for name, old_value in before[case.id].items()
            )
            if change not in described:
                described[change] = self._describe_change(case, change, heading)
            if described[change]:
                notes[case.id] = described[change]
        return notes

    def _describe_change(self, case, change, heading):
        """The note of one change, a tuple of (field name, old value, new
        value), or None when no value shows differently."""
        lines = []
        for name, old_value, new_value in change:
            field = case._fields[name]
            old_text = self._display_value(field, old_value, case)
            new_text = self._display_value(field, new_value, case)
            if old_text != new_text:
                lines.append(
                    _(
                        "%(field)s: %(old)s → %(new)s",
                        field=field._description_string(self.env),
                        old=old_text,
                        new=new_text,
                    )
                )
        if not lines:
            return None
        return Markup("<p>%s</p><ul>%s</ul>") % (
            heading,
            Markup("").join(Markup("<li>%s</li>") % line for line in lines),
        )

    def _display_value(self, field, value, case):
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value) or "/"
        return field.convert_to_display_name(value, case) or "/"
