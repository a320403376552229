"""The strict number grammar of luxcheck.numbers, which every reader and the campaign import use.

Source: the rule "numbers are ASCII decimal and nothing else, in every file the project reads"
(``4_50``, full-width ``４５０`` and Arabic-Indic ``٤٥٠`` were stored as 450 through Python's
``float()``/``int()``). Properties: the parser accepts exactly the strings of an independent
reference grammar, agrees with ``float()`` on them, and its vectorised form agrees with it.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luxcheck.numbers import (
    NumberSyntaxError,
    column_floats,
    column_naturals,
    is_integer,
    is_number,
    number_mask,
    to_float,
    to_int,
)

# The reference: the grammar written out with explicit ASCII classes, independent of the
# implementation's pattern.
_DIGITS = "[0123456789]+"
REFERENCE = re.compile(
    rf"[+\-]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][+\-]?{_DIGITS})?"
)
REFERENCE_INT = re.compile(rf"[+\-]?{_DIGITS}")

#: Characters a number could be confused with: digits of other scripts, look-alikes, blanks.
_TRICKY = "0123456789+-.eE _,xX\t\n\r\x0b\x0c\u00a0\u3000４５０٤٥٠۴५০๔①²½∞NnAaIiFf"
tricky_text = st.text(alphabet=st.sampled_from(_TRICKY), max_size=12)
any_text = st.text(max_size=12)  # the whole of Unicode
grammar_text = st.from_regex(REFERENCE, fullmatch=True)


@settings(max_examples=400)
@given(text=st.one_of(grammar_text, tricky_text, any_text))
def test_accepts_exactly_the_ascii_grammar(text: str) -> None:
    """Property: is_number is the reference grammar, for any string whatever."""
    assert is_number(text) == (REFERENCE.fullmatch(text) is not None)
    assert is_integer(text) == (REFERENCE_INT.fullmatch(text) is not None)


@settings(max_examples=400)
@given(
    text=st.one_of(grammar_text, tricky_text, any_text),
    blanks=st.sampled_from(["", " ", "\t "]),
)
def test_to_float_is_float_on_the_grammar_and_refuses_the_rest(text: str, blanks: str) -> None:
    """Property: on an accepted string to_float is float(); every other string is refused
    (ASCII blanks around the number are allowed, nothing else)."""
    cell = blanks + text + blanks
    core = cell.strip(" \t")
    if REFERENCE.fullmatch(core) and math.isfinite(float(core)):
        assert to_float(cell) == float(core)
        assert math.copysign(1.0, to_float(cell)) == math.copysign(1.0, float(core))
    else:
        with pytest.raises(NumberSyntaxError):
            to_float(cell)
    if REFERENCE_INT.fullmatch(core):
        assert to_int(cell) == int(core)
    else:
        with pytest.raises(NumberSyntaxError):
            to_int(cell)


@pytest.mark.parametrize("text", ["4_50", "４５０", "٤٥٠", "450.0.0", "0x1c2", "½", "²", " "])
def test_what_python_or_people_accept_is_refused(text: str) -> None:
    with pytest.raises(NumberSyntaxError) as info:
        to_float(text)
    assert not info.value.non_finite
    assert info.value.expected == "a number"


@pytest.mark.parametrize("text", ["nan", "NaN", "-inf", "+Infinity", "1e999", "-1e400"])
def test_non_finite_refused_as_such(text: str) -> None:
    with pytest.raises(NumberSyntaxError) as info:
        to_float(text)
    assert info.value.non_finite
    assert info.value.expected == "a finite number"


@settings(max_examples=300)
@given(cells=st.lists(st.one_of(grammar_text, tricky_text, any_text), min_size=1, max_size=30))
def test_vectorised_form_agrees_with_to_float(cells: list[str]) -> None:
    """Property: number_mask and column_floats give to_float's verdict and value per cell, on
    Unicode (``U``) arrays and on UTF-8 bytes (``S``, as pandas hands raw cells over)."""
    cells = [c for c in cells if "\x00" not in c] or ["1"]
    expected: list[float | None] = []
    for c in cells:
        try:
            expected.append(to_float(c))
        except NumberSyntaxError:
            expected.append(None)
    for array in (np.array(cells, dtype=np.str_), np.array([c.encode() for c in cells])):
        syntax = number_mask(array)
        values, ok = column_floats(array)
        rows = zip(cells, expected, syntax, values.tolist(), ok.tolist(), strict=True)
        for c, e, s, v, o in rows:
            assert o == (e is not None), c
            if e is not None:
                assert s
                assert v == e and math.copysign(1.0, v) == math.copysign(1.0, e), c
            else:
                assert math.isnan(v)


@settings(max_examples=200)
@given(cells=st.lists(st.one_of(st.integers(0, 10**17).map(str), tricky_text), min_size=1))
def test_column_naturals_is_str_of_int(cells: list[str]) -> None:
    """Property: a sample index cell passes exactly when it is ``str(i)`` of a natural i."""
    cells = [c for c in cells if "\x00" not in c] or ["0"]
    values, ok = column_naturals(np.array([c.encode() for c in cells]))
    for c, v, o in zip(cells, values.tolist(), ok.tolist(), strict=True):
        canonical = c.isascii() and c.isdigit() and str(int(c)) == c
        assert o == canonical, c
        if o:
            assert v == int(c)
