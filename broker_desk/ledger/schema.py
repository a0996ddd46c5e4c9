"""The ledger's schema as numbered, atomic migrations.

A fresh ledger runs the same chain as an upgraded one, so the two never drift.
Each step runs in one transaction together with its record in
``_sqlite_migrations`` (sqlite-utils' ``Migrations``) and sets
``PRAGMA user_version`` to its number; a ledger whose user_version is higher
than :data:`SCHEMA_VERSION` was written by a newer BrokerDesk and is refused.

Tables are STRICT, so a registration number ``"0012…"`` stays text and an
amount stays an integer number of fen.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

#: ``PRAGMA application_id`` of every BrokerDesk ledger ("BDsk").
APPLICATION_ID = 0x4244736B

migrations = Migrations("broker_desk")

_V1 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT
) STRICT;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL            -- JSON
) STRICT;

CREATE TABLE brokers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uid         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL CHECK (length(name) > 0),
    cert_no     TEXT,
    level       TEXT,
    institution TEXT,
    phone       TEXT,
    email       TEXT,
    status      TEXT NOT NULL DEFAULT '在职',
    note        TEXT,
    warnings    TEXT,              -- JSON list of problems kept on the record
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX brokers_institution ON brokers(institution);

CREATE TABLE clients (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    uid             TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL CHECK (length(name) > 0),
    credit_code     TEXT,
    nature          TEXT,          -- 单位性质
    enterprise_type TEXT,          -- 企业类型, for 企业 only
    region          TEXT,          -- 6-digit 行政区划代码 or 3-digit country code
    address         TEXT,
    legal_rep       TEXT,
    contact         TEXT,
    phone           TEXT,
    email           TEXT,
    note            TEXT,
    warnings        TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX clients_credit_code ON clients(credit_code) WHERE credit_code IS NOT NULL;
CREATE INDEX clients_name ON clients(name);

CREATE TABLE achievements (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    uid           TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL CHECK (length(title) > 0),
    holder_id     INTEGER NOT NULL REFERENCES clients(id),
    inventors     TEXT,
    field         TEXT,
    ip_type       TEXT,
    patents       TEXT,            -- normal forms joined by '；'
    maturity      TEXT,
    transfer_mode TEXT,
    price_fen     INTEGER CHECK (price_fen >= 0),
    status        TEXT,
    keywords      TEXT,
    summary       TEXT,
    warnings      TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX achievements_holder ON achievements(holder_id);

CREATE TABLE contracts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    uid             TEXT NOT NULL UNIQUE,
    contract_no     TEXT NOT NULL CHECK (length(contract_no) > 0),
    title           TEXT NOT NULL CHECK (length(title) > 0),
    category        TEXT NOT NULL,
    subtype         TEXT,
    buyer_id        INTEGER NOT NULL REFERENCES clients(id),
    seller_id       INTEGER NOT NULL REFERENCES clients(id),
    achievement_id  INTEGER REFERENCES achievements(id),
    signed_on       TEXT NOT NULL,
    valid_from      TEXT,
    valid_to        TEXT,
    signed_place    TEXT,
    amount_fen      INTEGER NOT NULL CHECK (amount_fen >= 0),
    deductions_fen  INTEGER NOT NULL DEFAULT 0 CHECK (deductions_fen >= 0 AND deductions_fen <= amount_fen),
    tech_given_fen  INTEGER CHECK (tech_given_fen >= 0 AND tech_given_fen <= amount_fen),
    tech_fen        INTEGER GENERATED ALWAYS AS (coalesce(tech_given_fen, amount_fen - deductions_fen)) VIRTUAL,
    field           TEXT,
    ip_type         TEXT,
    plan_source     TEXT,
    socio_goal      TEXT,
    payment         TEXT,
    invest_fen      INTEGER CHECK (invest_fen >= 0),   -- 预计新增投入
    output_fen      INTEGER CHECK (output_fen >= 0),   -- 预计新增产值
    commission_fen  INTEGER CHECK (commission_fen >= 0),
    status          TEXT NOT NULL DEFAULT '草稿',
    reg_office      TEXT,
    accepted_on     TEXT,
    clock_from      TEXT,          -- the office's decision clock runs from here
    reg_no          TEXT,
    registered_on   TEXT,
    approved_fen    INTEGER CHECK (approved_fen >= 0 AND approved_fen <= amount_fen),
    note            TEXT,
    warnings        TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX contracts_reg_no ON contracts(reg_no) WHERE reg_no IS NOT NULL;
CREATE UNIQUE INDEX contracts_identity ON contracts(seller_id, contract_no);
CREATE INDEX contracts_buyer ON contracts(buyer_id);
CREATE INDEX contracts_achievement ON contracts(achievement_id) WHERE achievement_id IS NOT NULL;
CREATE INDEX contracts_status ON contracts(status, clock_from);
CREATE INDEX contracts_registered ON contracts(registered_on) WHERE registered_on IS NOT NULL;
CREATE INDEX contracts_signed ON contracts(signed_on);

-- Search: one narrow row of text per contract (its numbers, title and both
-- parties' names and codes), kept up to date by triggers, so that any query of
-- one character or more is a single scan of ~100 bytes a contract.
CREATE TABLE contract_search (
    id   INTEGER PRIMARY KEY REFERENCES contracts(id) ON DELETE CASCADE,
    text TEXT NOT NULL
) STRICT;
CREATE VIEW contract_search_text AS
    SELECT c.id, upper(c.contract_no || char(31) || c.title || char(31) || coalesce(c.reg_no, '') || char(31) ||
                       b.name || char(31) || coalesce(b.credit_code, '') || char(31) ||
                       s.name || char(31) || coalesce(s.credit_code, '')) AS text
    FROM contracts c JOIN clients b ON b.id = c.buyer_id JOIN clients s ON s.id = c.seller_id;
CREATE TRIGGER contract_search_insert AFTER INSERT ON contracts BEGIN
    INSERT INTO contract_search (id, text) SELECT id, text FROM contract_search_text WHERE id = new.id;
END;
CREATE TRIGGER contract_search_update AFTER UPDATE OF contract_no, title, reg_no, buyer_id, seller_id ON contracts BEGIN
    UPDATE contract_search SET text = (SELECT text FROM contract_search_text WHERE id = new.id) WHERE id = new.id;
END;
CREATE TRIGGER contract_search_client AFTER UPDATE OF name, credit_code ON clients BEGIN
    UPDATE contract_search SET text = (SELECT t.text FROM contract_search_text t WHERE t.id = contract_search.id)
    WHERE id IN (SELECT id FROM contracts WHERE buyer_id = new.id UNION SELECT id FROM contracts WHERE seller_id = new.id);
END;

CREATE TABLE contract_brokers (
    contract_id INTEGER NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    broker_id   INTEGER NOT NULL REFERENCES brokers(id),
    share_bp    INTEGER NOT NULL CHECK (share_bp > 0 AND share_bp <= 10000),  -- 1/100 of a percent
    PRIMARY KEY (contract_id, broker_id)
) STRICT;
CREATE INDEX contract_brokers_broker ON contract_brokers(broker_id);

CREATE TABLE registration_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uid         TEXT NOT NULL UNIQUE,
    contract_id INTEGER NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    note        TEXT,
    details     TEXT,              -- JSON: the fields the move entered
    user        TEXT,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX registration_events_contract ON registration_events(contract_id, id);

CREATE TABLE ops (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    ts        TEXT NOT NULL,       -- UTC ISO 8601
    user      TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('edit', 'undo', 'redo')),
    label     TEXT NOT NULL,       -- JSON {"code": ..., "args": {...}}
    target    INTEGER REFERENCES ops(id),
    undone_by INTEGER REFERENCES ops(id),
    redone_by INTEGER REFERENCES ops(id)
) STRICT;

CREATE TABLE changes (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id   INTEGER NOT NULL REFERENCES ops(id),
    entity  TEXT NOT NULL,
    uid     TEXT NOT NULL,
    action  TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    field   TEXT,
    old     TEXT,                  -- JSON
    new     TEXT                   -- JSON
) STRICT;
CREATE INDEX changes_op ON changes(op_id);
CREATE INDEX changes_record ON changes(entity, uid);
"""


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    for statement in _split(_V1):
        db.execute(statement)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 1")


