"""One row through the rules: references, identity, the core's checks (one compiled function per
entity, see :mod:`broker_desk.fieldcompile`), then written in its batch or taken back."""

from __future__ import annotations

import functools
import sqlite3

from ... import i18n, registration
from ...errors import WARNING, ValidationError
from .. import duplicates, frontsheets, money_sheets
from ..reader import RawSheet
from ..schema import HISTORY, Column, Sheet
from .result import RowFailed, SheetSummary
from .rules import (
    DERIVED,
    REGISTRATION,
    STATUS_NEEDS,
    UID_LIKE,
    any_differs,
    clock,
    differs,
    no_override,
    sheet_status,
)

#: What becomes of a row (a count of each in its sheet's summary).
_OUTCOMES = ("inserted", "updated", "unchanged", "rejected")


@functools.lru_cache(maxsize=256)
def _underived(trusted: frozenset[str]) -> frozenset[str]:
    """The fields found in normal form, but for those the import derives (the same few sets each row)."""
    return trusted - DERIVED


class Rows:
    """The import's row stage (a part of :class:`~.run.Import`)."""

    def fail(self, raw, row_no, where: dict[str, Column], error: ValidationError, entity: str) -> None:
        for p in error.problems:
            name = p.field.rsplit(".", 1)[-1]
            self.problem(raw, row_no, where.get(name), p.message(), p.severity)

    def warn(self, raw, row_no, where: dict[str, Column], warnings) -> None:
        for p in warnings:
            name = p.field.rsplit(".", 1)[-1]
            self.problem(raw, row_no, where.get(name), p.message(), WARNING)

    # -- one sheet -------------------------------------------------------------------------------
    def import_sheet(self, raw: RawSheet) -> None:
        sheet = raw.sheet
        summary = self.result.summaries[sheet.name]
        self.flush()
        entity = self.pending_entity = self.fetched_entity = sheet.entity
        self.next_ids.pop(entity, None)
        import_row, row_memory, row_notes = self.import_row, self.row_memory, self.row_notes
        counts = dict.fromkeys(_OUTCOMES, 0)  # (into the summary when the sheet is done)
        try:
            for row_no, values, ok, problems, trusted in self.converted(raw, self.fetch):
                self.done_rows += 1  # (as Import.ticks(1), without two calls per row)
                if not self.done_rows % 500:
                    self.checkpoint()
                self.row_savepoint = False
                try:
                    outcome = import_row(raw, sheet, row_no, values, ok, problems, trusted)
                except RowFailed:
                    outcome = "rejected"
                except sqlite3.IntegrityError as e:  # a rule the checks above missed: the row, not the import
                    self.problem(raw, row_no, None, str(e))
                    outcome = "rejected"
                if outcome == "rejected":
                    if self.row_savepoint:
                        self.conn.execute("ROLLBACK TO SAVEPOINT import_row")
                    self.forget_row()
                elif row_notes:  # the parties the row brought in stay: count and list them
                    for sheet_name, note_raw, note_row, column, message in row_notes:
                        self.result.summaries.setdefault(sheet_name, SheetSummary()).created += 1
                        self.problem(note_raw, note_row, column, message, WARNING)
                if row_memory:
                    row_memory.clear()
                if row_notes:
                    row_notes.clear()
                if self.row_savepoint:
                    self.conn.execute("RELEASE SAVEPOINT import_row")
                counts[outcome] += 1
        finally:
            for outcome, count in counts.items():
                setattr(summary, outcome, getattr(summary, outcome) + count)
        self.flush()
        self.pending_entity = None
        self.fetched, self.fetched_histories, self.fetched_entity = {}, {}, None
        if self.release:
            raw.rows = []  # read and done: its cells need not stay in memory for the sheets to come

    def before_early_write(self) -> None:
        """A row writes something (a party it names) before it is known to be good: from here on
        its writes can be taken back. Most rows write only once, last, and need no savepoint."""
        if not self.row_savepoint:
            self.flush()  # records of earlier rows: written before, so a rollback cannot take them
            self.conn.execute("SAVEPOINT import_row")
            self.row_savepoint = True

    def import_row(self, raw: RawSheet, sheet: Sheet, row_no: int, values: dict, ok: bool, problems, trusted) -> str:
        where = self.wheres[id(raw)]
        if problems:
            for column, _, message in problems:
                self.problem(raw, row_no, column, message)
        self.trusted = trusted
        entity = sheet.entity
        uid = values.pop("uid", None)
        if uid is not None and not UID_LIKE.match(uid.lower()):
            self.problem(raw, row_no, where.get("uid"), i18n.tr("import.unknown_uid_entity", uid=uid))
            ok = False
        ok = self.references(raw, sheet, row_no, values, where) and ok
        if not ok:
            self.reject(entity, values)
            raise RowFailed()
        current_id = self.identify(entity, uid, values)
        key = self.key(entity, uid, values)
        seen = self.seen
        if key in seen and any(k is not None for k in key[1:]):  # the earlier row stands
            column, words = duplicates.identity(entity, uid, values, self.client_names.get)
            self.problem(raw, row_no, where.get(column), i18n.tr("import.duplicate_in_file", other=seen[key],
                                                                  key=words))
            raise RowFailed()
        seen[key] = row_no
        if entity == "contract":
            return self.import_contract(raw, row_no, values, where, uid, current_id)
        outcome = self.write(raw, row_no, entity, values, where, uid, current_id)
        if entity in frontsheets.ENTITIES:
            frontsheets.written(self, raw, row_no, where, entity, values, current_id, outcome)
        return outcome

    def reject(self, entity: str, values: dict) -> None:
        if entity == "client" and values.get("name"):
            self.forget_known()
            self.rejected_clients.add(values["name"])
            if values.get("credit_code"):
                self.rejected_clients.add(values["credit_code"])
        if entity == "contract" and values.get("contract_no"):
            self.rejected_contracts.add((values["contract_no"], values.get("_seller_text") or ""))

    def write(self, raw, row_no, entity: str, values: dict, where, uid: str | None, current_id: int | None,
              extra: dict | None = None, current: dict | None = None) -> str:
        """Check and write one record; ``extra`` columns (derived, not the user's) go into a new one;
        ``current``: the record ``current_id`` names, when the caller has it already."""
        if entity in money_sheets.ENTITIES:  # what the references left for the messages (see money_sheets)
            values = {k: v for k, v in values.items() if not k.startswith("_")}
        if current is None and current_id is not None:
            current = self.record(entity, current_id)
        if current is not None and not any_differs(current, values):
            return "unchanged"  # exactly what the ledger holds (a re-import): nothing to check or write
        try:
            out, warnings = self.ledger.check_record(entity, values, current, self.exists, self.maybe,
                                                     trusted=self.trusted)
        except ValidationError as e:
            self.fail(raw, row_no, where, e, entity)
            self.reject(entity, values)
            raise RowFailed() from None
        if warnings:
            self.warn(raw, row_no, where, [w for w in warnings if w.field.rsplit(".", 1)[-1] in values])
        if current is None:
            if extra:
                out.update(extra)
            out["uid"] = uid or self.new_uid()
            if entity == self.pending_entity:
                id_ = self.queue_new(entity, out)
            else:
                id_ = self.op.insert(entity, out, log_snapshot=False)
            self.remember(entity, id_, out, taken_back=False)  # (the row's last write: it stays)
            if uid:
                self.inserted_here.add((entity, id_))
            return "inserted"
        changed = {k: v for k, v in out.items() if k != "warnings" and differs(current.get(k), v, k)}
        if not changed:
            return "unchanged"
        if "brokers" in changed:
            changed["brokers"] = out["brokers"]
        if "warnings" in out:  # (a follow-up keeps none)
            changed["warnings"] = out["warnings"]
        if entity == self.fetched_entity:
            self.fetched.pop(current_id, None)  # no longer what the ledger holds
        self.op.update(entity, current_id, changed)
        self.remember(entity, current_id, {**current, **out}, taken_back=False)
        return "updated"

    # -- contracts and their registration ---------------------------------------------------------------
    def import_contract(self, raw, row_no: int, values: dict, where, uid, current_id) -> str:
        seller_text = values.pop("_seller_text", "")
        history = self.history.get((values.get("contract_no"), seller_text), ())  # its steps (flat)
        current = self.record("contract", current_id) if current_id is not None else None
        if values.get("tech_given_fen") is not None:
            no_override(values, current)
        status = sheet_status(values)
        values["status"] = status
        self.trusted = _underived(self.trusted)
        if current_id is None:
            needs = STATUS_NEEDS.get(status)
            if needs:
                needs = [f for f in needs if not values.get(f)]
            if needs:
                from ...fields import label

                self.problem(raw, row_no, where.get("status") or where.get("reg_no"), i18n.tr(
                    "import.status_needs", status=status, fields="、".join(label(f"contract.{f}") for f in needs)))
                try:  # and whatever else is wrong with the row, all at once
                    self.ledger.check_record("contract", {k: v for k, v in values.items() if not k.startswith("_")},
                                             None)
                except ValidationError as e:
                    self.fail(raw, row_no, where, e, "contract")
                self.reject("contract", {**values, "_seller_text": seller_text})
                raise RowFailed()
            if status in (registration.REGISTERED, registration.WITHDRAWN) and values.get("approved_fen") is None:
                amount, deductions = values.get("amount_fen") or 0, values.get("deductions_fen") or 0
                values["approved_fen"] = values.get("tech_given_fen") or amount - deductions
            try:
                outcome = self.write(raw, row_no, "contract", values, where, uid, None,
                                     {"clock_from": clock(status, values.get("accepted_on"), history)})
            except RowFailed:
                self.reject("contract", {**values, "_seller_text": seller_text})
                raise
            id_ = self.contracts_by_key[(values["contract_no"], values["seller_id"])]
            self.new_contracts[id_] = status
            if history:  # its steps can be written right behind it (and need not be kept)
                del self.history[(values["contract_no"], seller_text)]
                self.merge_history(id_, history, self.result.summaries[HISTORY.name],
                                   key=(values["contract_no"], seller_text))
            return outcome
        registration_values = {k: values.pop(k) for k in REGISTRATION if k in values}
        try:
            outcome = self.write(raw, row_no, "contract", values, where, uid, current_id, current=current)
        except RowFailed:
            self.reject("contract", {**values, "_seller_text": seller_text})
            raise
        self.imported_contracts[(values.get("contract_no"), seller_text)] = current_id
        registration_values.setdefault("status", status)
        changed = {k: v for k, v in registration_values.items() if differs(current.get(k), v, k)} \
            if any_differs(current, registration_values) else {}
        if changed and not history:
            self.problem(raw, row_no, where.get("status"), i18n.tr(
                "import.status_kept", ledger=current["status"], sheet=registration_values["status"]), WARNING)
        elif changed:  # applied with the history that leads there (see merge_history)
            self.registration_updates[current_id] = (registration_values, current, outcome)
        elif history:
            self.settle_same_history((values.get("contract_no"), seller_text), history,
                                     self.fetched_histories.get(current_id))
        return outcome
