"""The quick way in for the usual row of a large contracts sheet.

Most rows of a big import are new contracts whose cells are already in normal
form (the columns :func:`~broker_desk.workbook.importer.convert_column` found
normal), whose parties, achievement and brokers are records the lookups know
without doubt, and which break no rule. For such a row the general path (the
``_Import`` row machinery and the core's :class:`~broker_desk.fields.Checker`)
spends most of its time finding out that there is nothing to say.
:class:`QuickContracts` settles such a row in one pass over its values, with the
answers that repeat down a sheet (a party's name, a broker list, a
category/subtype pair) worked out once.

It decides only what it is sure of: at the first thing that is not plainly
fine it gives the row back untouched, and the general path does everything
(messages, created parties, rejection) exactly as it always does. A row it does
take is written exactly as the general path would write it: the property test
``tests/test_workbook_quick.py`` imports the same random workbooks both ways
and compares the ledgers, the summaries and the messages.
"""

from __future__ import annotations

import datetime as dt

from .. import codes, deductions, registration
from ..contracts import REGISTRATION_FIELDS, share_bp
from ..errors import BrokerDeskError
from ..fields import _BY_QUALIFIED, _KNOWN, _TRUSTABLE_KINDS, ENTITY_FIELDS
from ..idnumbers import check_registration_number
from ..ledger.journal import new_uid
from . import importer
from .schema import HISTORY

_REQUIRED = tuple(f.name for f in ENTITY_FIELDS["contract"] if f.required)
_ITEMS_MAX = _BY_QUALIFIED["contract.deduction_items"].max_len
_NEW_STATUS = (registration.REGISTERED, registration.WITHDRAWN)
_UNKNOWN = object()  # not worked out yet (None is an answer: "not without doubt")


