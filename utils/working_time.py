"""Working time over Odoo's working calendars (``resource.calendar``).

Every datetime taken and returned is naive UTC, as Odoo stores them. The
working intervals come from the calendar itself (``_work_intervals_batch``):
its attendances in its own time zone, minus its leaves and the public
holidays (global leaves without a resource), so that daylight-saving changes
and holidays are the ``resource`` engine's business, not ours. An empty
calendar (or None) means around the clock.

Pauses are ``(start, end)`` pairs, ``end`` None while the pause still runs
(until the end of time): the time they cover is not counted.

The batch functions ask the calendar for its working intervals once for the
whole span of the batch, growing the window until every item is placed, and
walk the intervals per item in Python.
"""

from bisect import bisect_right
from datetime import datetime, timedelta

from pytz import timezone, utc

# Hours of a working day when there is no calendar (around the clock).
HOURS_PER_DAY_AROUND_THE_CLOCK = 24.0
# The first window asked from the calendar spans this many calendar hours per
# working hour (a 40 h week has 4.2), plus a margin; it then doubles.
WINDOW_HOURS_PER_WORKING_HOUR = 5
WINDOW_MARGIN = timedelta(days=7)
# A calendar with no working time in a window this long never has any: the
# deadlines it would give are reported as never (None).
LONGEST_IDLE_WINDOW = timedelta(days=800)


def _to_naive_utc(value):
    return value.astimezone(utc).replace(tzinfo=None)


def _fetch_work_intervals(calendar, start, end):
    """The working intervals of ``calendar`` in [start, end), sorted and naive
    UTC; the whole span when there is no calendar."""
    if start >= end:
        return []
    if not calendar:
        return [(start, end)]
    calendar.ensure_one()
    intervals = calendar._work_intervals_batch(
        utc.localize(start), utc.localize(end), tz=timezone(calendar.tz or "UTC")
    )[False]
    pieces = [
        (_to_naive_utc(begin), _to_naive_utc(stop)) for begin, stop, _x in intervals
    ]
    return sorted(piece for piece in pieces if piece[0] < piece[1])


def _normalize_pauses(pauses):
    """Sorted (start, end) pairs, a running pause ending at datetime.max."""
    return sorted((begin, stop or datetime.max) for begin, stop in pauses or ())


def _without_pauses(begin, stop, pauses):
    """The parts of [begin, stop) that no pause covers, in order."""
    for pause_start, pause_end in pauses:
        if pause_end <= begin:
            continue
        if pause_start >= stop:
            break
        if pause_start > begin:
            yield begin, pause_start
        begin = max(begin, pause_end)
        if begin >= stop:
            return
    if begin < stop:
        yield begin, stop


class _Timeline:
    """The working intervals of one calendar over a window that grows."""

    def __init__(self, calendar, start, end):
        self.calendar = calendar
        self.start = start
        self.end = start
        self.intervals = []
        self.extend(end)

    def extend(self, end):
        """Fetch the working intervals up to ``end``.

        :return: True when the new part of the window holds working time
        """
        new = _fetch_work_intervals(self.calendar, self.end, end)
        self.intervals.extend(new)
        self.end = max(self.end, end)
        self._ends = [stop for _begin, stop in self.intervals]
        return bool(new)

    def pieces_from(self, start, pauses):
        """The working pieces after ``start`` in the window, pauses removed."""
        for begin, stop in self.intervals[bisect_right(self._ends, start) :]:
            yield from _without_pauses(max(begin, start), stop, pauses)

    def place(self, start, hours, pauses):
        """The instant ``hours`` working hours after ``start``.

        :return: (found, instant); (True, None) when a running pause stops the
            clock before the end, (False, None) when the window is too short
        """
        remaining = timedelta(hours=hours)
        if remaining <= timedelta(0):
            return True, start
        for begin, stop in self.pieces_from(start, pauses):
            if stop - begin >= remaining:
                return True, begin + remaining
            remaining -= stop - begin
        running = [begin for begin, stop in pauses if stop == datetime.max]
        if running and self.end >= max(min(running), start):
            return True, None
        return False, None


