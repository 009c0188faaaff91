"""Pictures of the README, taken by the browser tours.

A tour step built with ``screenshot()`` (static/tests/tours/screenshot_util.js)
logs a request; the test captures the page and, when CRM_CASE_SCREENSHOT_DIR is
set (``make screenshots``), writes it into that folder.
"""

import base64
import os
from unittest.mock import patch

from odoo.tests.common import ChromeBrowser

SCREENSHOT_PREFIX = "crm_case_screenshot "
# Set to a folder (static/description) to refresh the pictures of the README.
SCREENSHOT_DIR_ENV = "CRM_CASE_SCREENSHOT_DIR"


class ScreenshotTourMixin:
    def _capture_screenshots(self):
        """Patch the browser so that the tours' screenshot requests are served."""
        shots = {}
        original = ChromeBrowser._handle_console

        def handle_console(browser, type, args=None, stackTrace=None, **kw):  # noqa: A002 pylint: disable=redefined-builtin
            message = str(browser._from_remoteobject(args[0])) if args else ""
            if type == "log" and message.startswith(SCREENSHOT_PREFIX):
                name = message[len(SCREENSHOT_PREFIX) :]
                future = browser._websocket_send(
                    "Page.captureScreenshot", with_future=True
                )
                future.add_done_callback(
                    lambda done: shots.__setitem__(
                        name, base64.b64decode(done.result()["data"])
                    )
                )
            return original(browser, type, args=args, stackTrace=stackTrace, **kw)

        return shots, patch.object(ChromeBrowser, "_handle_console", handle_console)

    def _check_screenshots(self, shots, names):
        self.assertEqual(sorted(shots), sorted(names))
        folder = os.environ.get(SCREENSHOT_DIR_ENV)
        if folder:
            # A relative folder is read from the module's root.
            module_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
            folder = os.path.join(module_root, folder)
        for name in names:
            self.assertTrue(shots[name].startswith(b"\x89PNG"))
            if folder:
                with open(os.path.join(folder, f"{name}.png"), "wb") as image:
                    image.write(shots[name])
