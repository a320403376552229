"""What a line of a session may hold besides the words of its language (ids, ports, units,
option names): shared by the tests that hold a session to one language (issue 19)."""

from __future__ import annotations

import re

from luxcheck.acquire.session import classroom_steps
from tests.support.builders import make_classroom

#: Units, option names, command letters and names that are no word of a language.
ALLOWED_WORDS = frozenset(
    {
        # units (lx, m, W, cd/m², Hz, nm, V, °C, min) and the time zone of a hold
        "lx", "m", "W", "cd", "Hz", "nm", "V", "C", "min", "UTC",
        # the prompts' one-letter commands (Enter/r u s q) and plan coordinates (x=…, y=…)
        "r", "u", "s", "q", "x", "y",
        # the meter's mode as its panel says it; the example port names of the advice
        "PC", "COM", "dev", "ttyUSB",
        # the program's name
        "luxcheck",
    }
)  # fmt: skip
#: Option names and commands, removed whole before the words are checked.
ALLOWED_PHRASES = (
    "--resume",
    "--take-over",
    "--retest-reason",
    "--auto",
    "--script",
    "--verbose",
    "'luxcheck session list'",
    # the inspector's own wrong answers, echoed as typed
    "'abc'",
    "'inf'",
    "'x'",
)
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def foreign_words(line: str, ports: tuple[str, ...]) -> list[str]:
    """The Latin-letter words of ``line`` that are no id, port, unit, option or command of
    the lists above (the ids of the classroom R101 of
    :func:`tests.support.builders.make_classroom`); ``ports`` are removed whole first."""
    for allowed in (*ports, *ALLOWED_PHRASES):
        line = line.replace(allowed, " ")
    line = re.sub(r"\bR101[-.\w…]*", " ", line)  # the classroom's, sessions' and readings' ids
    line = re.sub(r"\b[DB]\d+-\d+\b", " ", line)  # the plan's point labels (D1-1, B2-3)
    keys = {s.key for s in classroom_steps(make_classroom())}
    line = re.sub(r"[a-z]+-[A-Za-z0-9-]+", lambda m: " " if m.group() in keys else m.group(), line)
    return [w for w in re.findall(r"[A-Za-z]+", line) if w not in ALLOWED_WORDS]
