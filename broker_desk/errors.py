"""Problems found in user input and the exceptions that carry them.

A :class:`Problem` names the field, says what is wrong (a message key with its
arguments, rendered in the user's language when shown) and whether it is an
error (refuses the write) or a warning (kept on the record and shown).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .i18n import get_language, register, tr

register({"validation.failed": ("输入有误，未保存。", "The input has errors; nothing was saved.")})

ERROR = "error"
WARNING = "warning"

#: Each qualified field's label (``contract.amount_fen`` -> (zh, en)), put here by the data
#: dictionary (:mod:`.fields`) as it loads: a problem names its field without this module
#: importing the dictionary (which imports this one).
FIELD_LABELS: dict[str, tuple[str, str]] = {}


def field_label(qualified: str) -> str:
    """The field's label in the current language (the name itself when unknown)."""
    pair = FIELD_LABELS.get(qualified)
    if pair is None:
        return qualified.rsplit(".", 1)[-1]
    return pair[0] if get_language() == "zh" else pair[1]


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    args: dict = field(default_factory=dict)
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def message(self) -> str:
        """The message in the current language; ``{label}`` names the field."""
        return tr(self.code, **{"label": field_label(self.field), **self.args})

    def to_json(self) -> dict:
        return {"field": self.field, "code": self.code, "args": self.args, "severity": self.severity}

    @classmethod
    def from_json(cls, data: dict) -> Problem:
        return cls(data["field"], data["code"], dict(data.get("args") or {}), data.get("severity", WARNING))

    def __str__(self) -> str:
        return self.message()


class BrokerDeskError(Exception):
    """Base of every error the program reports to the user without a traceback."""

    def __init__(self, code: str, /, **args: object):
        self.code = code
        self.args_ = args
        super().__init__(code)

    def __str__(self) -> str:
        return tr(self.code, **self.args_)


class ValidationError(BrokerDeskError):
    """Input refused: one or more error problems (warnings ride along)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("validation.failed")

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def __str__(self) -> str:
        return "；".join(p.message() for p in self.errors) or tr("validation.failed")
