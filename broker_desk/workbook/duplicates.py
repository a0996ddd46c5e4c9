"""How a row that repeats an earlier row of the same workbook is named to the user: by the
column that makes it the same record and the values a person recognises (a seller or a holder
by name, never an internal id)."""

from __future__ import annotations

from collections.abc import Callable

from .. import i18n
from ..fields import label

i18n.register({"import.key_part": ("{label} {value}", "{label} {value}"),
               "import.key_separator": ("，", ", "),
               "import.key_uid": ("记录ID", "Record ID")})


def identity(entity: str, uid: str | None, values: dict,
             client_name: Callable[[int | None], str | None]) -> tuple[str, str]:
    """(the field at whose column the duplicate is reported, the record's identity in words), for
    the identity :meth:`~.importing.lookups.Lookups.key` gives a row."""
    if uid:
        return "uid", i18n.tr("import.key_part", label=i18n.tr("import.key_uid"), value=uid)
    if entity == "client":
        parts = [("credit_code", values["credit_code"])] if values.get("credit_code") else [("name", values.get("name"))]
    elif entity == "broker":
        parts = [("name", values.get("name")), ("cert_no", values.get("cert_no"))]
    elif entity == "achievement":
        parts = [("title", values.get("title")), ("holder_id", client_name(values.get("holder_id")))]
    else:
        parts = [("contract_no", values.get("contract_no")),
                 ("seller_id", client_name(values.get("seller_id")) or values.get("_seller_text")),
                 ("reg_no", values.get("reg_no"))]
    text = i18n.tr("import.key_separator").join(
        i18n.tr("import.key_part", label=label(f"{entity}.{name}"), value=value)
        for name, value in parts if value not in (None, ""))
    return parts[0][0], text


def step_identity(key: tuple[str, str], status: str, on_date: str) -> str:
    """A 登记进度 row's identity in words: its contract (合同编号, 卖方 as written), status and date."""
    parts = ((label("contract.contract_no"), key[0]), (label("contract.seller_id"), key[1]),
             (label("registration_event.to_status"), status), (label("registration_event.on_date"), on_date))
    return i18n.tr("import.key_separator").join(
        i18n.tr("import.key_part", label=name, value=value) for name, value in parts)
