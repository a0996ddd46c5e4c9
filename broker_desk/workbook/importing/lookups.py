"""What the ledger and the file hold, for identity and references: the lookups by key, and which
record a row is (DESIGN.md §4: 记录ID, else the natural key)."""

from __future__ import annotations

import functools

from ...fields import TABLES
from .. import frontsheets, money_sheets

_ITS_ID = object()  # (note_one: the key names the record written)


class Lookups:
    """The import's identity stage (a part of :class:`~.run.Import`)."""

    # -- what the ledger holds, for identity and references ------------------------------------
    def load_keys(self) -> None:
        c = self.conn
        self.clients_by_code = dict(c.execute("SELECT credit_code, id FROM clients WHERE credit_code IS NOT NULL"))
        self.clients_by_name: dict[str, list[int]] = {}
        for id_, name in c.execute("SELECT id, name FROM clients"):
            self.clients_by_name.setdefault(name, []).append(id_)
        self.client_names = dict(c.execute("SELECT id, name FROM clients"))
        self.client_codes = {id_: code for code, id_ in self.clients_by_code.items()}
        self.brokers_by_name: dict[str, list[int]] = {}
        self.brokers_by_cert: dict[str, int] = {}
        for id_, name, cert in c.execute("SELECT id, name, cert_no FROM brokers"):
            self.brokers_by_name.setdefault(name, []).append(id_)
            if cert:
                self.brokers_by_cert[cert] = id_
        self.achievements_by_title: dict[str, list[int]] = {}
        self.achievements_by_key: dict[tuple[str, int], list[int]] = {}  # (title, holder)
        for id_, title, holder in c.execute("SELECT id, title, holder_id FROM achievements"):
            self.achievements_by_title.setdefault(title, []).append(id_)
            self.achievements_by_key.setdefault((title, holder), []).append(id_)
        self.known = {"client": set(self.client_names), "broker": {i for (i,) in c.execute("SELECT id FROM brokers")},
                      "achievement": {i for (i,) in c.execute("SELECT id FROM achievements")}}
        # what the ledger held before: a re-import (or a merge) may name those records
        self.ledger_held = {entity: c.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0] == 1
                            for entity, table in TABLES.items()}
        # the entities of which the ledger holds nothing yet: no 记录ID to read, ids start after the
        # sequence (see uids, new_id; asking the ledger would wait for the writer)
        self.still_empty = {entity for entity, held in self.ledger_held.items() if not held}
        self.sequences_before = dict(c.execute("SELECT name, seq FROM sqlite_sequence"))  # (the ids given so far)
        self.fetched: dict[int, dict] = {}  # records of the sheet's entity the rows being converted name by 记录ID
        self.fetched_histories: dict[int, tuple] = {}  # and, for contracts, their status and registration steps
        self.fetched_entity: str | None = None
        self.seen: dict[tuple, int] = {}  # identities met in this file -> the row
        frontsheets.load_keys(self)  # 技术需求, 对接项目, 跟进记录

    # the contracts' keys are read when first needed: after the registration history is collected
    # (the fullest moment of a large import, with the contracts sheet loading meanwhile)
    @functools.cached_property
    def contracts_by_reg(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT reg_no, id FROM contracts WHERE reg_no IS NOT NULL"))

    @functools.cached_property
    def contracts_by_key(self) -> dict[tuple[str, int], int]:  # (合同编号, 卖方) -> id
        return {(no, seller): id_ for id_, no, seller in self.conn.execute("SELECT id, contract_no, seller_id FROM contracts")}

    def uids(self, entity: str) -> dict[str, int]:
        """The entity's records by 记录ID (read from the ledger when first needed, kept up to date after)."""
        ids = self.uid_ids.get(entity)
        if ids is None:  # (a kind still empty: nothing to read, nor to wait for the writer for)
            ids = self.uid_ids[entity] = {} if entity in self.still_empty else dict(
                self.conn.execute(f"SELECT uid, id FROM {TABLES[entity]}"))
        return ids

    def id_by_uid(self, entity: str, uid: str) -> int | None:
        return self.uids(entity).get(uid)

    def maybe(self, kind: str, key) -> bool:
        """Might a record with this unique key exist? The lookups hold every key of the ledger and
        of this import, so "no" is certain; on "yes" the rule asks the database, which must then
        hold the records still waiting to be written."""
        if kind == "contract.key":
            found = key in self.contracts_by_key
        elif kind == "contract.reg_no":
            found = key in self.contracts_by_reg
        elif kind == "client.credit_code":
            found = key in self.clients_by_code
        elif kind == "client.name":
            found = bool(self.clients_by_name.get(key))
        elif kind == "engagement.unsigned":
            return False  # the contracts that name engagements come later: see frontsheets.finish
        else:
            found = True
        if found:
            self.flush()
        return found

    def forget_known(self) -> None:
        """The lookups changed (a record written, a row taken back): what texts name is worked out again."""
        for memo in self.memo.values():
            if memo:
                memo.clear()

    def forget_row(self) -> None:
        """A rejected row's writes were rolled back: so are the keys it added (parties it created)."""
        self.forget_known()
        for _entity, id_, mapping, key, before in reversed(self.row_memory):
            if mapping is None:
                continue
            if isinstance(mapping.get(key), list):
                mapping[key].remove(id_)
            elif before is None:
                del mapping[key]
            else:
                mapping[key] = before
        for entity, id_, *_ in self.row_memory:
            self.inserted_here.discard((entity, id_))
            self.known.get(entity, set()).discard(id_)

    def exists(self, entity: str, id_: int) -> bool:
        known = self.known.get(entity)
        if known is None and entity == "contract":  # the money sheets' contracts: all in the lookups by now
            known = self.known["contract"] = set(self.contracts_by_key.values())
        return id_ in known if known is not None else self.ledger.exists(entity, id_)

    def remember(self, entity: str, id_: int, row: dict, taken_back: bool = True) -> None:
        """Put a written record into the lookups; each key is noted so a rejected row can take it
        back — unless the row can no longer be rejected (``taken_back`` False: its own record,
        written last)."""
        if taken_back:
            one, among = self.note_one, self.note_among
            self.row_memory.append((entity, id_, None, None, None))
        else:
            one, among = _set_one, _add_among
        if entity != "contract" and entity not in money_sheets.ENTITIES:
            self.forget_known()
        known = self.known.get(entity)
        if known is not None:
            known.add(id_)
        self.still_empty.discard(entity)
        if row.get("uid"):
            uid_ids = self.uid_ids.get(entity)
            if uid_ids is not None:
                one(entity, id_, uid_ids, row["uid"])
        if entity == "contract":
            if row.get("reg_no"):
                one(entity, id_, self.contracts_by_reg, row["reg_no"])
            one(entity, id_, self.contracts_by_key, (row["contract_no"], row["seller_id"]))
        elif entity == "client":
            if row.get("credit_code"):
                one(entity, id_, self.clients_by_code, row["credit_code"])
                one(entity, id_, self.client_codes, id_, row["credit_code"])
            among(entity, id_, self.clients_by_name, row["name"])
            one(entity, id_, self.client_names, id_, row["name"])
        elif entity == "broker":
            among(entity, id_, self.brokers_by_name, row["name"])
            if row.get("cert_no"):
                one(entity, id_, self.brokers_by_cert, row["cert_no"])
        elif entity == "achievement":
            among(entity, id_, self.achievements_by_title, row["title"])
            among(entity, id_, self.achievements_by_key, (row["title"], row["holder_id"]))
        elif entity in frontsheets.ENTITIES:
            frontsheets.remember(self, entity, id_, row, lambda mapping, key, value=_ITS_ID: one(
                entity, id_, mapping, key, value), lambda mapping, key: among(entity, id_, mapping, key))

    def note_one(self, entity: str, id_: int, mapping: dict, key, value=_ITS_ID) -> None:
        """``mapping[key]`` set to ``value`` (the record's id when not given) for the record just
        written, noted in the row's memory (see :meth:`forget_row`)."""
        self.row_memory.append((entity, id_, mapping, key, mapping.get(key)))
        _set_one(entity, id_, mapping, key, value)

    def note_among(self, entity: str, id_: int, mapping: dict, key) -> None:
        """The record just written added to the ids ``mapping[key]`` lists, noted as :meth:`note_one`."""
        ids = mapping.setdefault(key, [])
        if id_ not in ids:
            ids.append(id_)
            self.row_memory.append((entity, id_, mapping, key, None))

    # -- identity ----------------------------------------------------------------------------------
    def identify(self, entity: str, uid: str | None, values: dict) -> int | None:
        """The record a row is: by 记录ID, else (another ledger's record: a merge) by its natural key —
        but never a record this file itself brought in under another 记录ID."""
        if uid:
            found = self.uids(entity).get(uid)
            if found is not None:
                return found
            found = self.natural(entity, values)
            return None if found is None or (entity, found) in self.inserted_here else found
        return self.natural(entity, values)

    def natural(self, entity: str, values: dict) -> int | None:
        if entity == "contract":
            reg_no = values.get("reg_no")
            if reg_no and reg_no in self.contracts_by_reg:
                return self.contracts_by_reg[reg_no]
            return self.contracts_by_key.get((values.get("contract_no"), values.get("seller_id")))
        if entity == "client":
            code = (values.get("credit_code") or "").replace(" ", "").upper() or None
            if code and code in self.clients_by_code:
                return self.clients_by_code[code]
            if not code:
                candidates = [i for i in self.clients_by_name.get(values.get("name") or "", [])]
                no_code = [i for i in candidates if not self.client_code(i)]
                return no_code[0] if len(no_code) == 1 else (candidates[0] if len(candidates) == 1 else None)
            return None
        if entity == "broker":
            if values.get("cert_no") and values["cert_no"] in self.brokers_by_cert:
                return self.brokers_by_cert[values["cert_no"]]
            ids = self.brokers_by_name.get(values.get("name") or "", [])
            return ids[0] if len(ids) == 1 and not values.get("cert_no") else None
        if entity == "achievement":
            ids = self.achievements_by_key.get((values.get("title"), values.get("holder_id")), [])
            return ids[0] if len(ids) == 1 else None
        if entity in frontsheets.ENTITIES:
            return frontsheets.natural(self, entity, values)
        if entity in money_sheets.ENTITIES:
            return money_sheets.natural(self, entity, values)
        return None

    def client_code(self, id_: int) -> str | None:
        return self.client_codes.get(id_)

    def key(self, entity: str, uid: str | None, values: dict) -> tuple:
        if uid:
            return (entity, uid)
        if entity == "client":
            return (entity, values.get("credit_code") or values.get("name"))
        if entity == "broker":
            return (entity, values.get("name"), values.get("cert_no"))
        if entity == "achievement":
            return (entity, values.get("title"), values.get("holder_id"))
        if entity in frontsheets.ENTITIES:
            return frontsheets.key(entity, values)
        if entity in money_sheets.ENTITIES:
            return money_sheets.key(entity, values)
        return (entity, values.get("reg_no") or None, values.get("contract_no"), values.get("seller_id"))


def _set_one(entity: str, id_: int, mapping: dict, key, value=_ITS_ID) -> None:
    """As :meth:`Lookups.note_one`, not noted."""
    mapping[key] = id_ if value is _ITS_ID else value


def _add_among(entity: str, id_: int, mapping: dict, key) -> None:
    """As :meth:`Lookups.note_among`, not noted."""
    ids = mapping.setdefault(key, [])
    if id_ not in ids:
        ids.append(id_)
