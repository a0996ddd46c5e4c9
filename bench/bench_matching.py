"""Benchmark of matching (broker_desk.matching): quality and speed.

    python3 bench/bench_matching.py [--achievements 20000] [--pairs 300] [--large 100000] [--seed 1]

Quality: a ledger of ``--achievements`` generated achievements (bench/matching_corpus.py:
varied subjects, aspects, techniques and applications in the 11 fields; one in ten
withdrawn or transferred) and ``--pairs`` demands, each written for one open
achievement whose subject, aspect, technique and application no other achievement
shares, in other words than its title (other names, parts of words, the field by a
synonym or not at all; ``--renamed 1``: every part by another name, the hardest). recall@k: the share of demands whose achievement is among the
first k results.
Speed: the index built over ``--large`` achievements (time per 1,000 and in all), then
one match (``match_demand``, top 10) for 200 demands: p50/p95 (wall clock, and the
process's CPU time, which a busy machine does not inflate); and an add and an edit with
the index following them.
Goals (issue 17): recall@5 ≥ 0.9 on ≥ 200 pairs among 20,000; p95 ≤ 50 ms at 100,000.
"""

from __future__ import annotations

import argparse
import collections
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import matching_corpus as corpus  # noqa: E402

from broker_desk import codes, matching  # noqa: E402
from broker_desk.ledger import Ledger  # noqa: E402
from broker_desk.ledger.journal import new_uids, now_utc  # noqa: E402

CLOSED = ("已下架", "已转化")


def build(path: Path, count: int, seed: int) -> tuple[Ledger, list[corpus.Achievement], list[dict]]:
    """A ledger with ``count`` achievements held by 2,000 clients across the country."""
    rng = random.Random(seed)
    ledger = Ledger.open(path)
    cities = sorted(c for c, e in codes.regions().items() if e["level"] == 2 and not e.get("obsolete"))
    stamp = now_utc()
    clients = [{"uid": u, "name": f"单位{i}", "nature": rng.choice(("企业", "高等院校", "科研机构")),
                "region": rng.choice(cities), "created_at": stamp, "updated_at": stamp}
               for i, u in enumerate(new_uids(2000), 1)]
    made = corpus.achievements(count, seed)
    rows = []
    for a, uid in zip(made, new_uids(count), strict=True):
        status = rng.choice(CLOSED) if rng.random() < 0.1 else rng.choice(("征集", "已发布", "洽谈中"))
        rows.append({"uid": uid, "title": a.title, "holder_id": rng.randrange(1, len(clients) + 1),
                     "field": a.field, "maturity": a.maturity, "price_fen": a.price_fen, "status": status,
                     "keywords": a.keywords, "summary": a.summary, "created_at": stamp, "updated_at": stamp})
    with ledger.atomic():
        for table, items in (("clients", clients), ("achievements", rows)):
            cols = list(items[0])
            ledger.conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                    [tuple(r[c] for c in cols) for r in items])
    return ledger, made, rows


def add_demands(ledger: Ledger, demands: list[dict]) -> list[int]:
    stamp = now_utc()
    ids = []
    with ledger.atomic():
        for d, uid in zip(demands, new_uids(len(demands)), strict=True):
            cur = ledger.conn.execute(
                "INSERT INTO demands (uid, title, client_id, field, description, keywords, budget_fen, status, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '已发布', ?, ?)",
                [uid, d["title"], d["client_id"], d["field"], d["description"], d["keywords"], d["budget_fen"],
                 stamp, stamp])
            ids.append(cur.lastrowid)
    return ids


def timed_rebuild(ledger: Ledger) -> float:
    ledger.conn.execute("DELETE FROM match_state") if _has_state(ledger) else None
    start = time.perf_counter()
    matching.refresh_index(ledger)
    return time.perf_counter() - start


def _has_state(ledger: Ledger) -> bool:
    return ledger.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'match_state'").fetchone() is not None


