"""Run the shipped mailgate as the MTA does: a separate process, a mail on its
standard input, against the test server."""

import os
import subprocess
import sys

from odoo.tests import HttpCase

from .common import internal_user
from .gateway_common import CrmCaseGatewayCommon

MAILGATE = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "mailgate",
    "crm_case_mailgate.py",
)
PASSWORD_VARIABLE = "CRM_CASE_MAILGATE_PASSWORD"
EX_OK = 0
EX_USAGE = 64
EX_DATAERR = 65
EX_TEMPFAIL = 75


class CrmCaseMailgateCommon(HttpCase, CrmCaseGatewayCommon):
    """The test server, its sections with addresses, and the mailgate's user:
    a user of the cases, the lowest rights that should work."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mailgate_user = internal_user(
            cls.env, "mailgate", "crm_case.group_crm_case_user"
        )
        cls.mailgate_password = "mailgate"

    def _mailgate(self, raw, *args, password=None, url=None):
        """Run the mailgate; return (exit status, the one line it printed).

        The password goes through the environment, as an MTA can pass it;
        an empty ``password`` leaves it out.
        """
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        options = [
            "--url",
            url or self.base_url(),
            "--database",
            self.env.cr.dbname,
            "--user",
            self.mailgate_user.login,
            *args,
        ]
        env = dict(os.environ)
        env.pop(PASSWORD_VARIABLE, None)
        if password is None:
            password = self.mailgate_password
        if password:
            env[PASSWORD_VARIABLE] = password
        result = subprocess.run(
            [sys.executable, MAILGATE, *options],
            input=raw,
            capture_output=True,
            env=env,
            timeout=120,
        )
        output = (result.stdout + result.stderr).decode()
        self.assertEqual(
            len(output.splitlines()), 1, f"one line expected, got {output!r}"
        )
        # Success speaks on standard output, anything else on standard error.
        self.assertEqual(bool(result.stdout), result.returncode == EX_OK)
        self.assertTrue(output.startswith("crm-case-mailgate: "), output)
        return result.returncode, output.strip()