def add_working_hours_batch(calendar, items):
    """The instants when each item's working hours have elapsed.

    :param calendar: a ``resource.calendar`` record, or empty/None: around
        the clock
    :param items: iterable of (key, start, hours, pauses)
    :return: {key: naive UTC instant, or None when it never comes: a running
        pause, or a calendar without working time}
    """
    todo = [
        (key, start, hours, _normalize_pauses(pauses))
        for key, start, hours, pauses in items
    ]
    if not todo:
        return {}
    window_start = min(start for _key, start, _hours, _pauses in todo)
    window_end = max(
        start + timedelta(hours=max(hours, 0) * WINDOW_HOURS_PER_WORKING_HOUR)
        for _key, start, hours, _pauses in todo
    )
    timeline = _Timeline(calendar, window_start, window_end + WINDOW_MARGIN)
    result = {}
    growth = timeline.end - window_start
    idle = timedelta(0)
    while todo:
        waiting = []
        for key, start, hours, pauses in todo:
            found, instant = timeline.place(start, hours, pauses)
            if found:
                result[key] = instant
            else:
                waiting.append((key, start, hours, pauses))
        todo = waiting
        if not todo:
            break
        if idle >= LONGEST_IDLE_WINDOW:
            result.update(dict.fromkeys((item[0] for item in todo), None))
            break
        growth *= 2
        if timeline.extend(timeline.end + growth):
            idle = timedelta(0)
        else:
            idle += growth
    return result


def add_working_hours(calendar, start, hours, pauses=()):
    """The naive UTC instant ``hours`` working hours after ``start``, or None
    when it never comes (see :func:`add_working_hours_batch`)."""
    return add_working_hours_batch(calendar, [(None, start, hours, pauses)])[None]


def working_hours_between_batch(calendar, items):
    """The working hours of each item's span, pauses excluded.

    :param items: iterable of (key, start, end, pauses)
    :return: {key: float hours}, 0 when end is not after start
    """
    items = [
        (key, start, end, _normalize_pauses(pauses))
        for key, start, end, pauses in items
    ]
    spans = [(start, end) for _key, start, end, _pauses in items if end > start]
    if not spans:
        return {item[0]: 0.0 for item in items}
    timeline = _Timeline(
        calendar, min(span[0] for span in spans), max(span[1] for span in spans)
    )
    result = {}
    for key, start, end, pauses in items:
        total = timedelta(0)
        for begin, stop in timeline.pieces_from(start, pauses):
            if begin >= end:
                break
            total += min(stop, end) - begin
        result[key] = total.total_seconds() / 3600
    return result


def working_hours_between(calendar, start, end, pauses=()):
    """The working hours in [start, end], pauses excluded."""
    return working_hours_between_batch(calendar, [(None, start, end, pauses)])[None]


def hours_per_working_day(calendar):
    """The working hours of one working day: the calendar's average hours per
    day (``hours_per_day``), 24 around the clock.

    A working day is thus a quantity of working time, not a count of calendar
    dates: "2 working days" from Monday 15:00 on an 8 h calendar ends on
    Wednesday 15:00, and a half-day of leave takes half a working day away.
    """
    if not calendar:
        return HOURS_PER_DAY_AROUND_THE_CLOCK
    return calendar.hours_per_day


def add_working_days_batch(calendar, items):
    """:func:`add_working_hours_batch` with days of
    :func:`hours_per_working_day` hours; a calendar without hours per day
    never reaches any deadline (None).

    :param items: iterable of (key, start, days, pauses)
    """
    per_day = hours_per_working_day(calendar)
    items = list(items)
    if per_day <= 0:
        return {item[0]: None for item in items}
    return add_working_hours_batch(
        calendar,
        [(key, start, days * per_day, pauses) for key, start, days, pauses in items],
    )


def add_working_days(calendar, start, days, pauses=()):
    """The naive UTC instant ``days`` working days after ``start``."""
    return add_working_days_batch(calendar, [(None, start, days, pauses)])[None]
