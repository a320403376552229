"""The report templates' Jinja2 environment reads a view's dict as Jinja2 itself does.

Source: a property of the logic — :class:`jinja2.Environment.getattr` is the reference; the
report environment's fast path for dict keys must give the same value, or an undefined, for every
dict and every name (a key, a dict method's name, a missing name).
"""

from __future__ import annotations

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from luxcheck.report.templates import environment

_NAMES = st.one_of(
    st.sampled_from(["items", "keys", "get", "values", "__class__", "__len__", "copy", "name"]),
    st.text(min_size=1, max_size=8),
)


@given(
    st.dictionaries(_NAMES, st.one_of(st.integers(), st.text(max_size=4)), max_size=6),
    _NAMES,
)
def test_dict_attribute_as_jinja_reads_it(view: dict[str, object], name: str) -> None:
    """Property: for any dict and name, ``view.name`` in a report template is what Jinja2's own
    environment gives (the dict's method for a method's name, else the key's value, else an
    undefined that fails when printed, as StrictUndefined does)."""
    ours = environment("zh")
    reference = jinja2.Environment(undefined=jinja2.StrictUndefined)
    got, expected = ours.getattr(view, name), reference.getattr(view, name)
    if isinstance(expected, jinja2.Undefined):
        assert isinstance(got, jinja2.StrictUndefined)
    else:
        assert got == expected


def test_template_reads_keys_and_methods() -> None:
    """Analytic case: a template printing a key, a method's result and a missing key."""
    env = environment("en")
    template = env.from_string("{{ row.name }}|{{ row.items() | list | length }}")
    assert template.render(row={"name": "S001-101", "b": 2}) == "S001-101|2"
    missing = env.from_string("{{ row.absent }}")
    with pytest.raises(jinja2.UndefinedError, match="absent"):
        missing.render(row={"name": "x"})
