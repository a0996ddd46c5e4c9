"""Rules for technology achievements (科技成果) and their patents."""

from __future__ import annotations

from .fields import Checker
from .idnumbers import check_patent_list

PATENT_SEPARATOR = "；"


def check(ck: Checker, ledger) -> None:
    if ck.given("patents") and ck.out["patents"]:
        numbers, problems = check_patent_list(ck.out["patents"])
        ck.adopt("patents", problems)
        ck.out["patents"] = PATENT_SEPARATOR.join(numbers) or None
