"""Stop the work on one mail when it takes longer than its budget."""

import signal
import threading
from contextlib import contextmanager


class TimeBudgetExceeded(BaseException):
    """The work on a mail took longer than its time budget.

    A BaseException, as KeyboardInterrupt is: Odoo's parser catches every
    Exception of its HTML cleaning and would go on with the next part."""


@contextmanager
def time_budget(seconds):
    """Raise TimeBudgetExceeded in the block once ``seconds`` have passed.

    A timer signal can only interrupt the main thread: that is where prefork
    and cron workers, and the fetch run by ``odoo-bin``, parse mails. In the
    threads of the threaded server the budget is not enforced here; the
    attempts counted outside the mail's transaction keep a mail that stops
    its process from being parsed again and again.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise TimeBudgetExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