class QuickContracts:
    """Takes the plain new-contract rows of one contracts sheet (see the module's docstring)."""

    def __init__(self, job, names: list[str]):
        self.job = job
        self._uid_like, self._needs = importer._UID_LIKE.match, importer._STATUS_NEEDS
        present = set(names)
        # every cell of these fields must come from a column found normal; the others
        # (references, brokers, itemised costs, 记录ID) are looked at here, row by row
        self._needed = frozenset(n for n in present if n in _KNOWN["contract"]
                                 and _BY_QUALIFIED[f"contract.{n}"].kind in _TRUSTABLE_KINDS)
        self._usable = present <= _KNOWN["contract"] | {"uid"}
        self._applies: dict[frozenset, bool] = {}
        self._parties: dict[str, int | None] = {}
        self._achievements: dict[str, int | None] = {}
        self._brokers: dict[str, list | None] = {}
        self._kinds: dict[tuple[str, str], bool] = {}
        self._today = dt.date.today()

    def applies(self, trusted: frozenset) -> bool:
        """Whether rows whose normal columns are ``trusted`` can be taken at all."""
        found = self._applies.get(trusted)
        if found is None:
            found = self._applies[trusted] = self._usable and self._needed <= trusted
        return found

    def forget(self) -> None:
        """The general path ran for a row: what it may have changed (parties it created, rows
        it rejected) is looked up again."""
        self._parties.clear()
        self._achievements.clear()
        self._brokers.clear()

    # -- the answers that repeat down a sheet ------------------------------------------------------
    def _party(self, text: str) -> int | None:
        return self._known(self._parties, text, self.job.known_party, self.job.known["client"])

    def _achievement(self, text: str) -> int | None:
        return self._known(self._achievements, text, self.job.known_achievement, self.job.known["achievement"])

    @staticmethod
    def _known(cache: dict, text: str, find, known: set[int]) -> int | None:
        """``find(text)``, worked out once per text: a record that exists, or None."""
        found = cache.get(text, _UNKNOWN)
        if found is _UNKNOWN:
            found = find(text)
            cache[text] = found = found if found in known else None
        return found

    def _broker_shares(self, text: str) -> list[tuple[int, int]] | None:
        """(broker id, share in hundredths of a percent) as the rules keep them, or None."""
        found = self._brokers.get(text, _UNKNOWN)
        if found is _UNKNOWN:
            found = None
            parsed = importer.parse_brokers(text)
            if parsed is not None:
                known = self.job.known["broker"]
                pairs = [(self.job.known_broker(name), share_bp(share)) for name, share in parsed]
                if not pairs or (all(b is not None and b in known and bp is not None for b, bp in pairs)
                                 and len({b for b, _ in pairs}) == len(pairs)
                                 and sum(bp for _, bp in pairs) == 10000):
                    found = pairs
            self._brokers[text] = found
        return found

    def _kind(self, category: str, subtype: str) -> bool:
        """The pair is today's (no old kind to map) and the subtype belongs to the category."""
        found = self._kinds.get((category, subtype))
        if found is None:
            tables = codes.tables()
            found = self._kinds[(category, subtype)] = (
                tables.normalize_contract_kind(category, subtype) == (category.strip(), subtype.strip())
                and subtype in tables.subtypes(category))
        return found

    # -- one row ----------------------------------------------------------------------------------
    def unchanged(self, row_no: int, values: dict) -> bool:
        """True (and the row counted in as the general path would) if the row is a contract of the
        ledger exactly as the ledger holds it; False, nothing done, when the general path must look."""
        job = self.job
        get = values.get
        uid = get("uid")
        if uid is not None and not self._uid_like(uid.lower()):
            return False
        out = dict(values)
        out.pop("uid", None)
        # the references, resolved as _Import._references does for records it knows without doubt
        for name, find in (("buyer_id", self._party), ("seller_id", self._party),
                           ("achievement_id", self._achievement)):
            if get(name):
                out[name] = find(get(name))
                if out[name] is None:
                    return False
        if "brokers" in values:
            out["brokers"] = self._broker_shares(values["brokers"]) if values["brokers"] else []
            if out["brokers"] is None:
                return False
        # identity as _Import._row finds it
        current_id = job._identify("contract", uid, out)
        if current_id is None:
            return False
        key = job._key("contract", uid, out)
        if key in job.seen:
            return False
        current = job._record("contract", current_id)
        out["status"] = importer.sheet_status(values)
        for name, value in out.items():
            if importer._differs(current.get(name), value, name):
                return False
        job.seen[key] = row_no
        history_key = (get("contract_no"), get("seller_id"))
        job.imported_contracts[history_key] = current_id
        history = job.history.get(history_key)
        if history is not None:
            self._same_history(history_key, importer._steps(history), job.fetched_histories.get(current_id))
        return True

    def _same_history(self, key: tuple[str, str], history: list, stored: tuple | None) -> None:
        """The imported history of a contract the ledger holds unchanged: if it is step for step
        the ledger's (and the workflow allows it), it is settled now (counted unchanged and let
        go) instead of at the end. The steps the ledger holds change only at the end, and no
        later row can take this history to another contract (a contract's (合同编号, 卖方) is
        unique), so _merge_history would come to the same."""
        job = self.job
        if stored is None or len(stored[1]) != len(history) or \
                any(step[:3] != old for step, old in zip(history, stored[1], strict=True)):
            return
        if importer.chain_fault(history) is None:
            del job.history[key]
            job.result.summaries[HISTORY.name].unchanged += len(history)

    def insert(self, raw, row_no: int, values: dict) -> bool:
        """Write the row as a new contract if it is plainly fine; False (nothing done, ``values``
        untouched) when the general path must look at it."""
        job = self.job
        get = values.get
        uid = get("uid")
        if uid is not None and not self._uid_like(uid.lower()):
            return False
        buyer_text, seller_text = get("buyer_id"), get("seller_id")
        if not buyer_text or not seller_text:
            return False
        buyer, seller = self._party(buyer_text), self._party(seller_text)
        if buyer is None or seller is None or buyer == seller:
            return False
        out = dict(values)
        out.pop("uid", None)
        out["buyer_id"], out["seller_id"] = buyer, seller
        if get("achievement_id"):
            out["achievement_id"] = self._achievement(get("achievement_id"))
            if out["achievement_id"] is None:
                return False
        if "brokers" in values:
            out["brokers"] = self._broker_shares(values["brokers"]) if values["brokers"] else []
            if out["brokers"] is None:
                return False
        # identity: a new contract, and the first row of this file to name it
        no, reg_no = get("contract_no"), get("reg_no")
        if (reg_no and reg_no in job.contracts_by_reg) or (no, seller) in job.contracts_by_key:
            return False
        if uid is not None and job.id_by_uid("contract", uid) is not None:
            return False
        key = ("contract", uid) if uid else ("contract", reg_no or None, no, seller)
        if key in job.seen:
            return False
        # what the import derives: the status (登记编号 alone means registered), the approved amount
        status = importer.sheet_status(values)
        if any(not get(f) for f in self._needs.get(status, ())):
            return False
        out["status"] = status
        amount = get("amount_fen")
        if amount is None:
            return False
        if status in _NEW_STATUS and get("approved_fen") is None:
            out["approved_fen"] = get("tech_given_fen") or amount - (get("deductions_fen") or 0)
        # the rules (contracts.check): itemised costs set the total, amounts within the contract's
        items_text = get("deduction_items")
        if items_text is not None:
            try:
                items = deductions.parse(items_text)
            except BrokerDeskError:
                return False
            stored = deductions.to_json(items)
            if stored and len(stored) > _ITEMS_MAX:
                return False
            out["deduction_items"] = stored
            if items:
                total = sum(fen for _, fen in items)
                if get("deductions_fen") is not None and values["deductions_fen"] != total:
                    return False
                out["deductions_fen"] = total
        if "deductions_fen" in out and out["deductions_fen"] is None:
            out["deductions_fen"] = 0  # left blank: none (as contracts.check has it)
        approved = out.get("approved_fen")
        if (out.get("deductions_fen") or 0) > amount or (get("tech_given_fen") or 0) > amount or \
                (approved is not None and not 0 <= approved <= amount):
            return False
        valid_from, valid_to = get("valid_from"), get("valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            return False
        category, subtype = get("category"), get("subtype")
        if not category or (subtype is not None and not self._kind(category, subtype)):
            return False
        for name, statuses in REGISTRATION_FIELDS.items():
            if out.get(name) is not None and status not in statuses:
                return False
        if reg_no:
            number, problems = check_registration_number(reg_no, self._today)
            if problems or number != reg_no:
                return False
        for name in _REQUIRED:
            if out.get(name) in (None, ""):
                return False
        # written as _Import._write and _contract write a new contract
        history = importer._steps(job.history.get((no, seller_text), ()))
        out["warnings"] = None
        out["clock_from"] = importer._clock(status, get("accepted_on"), history)
        out["uid"] = uid or new_uid()
        id_ = out["id"] = job._new_id("contract")
        job.pending.append(out)
        job.pending_ids.add(id_)
        uids = job.uid_ids.get("contract")
        if uids is not None:
            uids[out["uid"]] = id_
        if reg_no:
            job.contracts_by_reg[reg_no] = id_
        job.contracts_by_key[(no, seller)] = id_
        if uid:
            job.inserted_here.add(("contract", id_))
        job.seen[key] = row_no
        job.new_contracts[id_] = status
        if len(job.pending) >= importer._BATCH:
            job.flush()
        if history:  # its steps are written right behind it (and need not be kept)
            del job.history[(no, seller_text)]
            job._merge_history(id_, history, job.result.summaries[HISTORY.name])
        return True
