"""Messages of the core in Chinese (default) and English.

Each module registers the messages it speaks, keyed by a short identifier, next
to the code that uses them::

    i18n.register({"money.negative": ("金额不能为负数：{value}", "Amount may not be negative: {value}")})
    tr("money.negative", value="-1")

The language is process-wide: the CLI sets it from ``--lang``, the window from
its settings. The GUI's own labels use Qt's translation system instead.
"""

from __future__ import annotations

import os

LANGUAGES = ("zh", "en")

_messages: dict[str, tuple[str, str]] = {}
_language = "en" if os.environ.get("BROKER_DESK_LANG", "").lower().startswith("en") else "zh"


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Add ``key -> (zh, en)`` messages to the catalog (a key may be registered once)."""
    for key, pair in messages.items():
        if key in _messages and _messages[key] != pair:
            raise ValueError(f"message {key!r} registered twice with different text")
        if len(pair) != 2:
            raise ValueError(f"message {key!r} needs a Chinese and an English text")
        _messages[key] = pair


def set_language(language: str) -> None:
    global _language
    language = (language or "zh").lower()[:2]
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    _language = language


def get_language() -> str:
    return _language


def tr(key: str, /, **kwargs: object) -> str:
    """The message ``key`` in the current language, formatted with ``kwargs``."""
    pair = _messages.get(key)
    if pair is None:
        return key if not kwargs else f"{key} {kwargs}"
    text = pair[0] if _language == "zh" else pair[1]
    return text.format(**kwargs) if kwargs else text


def join(items) -> str:
    """Items listed in the language: 、 between Chinese items, a comma between English ones."""
    return ("、" if _language == "zh" else ", ").join(str(i) for i in items)


def known(key: str) -> bool:
    return key in _messages
