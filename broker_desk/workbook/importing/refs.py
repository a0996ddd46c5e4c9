"""References: the parties, achievements and brokers a row names, each worked out once per text while
the lookups stay as they are; a party or broker the ledger lacks is created (and listed)."""

from __future__ import annotations

from typing import Any

from ... import i18n
from ...contracts import share_bp
from ...errors import ValidationError
from ...fields import clean_text
from .. import frontsheets, money_sheets
from ..schema import MONEY_SHEETS, Column, Sheet
from .rules import (
    CODE_LIKE,
    NAME_AND_CERT,
    UID_LIKE,
    parse_brokers,
)

_UNKNOWN = object()  # not worked out yet (None is an answer)
_MONEY = object()  # (a money sheet: its references are money_sheets.references)
_MEMO = {"party": "party", "achievement": "achievement", "brokers": "pairs"}  # kind -> its texts in Import.memo


class References:
    """The import's references stage (a part of :class:`~.run.Import`)."""

    def memoised(self, kind: str, text: str, find) -> Any:
        """``find(text)``, worked out once per text while the lookups stay as they are (see
        :meth:`~.lookups.Lookups.forget_known`)."""
        memo = self.memo[kind]
        found = memo.get(text, _UNKNOWN)
        if found is _UNKNOWN:
            found = memo[text] = find(text)
        return found

    # -- references: parties, achievements, brokers ---------------------------------------------------
    def references(self, raw, sheet: Sheet, row_no: int, values: dict, where: dict[str, Column]) -> bool:
        columns = self.ref_columns.get(sheet.name)
        if columns is None:  # (column, field, kind, the texts of that kind worked out: see memoised)
            columns = self.ref_columns[sheet.name] = _MONEY if sheet in MONEY_SHEETS else [
                (c, c.field, c.kind, self.memo.get(_MEMO.get(c.kind))) for c in sheet.columns
                if c.kind in ("party", "achievement", "brokers", *frontsheets.REFERENCES)]
        if columns is _MONEY:
            return money_sheets.references(self, raw, row_no, values, where)
        ok = True
        for column, name, kind, known in columns:
            text = values.get(name)
            if not text:
                if kind == "brokers" and name in values:
                    values[name] = []  # nobody named
                continue
            if name == "seller_id" and kind == "party":
                values["_seller_text"] = text
            resolved = known.get(text) if known is not None else None  # a text met before names the same
            if resolved is None:
                if kind == "party":
                    resolved = self.party(raw, row_no, column, text)
                elif kind == "achievement":
                    resolved = self.achievement(raw, row_no, column, text)
                elif kind == "brokers":
                    resolved = self.brokers(raw, row_no, column, text)
                else:  # frontsheets.REFERENCES
                    resolved = frontsheets.reference(self, raw, row_no, column, text)
                ok = ok and resolved is not None
            values[name] = [] if resolved is None and kind == "brokers" else resolved
        return ok

    def known_party(self, text: str) -> int | None:
        """The client ``text`` (a credit code or a name) names without doubt, if any (worked out
        once per text while the lookups stay as they are)."""
        return self.memoised("party", text, self.find_party)

    def find_party(self, text: str) -> int | None:
        text = clean_text(text)
        if text is None:
            return None
        code = text.replace(" ", "").upper()
        if text in self.rejected_clients or code in self.rejected_clients:
            return None
        if CODE_LIKE.match(code):
            return self.clients_by_code.get(code)
        ids = self.clients_by_name.get(text, ())
        return ids[0] if len(ids) == 1 else None

    def party(self, raw, row_no: int, column: Column, text: str) -> int | None:
        """A client by credit code or name; a new client when there is none (counted and listed)."""
        found = self.known_party(text)
        if found is not None:
            return found
        text = clean_text(text)
        code = text.replace(" ", "").upper()
        if text in self.rejected_clients or code in self.rejected_clients:
            self.problem(raw, row_no, column, i18n.tr("import.party_rejected", label=column.header, name=text))
            return None
        if CODE_LIKE.match(code):  # a code no client has
            values = {"name": text, "credit_code": code}
        else:
            ids = self.clients_by_name.get(text, [])
            if ids:  # more than one (known_party takes one)
                self.problem(raw, row_no, column, i18n.tr("import.ambiguous_party", count=len(ids), name=text))
                return None
            values = {"name": text}
        try:
            out, _ = self.ledger.check_record("client", values, None, self.exists, self.maybe)
        except ValidationError as e:
            for p in e.errors:
                self.problem(raw, row_no, column, p.message())
            return None
        self.before_early_write()
        id_ = self.insert_now("client", out)
        self.remember("client", id_, out)
        self.row_notes.append(("客户", raw, row_no, column, i18n.tr("import.created_client", name=text)))
        return id_

    def known_achievement(self, text: str) -> int | None:
        """The achievement ``text`` (its 记录ID or title) names without doubt, if any (memoised)."""
        return self.memoised("achievement", text, self.find_achievement)

    def find_achievement(self, text: str) -> int | None:
        if UID_LIKE.match(text.lower()):
            id_ = self.id_by_uid("achievement", text.lower())
            if id_ is not None:
                return id_
        ids = self.achievements_by_title.get(text, ())
        return ids[0] if len(ids) == 1 else None

    def achievement(self, raw, row_no: int, column: Column, text: str) -> int | None:
        found = self.known_achievement(text)
        if found is not None:
            return found
        ids = self.achievements_by_title.get(text, [])
        self.problem(raw, row_no, column, i18n.tr(
            "import.ambiguous_achievement" if ids else "import.no_achievement", value=text))
        return None

    def brokers(self, raw, row_no: int, column: Column, text: str | None) -> list[tuple[int, str]] | None:
        """`张三(60%)；李四(40%)` or `张三、李四` (equal shares) as (broker id, share %) pairs."""
        if not text:
            return []
        parsed = self.memoised("brokers", text, parse_brokers)
        if parsed is None:
            self.problem(raw, row_no, column, i18n.tr("import.bad_brokers", value=text))
            return None
        pairs = []
        for name, share in parsed:
            broker_id = self.broker(raw, row_no, column, name)
            if broker_id is None:
                return None
            if share_bp(share) is None:
                self.problem(raw, row_no, column, i18n.tr("contract.bad_share", value=share))
                return None
            pairs.append((broker_id, share))
        self.memo["pairs"][text] = pairs  # until the lookups change (see Lookups.forget_known)
        return pairs

    def known_broker(self, text: str) -> int | None:
        """The broker ``text`` (姓名 or 姓名（证书编号）) names without doubt, if any (memoised)."""
        return self.memoised("broker", text, self.find_broker)

    def find_broker(self, text: str) -> int | None:
        m = NAME_AND_CERT.match(text)
        if m and m.group(2) in self.brokers_by_cert:
            return self.brokers_by_cert[m.group(2)]
        ids = self.brokers_by_name.get(text, ())
        return ids[0] if len(ids) == 1 else None

    def broker(self, raw, row_no: int, column: Column, text: str) -> int | None:
        found = self.known_broker(text)
        if found is not None:
            return found
        ids = self.brokers_by_name.get(text, [])
        if len(ids) > 1:
            self.problem(raw, row_no, column, i18n.tr("import.ambiguous_broker", name=text))
            return None
        out, _ = self.ledger.check_record("broker", {"name": text}, None)
        self.before_early_write()
        id_ = self.insert_now("broker", out)
        self.remember("broker", id_, out)
        self.row_notes.append(("经纪人", raw, row_no, column, i18n.tr("import.created_broker", name=text)))
        return id_
