"""Rules for clients (客户): buyers, sellers and achievement holders."""

from __future__ import annotations

import re

from . import codes, i18n, region_names
from .fields import Checker
from .idnumbers import check_credit_code

i18n.register({
    "client.duplicate_code": ("统一社会信用代码 {value} 已属于客户“{other}”",
                              "Credit code {value} already belongs to client “{other}”"),
    "client.duplicate_name": ("已有同名客户“{value}”（无统一社会信用代码），请填写代码以区分",
                              "A client named “{value}” without a credit code exists already; give a credit code to tell them apart"),
    "client.type_not_enterprise": ("只有单位性质为“企业”时才填写企业类型",
                                   "Enterprise type applies only to enterprises"),
    "client.unknown_region": ("所在地区代码 {value} 不在行政区划代码表中，请核对",
                              "Region code {value} is not in the administrative division table; please check"),
    "client.bad_email": ("邮箱“{value}”格式不对", "Email “{value}” is not a valid address"),
})

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_email(ck: Checker) -> None:
    if ck.given("email") and ck.out["email"] and not _EMAIL.match(ck.out["email"]):
        ck.error("email", "client.bad_email", value=ck.out["email"])


def check(ck: Checker, ledger) -> None:
    if ck.given("credit_code") and ck.out["credit_code"]:
        code, problems = check_credit_code(ck.out["credit_code"])
        ck.adopt("credit_code", problems)
        ck.out["credit_code"] = code
    if ck.given("region") and ck.out["region"]:  # a code, or a name (福州, 福建省福州市) stored as its code
        region, problem, args = region_names.resolve(ck.out["region"])
        if problem:
            ck.error("region", problem, **args)
        elif len(region) == 6 and not codes.is_region_code(region):
            ck.warn("region", "client.unknown_region", value=region)
        ck.out["region"] = region if region else ck.out["region"]
    if ck.get("enterprise_type") and ck.get("nature") not in (None, "企业"):
        ck.error("enterprise_type", "client.type_not_enterprise")
    check_email(ck)
    own_id = ck.current.get("id")
    code = ck.get("credit_code")
    if code and ck.given("credit_code") and ck.might_exist("client.credit_code", code):
        row = ledger.db.execute("SELECT id, name FROM clients WHERE credit_code = ?", [code]).fetchone()
        if row and row[0] != own_id:
            ck.error("credit_code", "client.duplicate_code", value=code, other=row[1])
    if not code and (ck.given("name") or ck.given("credit_code")) and ck.get("name") and \
            ck.might_exist("client.name", ck.get("name")):
        row = ledger.db.execute(
            "SELECT id FROM clients WHERE name = ? AND credit_code IS NULL AND id IS NOT ?",
            [ck.get("name"), own_id]).fetchone()
        if row:
            ck.error("name", "client.duplicate_name", value=ck.get("name"))


def entity_code(client: dict) -> str | None:
    """The registration form's 买方/卖方性质 code of a client (DESIGN.md §7)."""
    return codes.tables().entity_code(client.get("nature"), client.get("enterprise_type"))
