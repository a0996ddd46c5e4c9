"""The quick way in for the usual row of a large contracts (or achievements) sheet.

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
and compares the ledgers, the summaries and the messages. :class:`QuickAchievements` does the
same, with less to decide, for the plain rows of an achievements sheet.
"""

from __future__ import annotations

import datetime as dt

from .. import codes, deductions, registration
from ..achievements import PATENT_SEPARATOR
from ..contracts import REGISTRATION_FIELDS, share_bp
from ..errors import BrokerDeskError
from ..fields import _BY_QUALIFIED, _KNOWN, _TRUSTABLE_KINDS, ENTITY_FIELDS, clean_text, flag_value
from ..idnumbers import check_patent_list, check_registration_number
from ..ledger.journal import new_uid
from . import frontsheets, importer
from .schema import HISTORY

_REQUIRED = tuple(f.name for f in ENTITY_FIELDS["contract"] if f.required)
_PATENTS_MAX = _BY_QUALIFIED["achievement.patents"].max_len
_ITEMS_MAX = _BY_QUALIFIED["contract.deduction_items"].max_len
_NEW_STATUS = (registration.REGISTERED, registration.WITHDRAWN)
_UNKNOWN = object()  # not worked out yet (None is an answer: "not without doubt")


class _QuickRows:
    """What the quick ways share: which rows they may take at all, and the parties they know."""

    entity = ""

    def __init__(self, job, names: list[str]):
        self.job = job
        self._uid_like = importer._UID_LIKE.match
        present, entity = set(names), self.entity
        # every cell of these fields must come from a column found normal; the others
        # (references, brokers, itemised costs, patents, 记录ID) are looked at row by row
        self._needed = frozenset(n for n in present if n in _KNOWN[entity]
                                 and _BY_QUALIFIED[f"{entity}.{n}"].kind in _TRUSTABLE_KINDS)
        self._usable = present <= _KNOWN[entity] | {"uid"}
        self._applies: dict[frozenset, bool] = {}
        self._parties: dict[str, int | None] = {}

    def applies(self, trusted: frozenset) -> bool:
        """Whether rows whose normal columns are ``trusted`` can be taken at all."""
        found = self._applies.get(trusted)
        if found is None:
            found = self._applies[trusted] = self._usable and self._needed <= trusted
        return found

    def _odd_uid(self, uid: str | None) -> bool:
        """A 记录ID given that is not one (the general path says so)."""
        return uid is not None and not self._uid_like(uid.lower())

    def _party(self, text: str) -> int | None:
        return self._known(self._parties, text, self.job.known_party, self.job.known["client"])

    @staticmethod
    def _known(cache: dict, text: str, find, known: set[int]) -> int | None:
        """``find(text)``, worked out once per text: a record that exists, or None."""
        found = cache.get(text, _UNKNOWN)
        if found is _UNKNOWN:
            found = find(text)
            cache[text] = found = found if found in known else None
        return found


