"""A base for the tests whose transactions really commit and run side by side,
as two requests, two mails or two workers do."""

import time

from odoo import api
from odoo.tests import TransactionCase


class CommittedTransactionCase(TransactionCase):
    """Each transaction of such a test is a cursor of its own that commits; the
    test removes what they committed in its clean-ups."""

    # The context of the environments on those cursors. A language spares the
    # look-up of the user's, which needs the registry the test thread holds.
    env_context = {"lang": "en_US"}

    def _env(self, cr):
        return api.Environment(cr, api.SUPERUSER_ID, dict(self.env_context))

    def _cursor(self):
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        return cr

    def _backend_pid(self, cr):
        cr.execute("SELECT pg_backend_pid()")
        return cr.fetchone()[0]

    def _waits_for_lock(self, pid, thread, locktype=None):
        """Whether the backend ``pid`` ends up waiting for a lock (of
        ``locktype`` only, when given) while ``thread`` runs."""
        deadline = time.monotonic() + 10
        with self.registry.cursor() as cr:
            while thread.is_alive() and time.monotonic() < deadline:
                cr.execute(
                    """SELECT 1 FROM pg_locks
                        WHERE pid = %s AND NOT granted
                          AND (%s IS NULL OR locktype = %s)""",
                    [pid, locktype, locktype],
                )
                if cr.fetchone():
                    return True
                cr.rollback()  # a new look at the locks
                time.sleep(0.05)
        return False
