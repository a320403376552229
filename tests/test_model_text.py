"""Free text of the model's records (:func:`luxcheck.model.check_text`).

Source: property of the logic, the rule check_text states: text holds no control character
below U+0020 other than tab and newline (notes, names and labels are printed on reports).
"""

from __future__ import annotations

import pytest

from luxcheck.errors import InputError
from luxcheck.model import check_text


@pytest.mark.parametrize("code", range(0x20))
def test_control_characters_refused_but_tab_and_newline(code: int) -> None:
    """Each character below U+0020 inside a note: refused, except tab and newline."""
    text = f"note{chr(code)}end"
    if chr(code) in "\t\n":
        assert check_text(text, "note") == text
    else:
        with pytest.raises(InputError, match="control characters"):
            check_text(text, "note")


def test_other_text_kept_as_written() -> None:
    """Empty text, spaces, CJK, DEL and a line separator are no control characters below
    U+0020: kept as written."""
    for text in ("", " ", "演示数据", "a\x7fb", "x\u2028y"):
        assert check_text(text, "note") == text