_V2 = """
-- The contract list walks one of these in its sort order and checks the filters
-- inside the index (never looking rows up), whatever filters are combined; 'id'
-- after the sort column keeps ties in id order. contracts_listing starts with
-- what contracts_signed held, so it takes its place.
DROP INDEX contracts_signed;
CREATE INDEX contracts_listing ON contracts(signed_on, id, status, category, registered_on, clock_from);
CREATE INDEX contracts_by_amount ON contracts(amount_fen, id, status, category, signed_on, registered_on, clock_from);
"""


@migrations(name="0002_listing_indexes")
def m0002_listing_indexes(db: Database) -> None:
    for statement in _split(_V2):
        db.execute(statement)
    db.execute("PRAGMA user_version = 2")


_V3 = """
-- 非技术性费用明细: the itemized non-technical costs of a contract, as JSON
-- [["设备费", 2000000], ...] (item, fen); their sum is deductions_fen.
ALTER TABLE contracts ADD COLUMN deduction_items TEXT;
"""


@migrations(name="0003_deduction_items")
def m0003_deduction_items(db: Database) -> None:
    for statement in _split(_V3):
        db.execute(statement)
    db.execute("PRAGMA user_version = 3")


_V4 = """
-- 专家审核: the registration office sends the case to expert review (a longer time limit).
ALTER TABLE contracts ADD COLUMN expert_review INTEGER NOT NULL DEFAULT 0 CHECK (expert_review IN (0, 1));
-- A time limit the office set before the rule was known stays its own fixed limit.
INSERT OR IGNORE INTO settings (key, value)
    SELECT 'registration.limit_mode', '"fixed"' FROM settings
    WHERE key IN ('registration.limit_days', 'registration.limit_working') LIMIT 1;
"""


