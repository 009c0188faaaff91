"""Refuse the regular expressions that can backtrack for minutes.

A rule's regex runs on text that customers write; a pattern with a
repetition inside a repetition can take minutes on a crafted text, so such
patterns are refused when the rule is saved."""

try:  # Python 3.11 and later
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants
    import sre_parse

REGEX_REPEATS = {
    getattr(sre_constants, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(sre_constants, name)
}


def _regex_children(op, av):
    if op in REPEATS_AND_GROUPS:
        return [av[-1]]
    if op is sre_constants.BRANCH:
        return av[1]
    if op is sre_constants.GROUPREF_EXISTS:
        return [branch for branch in av[1:] if branch]
    if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return [av[1]]
    return []


REPEATS_AND_GROUPS = REGEX_REPEATS | {
    getattr(sre_constants, name)
    for name in ("SUBPATTERN", "ATOMIC_GROUP")
    if hasattr(sre_constants, name)
}


def _branches_start_apart(branches):
    """Alternatives that each start with a different literal character."""
    starts = []
    for branch in branches:
        if not len(branch) or branch[0][0] is not sre_constants.LITERAL:
            return False
        starts.append(branch[0][1])
    return len(set(starts)) == len(starts)


def _is_backtracking_trap(subpattern, outer=None):
    """Whether a parsed regex repeats something that can itself match the same
    text in many ways: a repetition inside a repetition, one of them
    unbounded (``(a+)+``, ``(.*a){20}``), or overlapping alternatives under
    an unbounded repetition (``(a|aa)+``). Such patterns backtrack for
    minutes on a long text that almost matches.

    :param outer: the (min, max, subpattern) of the enclosing repetition
    """
    for op, av in subpattern:
        if op in REGEX_REPEATS and av[1] > 1:
            if outer and sre_constants.MAXREPEAT in (outer[1], av[1]):
                return True
            if _is_backtracking_trap(av[2], av):
                return True
            continue
        if (
            op is sre_constants.BRANCH
            and outer
            and outer[1] == sre_constants.MAXREPEAT
            and not _branches_start_apart(av[1])
        ):
            return True
        for child in _regex_children(op, av):
            if _is_backtracking_trap(child, outer):
                return True
    return False


def regex_is_backtracking_trap(pattern):
    return _is_backtracking_trap(sre_parse.parse(pattern))
