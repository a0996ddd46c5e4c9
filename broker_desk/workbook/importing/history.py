"""Registration histories (the 登记进度 sheet): collected before the contracts, merged with each
contract's steps in the ledger, checked against the workflow, written behind their contracts."""

from __future__ import annotations

import json
from itertools import repeat

from ... import i18n, registration
from ...errors import WARNING
from ...ledger.journal import new_uids, now_utc
from ..reader import RawSheet
from ..schema import HISTORY
from . import rules  # its sizes are read as the import goes (tests change them)
from .result import SheetSummary
from .rules import (
    NOTE,
    ON,
    ORIGIN,
    ROW,
    STEP_ITEMS,
    TO,
    USER,
    chain_fault,
    clock,
    differs,
    step_heads,
)

#: The registration steps' columns, in the order :meth:`History.write_events` gives them.
_EVENT_COLUMNS = ("contract_id", "from_status", "to_status", "on_date", "note", "user", "uid")


class History:
    """The import's registration-history stage (a part of :class:`~.run.Import`)."""

    def set_clock(self, id_: int, status: str, accepted_on: str | None, flat: list) -> None:
        started = clock(status, accepted_on, flat)
        if started:
            self.conn.execute("UPDATE contracts SET clock_from = ? WHERE id = ?", [started, id_])

    def collect_history(self, raw: RawSheet) -> None:
        plan, where = self.plan(raw)
        origin = (raw, where)
        statuses = frozenset(registration.STEPS)
        index = {name: i for i, (_, name, _, _) in enumerate(plan)}
        for chunk, converted, failed, _, notes in self.converted_chunks(raw):
            for i in notes:
                self.notes(raw, chunk[i][0], notes, i)
            blank = [None] * len(chunk)
            no, seller, status, on_date, note, user = (
                converted[index[name]] if name in index else blank
                for name in ("contract_no", "seller", "to_status", "on_date", "note", "user"))
            # the usual chunk: every cell read, the required ones filled, known statuses
            if not failed and statuses.issuperset(status) and all(no) and all(seller) and all(on_date):
                self.plain_steps(zip(no, seller, strict=True), status, on_date, note, user, [n for n, _ in chunk],
                                 origin)
            else:  # row by row, each problem said where it is
                for i, (row_no, _) in enumerate(chunk):
                    values = {name: converted[j][i] for name, j in index.items()}
                    problems = failed.get(i)
                    for _, name, _ in problems or ():
                        del values[name]
                    self.history_row(raw, origin, row_no, values, not problems, problems)
            self.ticks(len(chunk))
        if self.release:
            raw.rows = []  # what is needed is in self.history now

    def plain_steps(self, keys, status, on_date, note, user, numbers, origin) -> None:
        """Usual rows of the 登记进度 sheet kept with their contract's steps (flat, see
        :data:`~.rules.STEP_ITEMS`), as :meth:`history_row` keeps one."""
        history = self.history
        get = history.get
        for key, *step in zip(keys, status, on_date, note, user, numbers, repeat(origin, len(numbers)),
                              strict=True):
            steps = get(key)
            if steps is None:
                history[key] = step
            else:
                steps += step

    def history_row(self, raw: RawSheet, origin, row_no: int, values: dict, ok: bool, problems) -> None:
        summary = self.result.summaries[HISTORY.name]
        where = origin[1]
        for column, _, message in problems or ():
            self.problem(raw, row_no, column, message)
        for column in HISTORY.columns:
            if column.required and not values.get(column.field) and ok:
                self.problem(raw, row_no, column, i18n.tr("field.required", label=column.header))
                ok = False
        status = values.get("to_status")
        if ok and status not in registration.STEPS:
            self.problem(raw, row_no, where.get("to_status"), i18n.tr("reg.unknown_status", value=status))
            ok = False
        if not ok:
            summary.rejected += 1
            return
        key = (values["contract_no"], values["seller"])
        self.history.setdefault(key, []).extend((values["to_status"], values["on_date"], values.get("note"),
                                                 values.get("user"), row_no, origin))

    def apply_history(self) -> None:
        """Registration histories: checked against the workflow, merged with the ledger's."""
        summary = self.result.summaries.get(HISTORY.name)
        if summary is None:
            return
        histories = list(self.history.items())  # those not merged with a new contract as it was written
        # and a contract this import brought in has no other history
        merged = set(self.new_contracts) if histories else set()
        for start in range(0, len(histories), rules.CHUNK):
            part = [(key, flat, self.history_contract(key)) for key, flat in histories[start:start + rules.CHUNK]]
            stored = self.stored_histories({c for _, _, c in part if c is not None} - merged)
            for key, flat, contract_id in part:
                if contract_id is None:
                    for at in range(0, len(flat), STEP_ITEMS):
                        raw, where = flat[at + ORIGIN]
                        message = ("import.contract_rejected" if key in self.rejected_contracts else "import.no_contract")
                        self.problem(raw, flat[at + ROW], where.get("contract_no"),
                                     i18n.tr(message, no=key[0], seller=key[1]))
                        summary.rejected += 1
                    continue
                # what the ledger held, unless an earlier history of this file was merged with it
                self.merge_history(contract_id, flat, summary, stored.pop(contract_id, None), key)
                merged.add(contract_id)
        self.write_events()

    def history_contract(self, key: tuple[str, str]) -> int | None:
        """The contract a history (合同编号, 卖方 as written) belongs to, if any."""
        if key in self.imported_contracts:
            return self.imported_contracts[key]
        if key in self.rejected_contracts:
            return None
        seller = self.clients_by_code.get(key[1].replace(" ", "").upper()) or next(
            iter(self.clients_by_name.get(key[1], [])), None)
        return self.contracts_by_key.get((key[0], seller))

    def stored_histories(self, ids: set[int], statuses: dict[int, dict] | None = None) -> dict[int, tuple]:
        """For contracts of the ledger: each one's status (from ``statuses``, their records, when
        given) and registration steps, fetched together."""
        if not ids:
            return {}
        chosen = [json.dumps(sorted(ids))]
        if statuses is None:
            stored = {id_: (status, []) for id_, status in self.conn.execute(
                "SELECT id, status FROM contracts WHERE id IN (SELECT value FROM json_each(?))", chosen)}
        else:
            stored = {id_: (statuses[id_]["status"], []) for id_ in ids}
        for step in self.conn.execute(
                "SELECT contract_id, to_status, on_date, note FROM registration_events "
                "WHERE contract_id IN (SELECT value FROM json_each(?)) ORDER BY contract_id, id", chosen):
            stored[step[0]][1].append(step[1:])
        return stored

    def settle_same_history(self, key: tuple[str, str], flat: list, stored: tuple | None) -> None:
        """The imported history (``flat``) of a contract of the ledger whose registration the row leaves as it
        is: if it is step for step the ledger's (``stored``, fetched with the record) and the
        workflow allows it, it is settled now (counted unchanged and let go) instead of at the end.
        The steps the ledger holds change only at the end, and no later row can take this history
        to another contract (a contract's (合同编号, 卖方) is unique), so merge_history would come
        to the same — without fetching the steps again."""
        if stored is None or len(stored[1]) * STEP_ITEMS != len(flat) or step_heads(flat) != stored[1]:
            return
        if chain_fault(flat) is None:
            del self.history[key]
            self.result.summaries[HISTORY.name].unchanged += len(stored[1])

    def write_events(self) -> None:
        """The registration steps waiting, queued behind their contracts. A step added to a contract
        already in the ledger gets a line in the change log, so undo takes it back; the steps of a
        contract this import brings in need none: undoing the import deletes the contract, and
        them with it (its snapshot keeps them for a redo)."""
        events = self.events
        if not events:
            return
        now = now_utc()
        logged = self.logged_events  # (their places in events, in order)
        op_id = self.op.op_id
        for start in range(0, len(events), rules.BATCH):
            batch = events[start:start + rules.BATCH]
            uids = new_uids(len(batch))
            self.writer.insert("registration_events", _EVENT_COLUMNS,
                               list(map(tuple.__add__, batch, zip(uids))), same={"created_at": now})
            if logged:
                self.writer.insert("changes", ("uid",), [(uids[at - start],) for at in logged
                                                         if start <= at < start + len(batch)],
                                   same={"op_id": op_id, "entity": "registration_event", "action": "insert"})
        self.op.changes.entities.add("registration_event")
        events.clear()
        logged.clear()

    def merge_history(self, contract_id: int, flat: list, summary: SheetSummary, stored: tuple | None = None,
                      key: tuple[str, str] = ("", "")) -> None:
        """Merge the imported steps (``flat``, see :data:`~.rules.STEP_ITEMS`) of one contract (``key``:
        its 合同编号 and 卖方 as the sheet has them) with its history in the ledger (``stored``: its
        status and steps there, if already fetched)."""
        new = contract_id in self.new_contracts
        if stored is None and not new:
            stored = self.stored_histories({contract_id})[contract_id]
        status = self.new_contracts[contract_id] if new else stored[0]
        steps = len(flat) // STEP_ITEMS
        fault = chain_fault(flat, key)  # the imported chain must obey the workflow
        if fault is not None:
            at, name, message = fault
            raw, where = flat[at + ORIGIN]
            self.problem(raw, flat[at + ROW], where.get(name), message)
            summary.rejected += steps
            return
        last = len(flat) - STEP_ITEMS  # where the last step's items start
        state = registration.status_after(flat[last + TO])
        existing = () if new else stored[1]
        common = 0  # steps the ledger holds already
        if existing:
            imported = step_heads(flat)
            while common < min(len(existing), steps) and existing[common] == imported[common]:
                common += 1
            if common < len(existing) and common < steps:
                raw, where = flat[common * STEP_ITEMS + ORIGIN]
                self.problem(raw, flat[common * STEP_ITEMS + ROW], where.get("to_status"), i18n.tr(
                    "import.history_diverges", step=common + 1, ledger=existing[common][0]))
                summary.rejected += steps
                return
            summary.unchanged += common
            if common == steps:
                if len(existing) > steps:
                    self.problem(flat[last + ORIGIN][0], flat[last + ROW], None, i18n.tr("import.history_older"),
                                 WARNING)
                return
        pending = self.registration_updates.pop(contract_id, None) if self.registration_updates else None
        target = pending[0]["status"] if pending else status
        if state != target:
            raw = flat[min(common, steps - 1) * STEP_ITEMS + ORIGIN][0]
            self.problem(raw, flat[last + ROW], flat[last + ORIGIN][1].get("to_status"),
                         i18n.tr("import.history_end", last=state, status=target))
            summary.rejected += steps - common
            return
        after, events, user = registration.status_after, self.events, self.user
        if not new:  # a step added to a contract already in the ledger is logged; a new contract's
            # steps go with it: undo deletes them along (and redo brings them back)
            self.logged_events.extend(range(len(events), len(events) + steps - common))
        previous = after(existing[-1][0]) if existing else registration.DRAFT
        for at in range(common * STEP_ITEMS, len(flat), STEP_ITEMS):  # 操作人 left blank: who imports
            to = flat[at + TO]
            events.append((contract_id, previous, to, flat[at + ON], flat[at + NOTE], flat[at + USER] or user))
            previous = after(to)
        summary.inserted += steps - common
        if pending:
            registration_values, current, outcome = pending
            changed = {k: v for k, v in registration_values.items() if differs(current.get(k), v, k)}
            self.op.update("contract", contract_id, changed)
            if outcome == "unchanged":  # the row itself had not changed, its registration has
                contracts = self.result.summaries["技术合同"]
                contracts.unchanged -= 1
                contracts.updated += 1
        if not new:
            accepted_on = self.conn.execute("SELECT accepted_on FROM contracts WHERE id = ?", [contract_id]).fetchone()[0]
            self.set_clock(contract_id, state, accepted_on, flat)
