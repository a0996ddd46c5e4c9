"""The quick way in (see :mod:`.quick`) for the front office's longest sheet, 跟进记录: its plain
new rows are written as the general path would write them, without its row machinery.
``tests/test_front_office_workbook.py`` imports random sheets both ways and compares."""

from __future__ import annotations

from ..fields import flag_value
from ..ledger.journal import new_uid
from .frontsheets import known_engagement
from .quick import _QuickRows


class QuickFollowups(_QuickRows):
    """The quick way in (see :mod:`.quick`) for the plain new rows of a 跟进记录 sheet, the
    longest of the three: its cells in normal form, its engagement and broker records the
    lookups know without doubt, 下次跟进日期 not before 日期, 已完成 a yes or no, and no
    follow-up of the ledger or this file the same. Anything else takes the general path."""

    entity = "followup"

    def __init__(self, job, names: list[str]):
        super().__init__(job, names)
        self._engagements: dict[str, int | None] = {}
        self._brokers: dict[str, int | None] = {}
        self._find_engagement = lambda text: known_engagement(job, text)

    def forget(self) -> None:
        self._engagements.clear()
        self._brokers.clear()

    def insert(self, row_no: int, values: dict) -> bool:
        """Write the row as a new follow-up as the general path would; False (nothing done) when
        the general path must look at it."""
        job, get = self.job, values.get
        uid, text, on, content = get("uid"), get("engagement_id"), get("on_date"), get("content")
        if not text or not on or not content or self._odd_uid(uid):
            return False
        engagement = self._known(self._engagements, text, self._find_engagement, job.known["engagement"])
        if engagement is None:
            return False
        out = dict(values)
        out.pop("uid", None)
        out["engagement_id"] = engagement
        if get("broker_id"):
            out["broker_id"] = self._known(self._brokers, values["broker_id"], job.known_broker, job.known["broker"])
            if out["broker_id"] is None:
                return False
        if "done" in values:
            out["done"] = flag_value(values["done"])
            if out["done"] is None:
                return False
        next_on = get("next_on")
        if next_on and next_on < on:
            return False
        natural = (engagement, on, content)
        if natural in job.followups_by_key or (uid is not None and job.id_by_uid("followup", uid) is not None):
            return False
        key = ("followup", uid) if uid else ("followup", *natural)
        if key in job.seen:
            return False
        out["uid"] = uid or new_uid()
        job.seen[key] = row_no
        id_ = job.queue_new("followup", out)
        job._remember("followup", id_, out)
        job.row_memory.clear()
        if uid:
            job.inserted_here.add(("followup", id_))
        return True