@migrations(name="0004_expert_review")
def m0004_expert_review(db: Database) -> None:
    for statement in _split(_V4):
        db.execute(statement)
    db.execute("PRAGMA user_version = 4")


_V5 = """
-- The front office (DESIGN §3): 技术需求, 对接项目 with their brokers, 跟进记录; a contract
-- names the engagement it was signed from.
CREATE TABLE demands (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    uid          TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL CHECK (length(title) > 0),   -- 需求名称
    client_id    INTEGER NOT NULL REFERENCES clients(id),   -- 需求方
    field        TEXT,                                      -- 技术领域
    kind         TEXT,                                      -- 需求类型
    description  TEXT,
    keywords     TEXT,
    budget_fen   INTEGER CHECK (budget_fen >= 0),
    deadline     TEXT,                                      -- 截止日期
    broker_id    INTEGER REFERENCES brokers(id),            -- 负责经纪人
    source       TEXT,                                      -- 来源
    status       TEXT NOT NULL DEFAULT '征集中',
    published_on TEXT,
    note         TEXT,
    warnings     TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX demands_client ON demands(client_id);
CREATE INDEX demands_broker ON demands(broker_id) WHERE broker_id IS NOT NULL;
CREATE INDEX demands_status ON demands(status);

CREATE TABLE engagements (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    uid              TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL CHECK (length(title) > 0),   -- 项目名称
    demand_id        INTEGER REFERENCES demands(id),
    achievement_id   INTEGER REFERENCES achievements(id),
    demand_client_id INTEGER REFERENCES clients(id),            -- 需求方
    supply_client_id INTEGER REFERENCES clients(id),            -- 供给方
    stage            TEXT NOT NULL DEFAULT '初步接触',
    expected_fen     INTEGER CHECK (expected_fen >= 0),         -- 预计金额
    started_on       TEXT,
    end_reason       TEXT,                                      -- 终止原因 (required when 已终止)
    note             TEXT,
    warnings         TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX engagements_demand ON engagements(demand_id) WHERE demand_id IS NOT NULL;
CREATE INDEX engagements_achievement ON engagements(achievement_id) WHERE achievement_id IS NOT NULL;
CREATE INDEX engagements_demand_client ON engagements(demand_client_id) WHERE demand_client_id IS NOT NULL;
CREATE INDEX engagements_supply_client ON engagements(supply_client_id) WHERE supply_client_id IS NOT NULL;
CREATE INDEX engagements_stage ON engagements(stage);

CREATE TABLE engagement_brokers (
    engagement_id INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    broker_id     INTEGER NOT NULL REFERENCES brokers(id),
    share_bp      INTEGER NOT NULL CHECK (share_bp > 0 AND share_bp <= 10000),  -- 1/100 of a percent
    PRIMARY KEY (engagement_id, broker_id)
) STRICT;
CREATE INDEX engagement_brokers_broker ON engagement_brokers(broker_id);

CREATE TABLE followups (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    uid           TEXT NOT NULL UNIQUE,
    engagement_id INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    on_date       TEXT NOT NULL,
    channel       TEXT,                                      -- 方式
    broker_id     INTEGER REFERENCES brokers(id),
    content       TEXT NOT NULL CHECK (length(content) > 0),
    next_step     TEXT,
    next_on       TEXT,                                      -- 下次跟进日期
    done          INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX followups_engagement ON followups(engagement_id, on_date);
CREATE INDEX followups_due ON followups(next_on) WHERE done = 0 AND next_on IS NOT NULL;
CREATE INDEX followups_broker ON followups(broker_id) WHERE broker_id IS NOT NULL;

ALTER TABLE contracts ADD COLUMN engagement_id INTEGER REFERENCES engagements(id);
CREATE INDEX contracts_engagement ON contracts(engagement_id) WHERE engagement_id IS NOT NULL;
"""


