"""Messages a person reads: a message id with parameters, translated when it is shown.

The kernels, the analysis and the compliance engine say why a metric is not measured, or how a
verdict was reached, as a :class:`Message`: ``msgid`` is the English template with named
placeholders (``"{k} of {n} points missing"``), marked with :func:`_n` where it is written so
that Babel extracts it into the gettext catalogs (``scripts/update_catalogs.py``), and the
parameters fill it. A parameter is

- a number (``int`` or ``float``), formatted by the placeholder's format spec
  (``{duv:.4f}``; none: ``str``) in every language;
- a plain ``str``: an id or a name (a reading, an observer, a luminaire, a list of them), never
  translated;
- a :class:`Word` to translate (``Word("desk")``: 课桌面 in a Chinese report);
- a :class:`MetricId`, shown as the metric's name in the reader's language;
- a nested :class:`Message`, rendered in turn.

``str(message)`` is the English rendering (logs, the CLI's English output, the CSV ``reason``
column); :meth:`Message.render` translates with a gettext function; :meth:`Message.to_json` and
:func:`from_json` are the compact serialised form kept in the campaign file. A stored text that
is not a serialised message (an old campaign) is kept as written: :func:`stored`.

This module imports nothing of luxcheck, so that the kernels may use it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Message",
    "MetricId",
    "Param",
    "Word",
    "_n",
    "from_json",
    "joined",
    "not_measured",
    "stored",
]


def _n(msgid: str) -> str:
    """Mark ``msgid`` as a message id for extraction (Babel keyword ``_n``); returns it as is."""
    return msgid


@dataclass(frozen=True)
class Word:
    """A word that stands inside a message and is translated (its text is a msgid)."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class MetricId:
    """A metric id inside a message: the id in English text, the metric's name in a report."""

    id: str

    def __str__(self) -> str:
        return self.id


#: gettext-like function: msgid → text in the reader's language.
Translate = Callable[[str], str]


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Message:
    """A message id and its parameters (name → value, see the module notes)."""

    msgid: str
    params: tuple[tuple[str, Param], ...] = ()

    def __init__(self, msgid: str, /, **params: Param) -> None:
        for name, value in params.items():
            _check(name, value)
        object.__setattr__(self, "msgid", msgid)
        object.__setattr__(self, "params", tuple(sorted(params.items())))

    def param(self, name: str) -> Param:
        """The parameter ``name`` (KeyError if the message has none of that name)."""
        return dict(self.params)[name]

    def render(self, gettext: Translate = _same, metric_name: Translate = _same) -> str:
        """The message in a language: ``gettext`` translates the msgid and the words,
        ``metric_name`` names a metric id; both default to English as written."""
        values = {name: _render(value, gettext, metric_name) for name, value in self.params}
        return gettext(self.msgid).format(**values)

    def __str__(self) -> str:
        return self.render()

    def msgids(self) -> Iterable[str]:
        """This message's id, its words and those of its nested messages."""
        yield self.msgid
        for _name, value in self.params:
            if isinstance(value, Message):
                yield from value.msgids()
            elif isinstance(value, Word):
                yield value.text

    def to_json(self) -> str:
        """The compact serialised form (see :func:`from_json`)."""
        return json.dumps(self._encode(), ensure_ascii=False, separators=(",", ":"))

    def _encode(self) -> dict[str, Any]:
        out: dict[str, Any] = {"msg": self.msgid}
        if self.params:
            out["args"] = {name: _encode(value) for name, value in self.params}
        return out


#: A message parameter (see the module notes).
Param = int | float | str | Word | MetricId | Message


def _check(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(
        value, int | float | str | Word | MetricId | Message
    ):
        raise TypeError(f"message parameter {name}: unsupported value {value!r}")


def _render(value: Param, gettext: Translate, metric_name: Translate) -> Param:
    if isinstance(value, Message):
        return value.render(gettext, metric_name)
    if isinstance(value, Word):
        return gettext(value.text)
    if isinstance(value, MetricId):
        return metric_name(value.id)
    return value  # a number keeps its placeholder's format spec; a str is shown as written


def _encode(value: Param) -> Any:
    if isinstance(value, Message):
        return value._encode()
    if isinstance(value, Word):
        return {"word": value.text}
    if isinstance(value, MetricId):
        return {"metric": value.id}
    return value


def _decode(value: Any) -> Param:
    if isinstance(value, dict):
        if "msg" in value:
            return _message(value)
        if set(value) == {"word"}:
            return Word(str(value["word"]))
        if set(value) == {"metric"}:
            return MetricId(str(value["metric"]))
        raise ValueError(f"not a message parameter: {value!r}")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"not a message parameter: {value!r}")
    return value


def _message(data: dict[str, Any]) -> Message:
    if not isinstance(data.get("msg"), str) or set(data) - {"msg", "args"}:
        raise ValueError(f"not a message: {data!r}")
    args = data.get("args", {})
    if not isinstance(args, dict):
        raise ValueError(f"not message parameters: {args!r}")
    return Message(data["msg"], **{str(k): _decode(v) for k, v in args.items()})


def from_json(text: str) -> Message:
    """The message serialised by :meth:`Message.to_json` (ValueError if ``text`` is not one)."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"not a message: {text!r}")
    return _message(data)


def stored(text: str) -> Message | str:
    """A stored reason or note: the message it serialises, or the text as written (a campaign
    analysed before reasons were messages)."""
    if text.startswith("{"):
        try:
            return from_json(text)
        except ValueError:
            pass
    return text


def joined(parts: Iterable[Message]) -> Message | None:
    """Messages shown one after another, separated by "; " (None for none)."""
    items = list(parts)
    if not items:
        return None
    out = items[-1]
    for part in reversed(items[:-1]):
        out = Message(_n("{first}; {rest}"), first=part, rest=out)
    return out


def not_measured(why: Message | str | None = None) -> Message:
    """ "not measured", with why when known (a message, or a text shown as written)."""
    if why is None or why == "":
        return Message(_n("not measured"))
    return Message(_n("not measured: {why}"), why=why)
