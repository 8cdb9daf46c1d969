"""The one block of defaults every command, report and library call shares.

The bundled corpus is about the Helsinki process from the Final Act (1975) to the end of the
USSR (1991); its goal set is the U.S. memo of 1987. A data directory of one's own passes its own
values (``--state``, ``--from``, ``--to``, ``--goal-set``); nothing else repeats these literals.
"""

from __future__ import annotations

#: The first and last year of a scorecard or report when none is given.
FIRST_YEAR = 1975
LAST_YEAR = 1991
#: The state of a scorecard, an explanation or a rule fixture when none is given.
STATE = "SU"
#: The goal set used when a corpus has several and none is named.
GOAL_SET = "schifter-1987"
