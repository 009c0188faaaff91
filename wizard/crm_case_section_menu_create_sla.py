from odoo import _, models

from .crm_case_section_menu_create import UNCLOSED_TERM


class CrmCaseSectionMenuCreate(models.TransientModel):
    _inherit = "crm.case.section.menu.create"

    def _get_menu_entries(self):
        """Two more entries: the unclosed cases whose service level is at
        risk or breached ("Late" keeps its meaning: the case's own deadline)."""
        entries = super()._get_menu_entries()
        name = self._get_base_name()
        sequence = max(entry["sequence"] for entry in entries)
        for offset, (key, label, state) in enumerate(
            [
                ("sla_at_risk", _("SLA At Risk %(name)s", name=name), "at_risk"),
                ("sla_breached", _("SLA Breached %(name)s", name=name), "breached"),
            ],
            start=1,
        ):
            entries.append(
                {
                    "key": key,
                    "name": label,
                    "domain_terms": [f"('sla_state', '=', '{state}')", UNCLOSED_TERM],
                    "sequence": sequence + 10 * offset,
                }
            )
        return entries