@migrations(name="0005_front_office")
def m0005_front_office(db: Database) -> None:
    for statement in _split(_V5):
        db.execute(statement)
    db.execute("PRAGMA user_version = 5")


_V6 = """
-- Money after signing (DESIGN §3): a contract's 付款计划, the money received (到账记录, optionally
-- against a plan item) and the commission paid out to its brokers (佣金发放).
CREATE TABLE payment_plans (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uid         TEXT NOT NULL UNIQUE,
    contract_id INTEGER NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL CHECK (seq >= 1),              -- 期次: 1, 2, 3 … within the contract
    kind        TEXT,                                           -- 类型 (code table payment_kind)
    due_on      TEXT,                                           -- 约定日期
    amount_fen  INTEGER CHECK (amount_fen >= 0),                -- 约定金额 (提成 may have none)
    condition   TEXT,                                           -- 条件 (e.g. 验收合格后)
    note        TEXT,
    warnings    TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX payment_plans_seq ON payment_plans(contract_id, seq);
CREATE INDEX payment_plans_due ON payment_plans(due_on) WHERE due_on IS NOT NULL;

CREATE TABLE receipts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uid         TEXT NOT NULL UNIQUE,
    contract_id INTEGER NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    received_on TEXT NOT NULL,                                  -- 到账日期
    amount_fen  INTEGER NOT NULL CHECK (amount_fen >= 0),
    payer       TEXT,                                           -- 付款方
    plan_id     INTEGER REFERENCES payment_plans(id) ON DELETE SET NULL,
    voucher     TEXT,                                           -- 凭证号
    note        TEXT,
    warnings    TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX receipts_contract ON receipts(contract_id, received_on);
CREATE INDEX receipts_received ON receipts(received_on, amount_fen, contract_id);
CREATE INDEX receipts_plan ON receipts(plan_id) WHERE plan_id IS NOT NULL;

CREATE TABLE commission_payouts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uid         TEXT NOT NULL UNIQUE,
    contract_id INTEGER NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    broker_id   INTEGER NOT NULL REFERENCES brokers(id),
    paid_on     TEXT NOT NULL,                                  -- 发放日期
    amount_fen  INTEGER NOT NULL CHECK (amount_fen >= 0),
    note        TEXT,
    warnings    TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX commission_payouts_contract ON commission_payouts(contract_id, broker_id);
CREATE INDEX commission_payouts_broker ON commission_payouts(broker_id, paid_on);
"""


@migrations(name="0006_money")
def m0006_money(db: Database) -> None:
    for statement in _split(_V6):
        db.execute(statement)
    db.execute("PRAGMA user_version = 6")


_V7 = """
-- The home page's figures of the year (count, 成交额, 技术交易额, 核定 of the contracts registered
-- in it) read from the index alone: ≈ 3 ms against ≈ 35 ms looking up each of 100,000 contracts'
-- rows. It starts with what contracts_registered held, so it takes its place (range scans by
-- registration date, rankings and statistics, use it as before).
DROP INDEX contracts_registered;
CREATE INDEX contracts_registered ON contracts(registered_on, status, amount_fen, tech_fen, approved_fen)
    WHERE registered_on IS NOT NULL;
"""


@migrations(name="0007_registered_figures_index")
def m0007_registered_figures_index(db: Database) -> None:
    for statement in _split(_V7):
        db.execute(statement)
    db.execute("PRAGMA user_version = 7")


#: The newest schema this program knows (the number of the last migration).
SCHEMA_VERSION = 7


def suspend_indexes(conn: sqlite3.Connection, table: str) -> Callable[[], None]:
    """Drop ``table``'s indexes for a bulk insert inside the caller's transaction; returns the
    function that builds them again. Building an index once over many rows is several times
    faster than keeping it up to date row by row; a unique index that no longer holds fails the
    rebuild, and with it the transaction, so nothing is lost. The table's triggers stay: what
    they keep (the contracts' search rows) is kept row by row, in the inserting thread."""
    found = conn.execute("SELECT name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
                         "AND type = 'index'", [table]).fetchall()
    for name, _ in found:
        conn.execute(f"DROP INDEX {name}")

    def restore() -> None:
        for _, sql in found:
            conn.execute(sql)

    return restore


def _split(script: str) -> list[str]:
    """Statements of a script (executescript() would commit the migration's transaction)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    statements, pending = [], ""
    for part in "\n".join(lines).split(";"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):  # a trigger body holds semicolons of its own
            if pending.strip(" \n;"):
                statements.append(pending.strip())
            pending = ""
    return statements