class QuickContracts(_QuickRows):
    """Takes the plain new-contract rows of one contracts sheet (see the module's docstring)."""

    entity = "contract"

    def __init__(self, job, names: list[str]):
        super().__init__(job, names)
        self._needs = importer._STATUS_NEEDS
        self._achievements: dict[str, int | None] = {}
        self._engagements: dict[str, int | None] = {}  # 对接项目 as written: the engagement it names
        self._brokers: dict[str, list | None] = {}
        self._names: dict[str, int | None] = {}  # a broker as written: the broker it names without doubt
        self._kinds: dict[tuple[str, str], bool] = {}
        self._shares: dict[str, int | None] = {}
        self._items: dict[str, tuple[str | None, int | None] | None] = {}
        self._today = dt.date.today()

    def forget(self) -> None:
        """The general path ran for a row: what it may have changed (parties it created, rows
        it rejected) is looked up again."""
        self._parties.clear()
        self._achievements.clear()
        self._engagements.clear()
        self._brokers.clear()
        self._names.clear()

    # -- the answers that repeat down a sheet ------------------------------------------------------
    def _achievement(self, text: str) -> int | None:
        return self._known(self._achievements, text, self.job.known_achievement, self.job.known["achievement"])

    def _engagement(self, text: str) -> int | None:
        return self._known(self._engagements, text, self._find_engagement, self.job.known["engagement"])

    def _find_engagement(self, text: str) -> int | None:
        return frontsheets.known_engagement(self.job, text)

    def _broker_shares(self, text: str) -> list[tuple[int, int]] | None:
        """(broker id, share in hundredths of a percent) as the rules keep them, or None."""
        found = self._brokers.get(text, _UNKNOWN)
        if found is _UNKNOWN:
            found = None
            parsed = importer.parse_brokers(text)
            if parsed is not None:
                known, find, names, shares = self.job.known["broker"], self.job.known_broker, self._names, self._shares
                pairs = [(self._known(names, name, find, known), shares[share] if share in shares else
                          shares.setdefault(share, share_bp(share))) for name, share in parsed]
                if not pairs or (all(b is not None and bp is not None for b, bp in pairs)
                                 and len({b for b, _ in pairs}) == len(pairs)
                                 and sum(bp for _, bp in pairs) == 10000):
                    found = pairs
            self._brokers[text] = found
        return found

    def _deduction_items(self, text: str) -> tuple[str | None, int | None] | None:
        """Itemised costs as the rules keep them and their total (None without items); None when
        they cannot be taken as they are."""
        found = self._items.get(text, _UNKNOWN)
        if found is _UNKNOWN:
            try:
                items = deductions.parse(text)
            except BrokerDeskError:
                found = None
            else:
                stored = deductions.to_json(items)
                found = None if stored and len(stored) > _ITEMS_MAX else \
                    (stored, sum(fen for _, fen in items) if items else None)
            self._items[text] = found
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
        if self._odd_uid(uid):
            return False
        out = dict(values)
        out.pop("uid", None)
        # the references, resolved as _Import._references does for records it knows without doubt
        for name, find in (("buyer_id", self._party), ("seller_id", self._party),
                           ("achievement_id", self._achievement), ("engagement_id", self._engagement)):
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
        if out.get("tech_given_fen") is not None:
            importer.no_override(out, current)
        out["status"] = importer.sheet_status(values)
        if importer.any_differs(current, out):
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
        if self._odd_uid(uid):
            return False
        buyer_text, seller_text = get("buyer_id"), get("seller_id")
        if not buyer_text or not seller_text:
            return False
        parties = self._parties
        buyer, seller = parties.get(buyer_text, _UNKNOWN), parties.get(seller_text, _UNKNOWN)
        if buyer is _UNKNOWN:
            buyer = self._party(buyer_text)
        if seller is _UNKNOWN:
            seller = self._party(seller_text)
        if buyer is None or seller is None or buyer == seller:
            return False
        # identity: a new contract (a re-import's rows are found not to be at once), and the
        # first row of this file to name it
        no, reg_no = get("contract_no"), get("reg_no")
        if (reg_no and reg_no in job.contracts_by_reg) or (no, seller) in job.contracts_by_key:
            return False
        if uid is not None and job.id_by_uid("contract", uid) is not None:
            return False
        out = dict(values)
        out.pop("uid", None)
        out["buyer_id"], out["seller_id"] = buyer, seller
        if get("achievement_id"):
            out["achievement_id"] = self._achievement(get("achievement_id"))
            if out["achievement_id"] is None:
                return False
        if get("engagement_id"):
            out["engagement_id"] = self._engagement(get("engagement_id"))
            if out["engagement_id"] is None:
                return False
        if "brokers" in values:
            out["brokers"] = self._broker_shares(values["brokers"]) if values["brokers"] else []
            if out["brokers"] is None:
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
        if get("tech_given_fen") is not None:
            importer.no_override(out, None)
        if status in _NEW_STATUS and get("approved_fen") is None:
            out["approved_fen"] = get("tech_given_fen") or amount - (get("deductions_fen") or 0)
        # the rules (contracts.check): itemised costs set the total, amounts within the contract's
        items_text = get("deduction_items")
        if items_text is not None:
            items = self._deduction_items(items_text)
            if items is None:
                return False
            out["deduction_items"], total = items
            if total is not None:
                if get("deductions_fen") is not None and values["deductions_fen"] != total:
                    return False
                out["deductions_fen"] = total
        if "deductions_fen" in out and out["deductions_fen"] is None:
            out["deductions_fen"] = 0  # left blank: none (as contracts.check has it)
        if "expert_review" in values:  # 是/否 (blank: no), as the Checker reads a flag
            flag = out["expert_review"] = flag_value(values["expert_review"])
            if flag is None:
                return False
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
        if reg_no and check_registration_number(reg_no, self._today) != (reg_no, []):
            return False
        for name in _REQUIRED:
            if out.get(name) in (None, ""):
                return False
        # written as _Import._write and _contract write a new contract
        flat = job.history.get((no, seller_text)) or []
        width, after = importer.STEP_ITEMS, registration.status_after
        moves = list(zip(flat[0::width], flat[1::width], strict=True))  # (status, date) of each step
        # steps the workflow allows, ending at the contract's status: nothing for _merge_history to say
        plain = not moves or (after(moves[-1][0]) == status and importer.move_fault(moves) is None)
        out["clock_from"] = importer._clock(status, get("accepted_on"), moves)
        out["warnings"] = None
        out["uid"] = uid or new_uid()
        id_ = job.queue_new("contract", out)
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
        if flat:  # its steps are written right behind it (and need not be kept)
            del job.history[(no, seller_text)]
            if not plain:
                job._merge_history(id_, importer._steps(flat), job.result.summaries[HISTORY.name])
            else:  # as _merge_history writes a new contract's steps that are plainly fine
                events, previous = job.events, registration.DRAFT
                for i in range(0, len(flat), width):
                    events.append((id_, previous, flat[i], flat[i + 1], flat[i + 2], flat[i + 3], False))
                    previous = after(flat[i])
                job.result.summaries[HISTORY.name].inserted += len(flat) // width
        return True


