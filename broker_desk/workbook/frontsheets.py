"""Importing the front office's sheets (技术需求, 对接项目, 跟进记录) and the 技术合同 sheet's
对接项目 column: what the importer's row machinery (``importing.run.Import``) needs to know of
them — the lookups by name, the references, the identity of a row, and the check made at
the end (an engagement 已签约 with no contract). The rows themselves take the general path
(the core's rules, the same tolerance, synonyms and all-or-nothing rules as every sheet).

Identity, when 记录ID is blank: a demand's (需求名称, 需求方); an engagement's 项目名称 (when
one engagement has it); a follow-up's (对接项目, 日期, 内容).
"""

from __future__ import annotations

import json

from .. import i18n
from ..errors import WARNING
from ..frontoffice import SIGNED

i18n.register({
    "import.no_demand": ("找不到技术需求“{value}”", "No demand “{value}”"),
    "import.ambiguous_demand": ("有多项技术需求名为“{value}”，请改填其记录ID",
                                "Several demands are titled “{value}”; give its record ID"),
    "import.no_engagement": ("找不到对接项目“{value}”（账本和本工作簿中都没有）",
                             "No engagement “{value}” (neither in the ledger nor in this workbook)"),
    "import.ambiguous_engagement": ("有多个对接项目名为“{value}”，请改填其记录ID",
                                    "Several engagements are titled “{value}”; give its record ID"),
    "import.engagement_unsigned": ("阶段为“已签约”，但没有技术合同关联到这个对接项目（技术合同的“对接项目”列）",
                                   "The stage is “signed” but no contract names this engagement (the contracts' "
                                   "“对接项目” column)"),
})

ENTITIES = frozenset(("demand", "engagement", "followup"))
#: Column kinds naming one record: resolved by :func:`reference`.
REFERENCES = frozenset(("demand", "engagement", "broker"))


def load_keys(job) -> None:
    """The front office's records as the import finds them (by name, by natural key)."""
    c = job.conn
    job.demands_by_title, job.demands_by_key = {}, {}
    for id_, title, client in c.execute("SELECT id, title, client_id FROM demands"):
        job.demands_by_title.setdefault(title, []).append(id_)
        job.demands_by_key.setdefault((title, client), []).append(id_)
    job.engagements_by_title = {}
    for id_, title in c.execute("SELECT id, title FROM engagements"):
        job.engagements_by_title.setdefault(title, []).append(id_)
    job.followups_by_key = {(e, d, t): i for i, e, d, t in c.execute(
        "SELECT id, engagement_id, on_date, content FROM followups")}
    for entity, ids in (("demand", job.demands_by_title), ("engagement", job.engagements_by_title)):
        job.known[entity] = {i for found in ids.values() for i in found}
    job.engagement_rows = []  # (sheet, row, its 阶段 column, engagement id) of the engagements written


def _by_title(job, entity: str, titles: dict, text: str) -> tuple[int | None, bool]:
    """(the record ``text`` — its 记录ID or title — names, whether the title is ambiguous)."""
    from .importing.rules import UID_LIKE

    if UID_LIKE.match(text.lower()):
        id_ = job.id_by_uid(entity, text.lower())
        if id_ is not None:
            return id_, False
    ids = titles.get(text, ())
    return (ids[0], False) if len(ids) == 1 else (None, len(ids) > 1)


def known_engagement(job, text: str) -> int | None:
    """The engagement ``text`` (its 记录ID or 项目名称) names without doubt, if any."""
    return _by_title(job, "engagement", job.engagements_by_title, text)[0]


def reference(job, raw, row_no: int, column, text: str) -> int | None:
    """A 技术需求, 对接项目 or 经纪人 cell as the record's id; None (said as a row error) if none."""
    if column.kind == "broker":
        return job.broker(raw, row_no, column, text)
    entity, titles = (("demand", job.demands_by_title) if column.kind == "demand"
                      else ("engagement", job.engagements_by_title))
    found, ambiguous = _by_title(job, entity, titles, text)
    if found is None:
        code = f"import.{'ambiguous' if ambiguous else 'no'}_{entity}"
        job.problem(raw, row_no, column, i18n.tr(code, value=text))
    return found


def natural(job, entity: str, values: dict) -> int | None:
    if entity == "demand":
        ids = job.demands_by_key.get((values.get("title"), values.get("client_id")), ())
        return ids[0] if len(ids) == 1 else None
    if entity == "engagement":
        ids = job.engagements_by_title.get(values.get("title"), ())
        return ids[0] if len(ids) == 1 else None
    return job.followups_by_key.get((values.get("engagement_id"), values.get("on_date"), values.get("content")))


def key(entity: str, values: dict) -> tuple:
    if entity == "demand":
        return (entity, values.get("title"), values.get("client_id"))
    if entity == "engagement":
        return (entity, values.get("title"))
    return (entity, values.get("engagement_id"), values.get("on_date"), values.get("content"))


def remember(job, entity: str, id_: int, row: dict, one, among) -> None:
    """A written record into the lookups (``one``/``among`` as ``Import.remember`` gives them)."""
    if entity == "demand":
        among(job.demands_by_title, row["title"])
        among(job.demands_by_key, (row["title"], row["client_id"]))
    elif entity == "engagement":
        among(job.engagements_by_title, row["title"])
    elif entity == "followup":
        one(job.followups_by_key, (row["engagement_id"], row["on_date"], row["content"]))


def written(job, raw, row_no: int, where: dict, entity: str, values: dict, current_id: int | None,
            outcome: str) -> None:
    """After a row of the sheets was taken: an engagement's row is noted for :func:`finish`."""
    if entity == "engagement" and outcome in ("inserted", "updated"):
        id_ = current_id if current_id is not None else job.engagements_by_title[values["title"]][-1]
        job.engagement_rows.append((raw, row_no, where.get("stage"), id_))


def finish(job) -> None:
    """At the end of the import (the contracts sheet, which names engagements, comes later):
    an engagement 已签约 that no contract names is a warning on its row."""
    rows = job.engagement_rows
    if not rows:
        return
    job.flush()
    ids = json.dumps([id_ for *_, id_ in rows])
    unsigned = {i for (i,) in job.conn.execute(
        # NOT IN reads the contracts once (their indexes may be suspended by a bulk import)
        "SELECT id FROM engagements WHERE id IN (SELECT value FROM json_each(?)) AND stage = ? AND id NOT IN "
        "(SELECT engagement_id FROM contracts WHERE engagement_id IS NOT NULL)", [ids, SIGNED])}
    for raw, row_no, column, id_ in rows:
        if id_ in unsigned:
            job.problem(raw, row_no, column, i18n.tr("import.engagement_unsigned"), WARNING)

