"""``make screenshots``: refresh the README's pictures in static/description.

Runs the browser tours that take them (the tests read CRM_CASE_SCREENSHOT_DIR)
in a fresh database, then lists each picture with its size. Run it by hand
after a change of the views; ``make test`` alone never writes into the checkout.
"""

import os
import sys

from . import odoo_setup, run_tests

TOUR_TESTS = [
    "TestCrmCaseWebClient",
    "TestCrmCaseWalkthrough",
    "TestCrmCaseWorkingTimeTour",
    "TestCrmCaseSlaTour",
    "TestCrmCaseSlaReportTour",
    "TestCrmCaseMergeTour",
    "TestCrmCaseCannedReplyTour",
    "TestCrmCaseRatingTour",
    "TestCrmCaseAssignmentTour",
]
FOLDER = os.path.join("static", "description")
# Pictures above this size make the module's page slow: say so.
MAX_BYTES = 150 * 1024


def main():
    tags = ",".join(f"/{odoo_setup.ADDON_NAME}:{name}" for name in TOUR_TESTS)
    os.environ["CRM_CASE_SCREENSHOT_DIR"] = FOLDER
    tests_status = run_tests.main([tags])
    folder = os.path.join(odoo_setup.REPO_ROOT, FOLDER)
    too_big = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".png") and name != "icon.png":
            size = os.path.getsize(os.path.join(folder, name))
            print(f"{FOLDER}/{name}: {size // 1024} KB")
            if size > MAX_BYTES:
                too_big.append(name)
    if too_big:
        print(f"over {MAX_BYTES // 1024} KB: {', '.join(too_big)}")
    return tests_status or (1 if too_big else 0)


if __name__ == "__main__":
    sys.exit(main())