class QuickAchievements(_QuickRows):
    """Takes the plain new rows of an achievements sheet, as :class:`QuickContracts` does the
    contracts': its cells in normal form, its holder a client the lookups know without doubt,
    its patent numbers written right (any remark on one and the general path says it), a
    title and holder no record of the ledger or this file has."""

    entity = "achievement"

    def forget(self) -> None:
        self._parties.clear()

    def insert(self, row_no: int, values: dict) -> bool:
        """Write the row as a new achievement if it is plainly fine (as _Import._row, _write and
        the core's rules would write it); False, nothing done, when the general path must look."""
        job, get = self.job, values.get
        uid, title, holder_text = get("uid"), get("title"), get("holder_id")
        holder = self._party(holder_text) if title and holder_text and not self._odd_uid(uid) else None
        if holder is None:
            return False
        if (title, holder) in job.achievements_by_key or (uid is not None and
                                                          job.id_by_uid("achievement", uid) is not None):
            return False
        key = ("achievement", uid) if uid else ("achievement", title, holder)
        if key in job.seen:
            return False
        out = dict(values)
        out.pop("uid", None)
        out["holder_id"] = holder
        if "patents" in values:
            patents = clean_text(values["patents"])
            if patents:
                if len(patents) > _PATENTS_MAX:
                    return False
                numbers, problems = check_patent_list(patents)
                if problems:
                    return False
                patents = PATENT_SEPARATOR.join(numbers) or None
            out["patents"] = patents
        out["warnings"] = None
        out["uid"] = uid or new_uid()
        job.seen[key] = row_no
        id_ = job.queue_new("achievement", out)
        job._remember("achievement", id_, out)
        job.row_memory.clear()
        if uid:
            job.inserted_here.add(("achievement", id_))
        return True
