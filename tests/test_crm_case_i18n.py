import io
import os
import re

import polib
from babel.messages.extract import extract

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.translate import trans_export

I18N_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")
# What a translation must keep: named and positional placeholders, inline
# templates, HTML tags, attribute names and CSS classes.
PLACEHOLDER = re.compile(
    r"%\(\w+\)[sdf]|%[sdf%]|\{\{.*?\}\}|</?[A-Za-z][\w-]*"
    r"|\sclass=\"[^\"]*\"|\s[\w-]+(?==\")"
)


def placeholders(text):
    return sorted(match.strip() for match in PLACEHOLDER.findall(text))


@tagged("crm_case")
class TestCrmCaseI18n(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pot = polib.pofile(os.path.join(I18N_DIR, "crm_case.pot"))
        cls.french = polib.pofile(os.path.join(I18N_DIR, "fr.po"))

    def test_pot_file_is_current(self):
        """Every translatable term of the module is in i18n/crm_case.pot."""
        buffer = io.BytesIO()
        trans_export(False, ["crm_case"], buffer, "po", self.env.cr)
        exported = {entry.msgid for entry in polib.pofile(buffer.getvalue().decode())}
        shipped = {entry.msgid for entry in self.pot}
        missing = sorted(exported - shipped)
        self.assertFalse(
            missing,
            f"{len(missing)} terms are missing from i18n/crm_case.pot "
            f"(run make pot): {missing[:10]}",
        )

    # ------------------------------------------------------------
    # French
    # ------------------------------------------------------------

    def test_every_python_file_yields_its_terms(self):
        """Odoo extracts code terms with Babel, which gives up on a file at the
        first argument it cannot read: that file's later terms would silently
        miss the pot, so every file must extract to its end."""
        module_dir = os.path.dirname(os.path.dirname(__file__))
        for folder, dirs, files in os.walk(module_dir):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in (n for n in files if n.endswith(".py")):
                path = os.path.join(folder, name)
                with open(path, "rb") as source, self.subTest(path=path):
                    list(
                        extract(
                            "python",
                            source,
                            keywords={"_": None, "_lt": None},
                            options={"encoding": "UTF-8"},
                        )
                    )

    def test_french_translates_every_term(self):
        translated = {
            entry.msgid
            for entry in self.french
            if entry.msgstr and "fuzzy" not in entry.flags and not entry.obsolete
        }
        untranslated = [
            entry.msgid for entry in self.pot if entry.msgid not in translated
        ]
        self.assertFalse(
            untranslated,
            f"{len(untranslated)} terms are untranslated in i18n/fr.po "
            f"(make untranslated lists them): {untranslated[:10]}",
        )

    def test_french_header(self):
        self.assertEqual(self.french.metadata["Language"], "fr")
        self.assertEqual(
            self.french.metadata["Plural-Forms"], "nplurals=2; plural=n > 1;"
        )
        self.assertIn("charset=UTF-8", self.french.metadata["Content-Type"])

    def test_french_keeps_placeholders(self):
        changed = [
            (entry.msgid, entry.msgstr)
            for entry in self.french
            if entry.msgstr and placeholders(entry.msgid) != placeholders(entry.msgstr)
        ]
        self.assertFalse(changed, f"placeholders differ: {changed[:5]}")

    def test_placeholder_check_sees_a_lost_placeholder(self):
        """The check above fails on the mistakes it is there for."""
        self.assertNotEqual(
            placeholders("All %(name)s"), placeholders("Tous les %(nom)s")
        )
        self.assertNotEqual(
            placeholders('<i class="fa fa-clock-o" title="Deadline"/>'),
            placeholders('<i class="fa fa-horloge" title="Date limite"/>'),
        )
        self.assertEqual(
            placeholders('<i class="fa fa-clock-o" title="Deadline"/>'),
            placeholders('<i class="fa fa-clock-o" title="Date limite"/>'),
        )
        self.assertNotEqual(placeholders("50 %%"), placeholders("50 %"))

    def _load_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["crm_case"], ["fr_FR"], overwrite=True
        )
        return self.env(context=dict(self.env.context, lang="fr_FR"))

    def test_french_menus(self):
        env = self._load_french()
        self.assertEqual(env.ref("crm_case.crm_case_menu_cases").name, "Cas")
        self.assertEqual(env.ref("crm_case.crm_case_menu_root").name, "CRM & SRM")
        menus = env["ir.ui.menu"].search(
            [("id", "child_of", env.ref("crm_case.crm_case_menu_root").id)]
        )
        names = set(menus.mapped("name"))
        self.assertLessEqual(
            {"Tous les cas", "Cas par section", "Mes cas", "Sections", "Règles"},
            names,
        )
        self.assertNotIn("All Cases", names)
        self.assertEqual(
            env.ref("crm_case.crm_case_menu_cases").with_context(lang="en_US").name,
            "Cases",
        )

    def test_french_field_labels_and_states(self):
        env = self._load_french()
        fields_by_name = {
            field.name: field.field_description
            for field in env["ir.model.fields"].search([("model", "=", "crm.case")])
        }
        self.assertEqual(fields_by_name["state"], "Statut")
        self.assertEqual(fields_by_name["partner_id"], "Partenaire")
        self.assertEqual(fields_by_name["user_id"], "Utilisateur responsable")
        self.assertEqual(fields_by_name["email_cc"], "Observateurs")
        self.assertEqual(env["ir.model"]._get("crm.case").name, "Cas")
        states = dict(env["crm.case"]._fields["state"]._description_selection(env))
        self.assertEqual(
            states,
            {
                "draft": "Brouillon",
                "open": "Ouvert",
                "pending": "En attente",
                "done": "Fermé",
                "cancel": "Annulé",
            },
        )
        description = env["crm.case"].fields_get(["priority"])["priority"]
        self.assertIn(
            ["5", "Très basse"], [list(pair) for pair in description["selection"]]
        )

    def test_french_views(self):
        env = self._load_french()
        arch = env["crm.case"].get_views([(False, "form")])["views"]["form"]["arch"]
        for label in ("Historiser", "Envoyer au partenaire et historiser", "Escalader"):
            self.assertIn(f'string="{label}"', arch)
        self.assertNotIn('string="Historize"', arch)

    def test_french_note_when_nobody_can_take_a_case(self):
        env = self._load_french()
        section = env["crm.case.section"].create(
            {"name": "Niveau 3", "assign_method": "balanced"}
        )
        case = env["crm.case"].create({"name": "Scanner", "section_id": section.id})
        self.assertFalse(case.user_id)
        self.assertIn(
            "Personne dans la section Niveau 3",
            "".join(case.message_ids.mapped("body")),
        )

    def test_french_user_gets_french_errors(self):
        self._load_french()
        french_user = new_test_user(
            self.env,
            login="case_user_fr",
            groups="base.group_user,crm_case.group_crm_case_user",
            lang="fr_FR",
        )
        section = self.env["crm.case.section"].create({"name": "Niveau 2"})
        case = self.env["crm.case"].create(
            {"name": "Imprimante", "section_id": section.id}
        )
        case.action_open()
        case.action_close()
        # The web client calls with the user's context, whose lang is theirs.
        env = self.env(
            user=french_user,
            context=french_user.with_user(french_user).context_get(),
        )
        french_case = case.with_env(env)
        with self.assertRaisesRegex(
            UserError,
            r"^Le cas Imprimante ne peut pas passer à l'état Ouvert car il est à "
            r"l'état Fermé\.$",
        ):
            french_case.action_open()
        with self.assertRaisesRegex(
            UserError,
            r"^Le cas Imprimante ne peut pas être escaladé car il est fermé ou "
            r"annulé\.$",
        ):
            french_case.action_escalate()
        with self.assertRaisesRegex(
            UserError, r"cannot be set to Open because it is Closed"
        ):
            case.with_user(french_user).with_context(lang="en_US").action_open()
