"""Rules for technology brokers (技术经纪人)."""

from __future__ import annotations

from .clients import check_email
from .fields import Checker


def check(ck: Checker, ledger) -> None:
    if ck.current == {} and not ck.get("status"):
        ck.out["status"] = "在职"
    check_email(ck)
