import io
import os

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import trans_export


@tagged("crm_case")
class TestCrmCaseI18n(TransactionCase):
    def test_pot_file_is_current(self):
        """Every translatable term of the module is in i18n/crm_case.pot."""
        buffer = io.BytesIO()
        trans_export(False, ["crm_case"], buffer, "po", self.env.cr)
        exported = {entry.msgid for entry in polib.pofile(buffer.getvalue().decode())}
        pot_path = os.path.join(
            os.path.dirname(os.path.dirname(__file__)), "i18n", "crm_case.pot"
        )
        shipped = {entry.msgid for entry in polib.pofile(pot_path)}
        missing = sorted(exported - shipped)
        self.assertFalse(
            missing,
            f"{len(missing)} terms are missing from i18n/crm_case.pot "
            f"(run make pot): {missing[:10]}",
        )