def quality(folder: Path, count: int, pairs: int, seed: int, renamed: float) -> None:
    ledger, made, rows = build(folder / "quality.brokerdesk", count, seed)
    seconds = timed_rebuild(ledger)
    print(f"index built over {count:,} achievements: {seconds:.2f} s ({seconds / count * 1000 * 1000:.0f} ms per 1,000)")
    seen = collections.Counter(a.identity for a in made)
    rng = random.Random(seed + 1)
    candidates = [i for i, a in enumerate(made) if seen[a.identity] == 1 and rows[i]["status"] not in CLOSED]
    targets = rng.sample(candidates, pairs)
    demands, region_of = [], {}
    for client_id, region in ledger.conn.execute("SELECT id, region FROM clients"):
        region_of[client_id] = region
    for i in targets:
        d = corpus.demand(made[i], rng, renamed)
        holder = rows[i]["holder_id"]
        d["client_id"] = holder if rng.random() < 0.3 else rng.randrange(1, len(region_of) + 1)
        assert d["title"] != made[i].title
        demands.append(d)
    ids = add_demands(ledger, demands)
    hits = collections.Counter()
    misses = []
    for target, demand_id, d in zip(targets, ids, demands, strict=True):
        found = [m.id for m in matching.match_demand(ledger, demand_id, top=5)]
        rank = found.index(target + 1) + 1 if target + 1 in found else None
        for k in (1, 5):
            hits[k] += rank is not None and rank <= k
        if rank is None:
            misses.append((d["title"], made[target].title))
    print(f"pairs: {pairs} among {count:,} achievements ({sum(r['status'] in CLOSED for r in rows):,} closed), "
          f"each part of a demand by another name with the chance {renamed:.2f}")
    print(f"recall@1 = {hits[1] / pairs:.3f}   recall@5 = {hits[5] / pairs:.3f}   (goal: recall@5 ≥ 0.9)")
    for demand_title, title in misses[:5]:
        print(f"  missed: demand “{demand_title}” → “{title}”")
    ledger.close()


def speed(folder: Path, count: int, seed: int) -> None:
    ledger, made, rows = build(folder / "speed.brokerdesk", count, seed + 7)
    seconds = timed_rebuild(ledger)
    print(f"index built over {count:,} achievements: {seconds:.2f} s ({seconds / count * 1000 * 1000:.0f} ms per 1,000)")
    rng = random.Random(seed)
    demands = []
    for i in rng.sample(range(count), 200):
        d = corpus.demand(made[i], rng)
        d["client_id"] = rng.randrange(1, 2001)
        demands.append(d)
    ids = add_demands(ledger, demands)
    matching.match_demand(ledger, ids[0])  # the demands' own index, built once
    times, cpu = [], []
    for demand_id in ids:
        start, start_cpu = time.perf_counter(), time.process_time()
        matching.match_demand(ledger, demand_id, top=10)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    q, qc = statistics.quantiles(times, n=20), statistics.quantiles(cpu, n=20)
    print(f"one match over {count:,} achievements: p50 {statistics.median(times):.1f} ms, p95 {q[18]:.1f} ms "
          f"(goal: p95 ≤ 50 ms); CPU time p50 {statistics.median(cpu):.1f} ms, p95 {qc[18]:.1f} ms")
    holder = ledger.conn.execute("SELECT id FROM clients LIMIT 1").fetchone()[0]
    start = time.perf_counter()
    new = ledger.add("achievement", {"title": "石墨烯散热膜卷对卷制备技术", "holder_id": holder}).id
    ledger.update("achievement", new, {"keywords": "石墨烯；散热"})
    print(f"an add and an edit with the index following them: {(time.perf_counter() - start) * 1000:.1f} ms")
    ledger.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--achievements", type=int, default=20_000)
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--renamed", type=float, default=2 / 3,
                        help="the chance that a demand names each part of its achievement otherwise (1: always)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        quality(Path(tmp), args.achievements, args.pairs, args.seed, args.renamed)
        if args.large:
            speed(Path(tmp), args.large, args.seed)


if __name__ == "__main__":
    main()
