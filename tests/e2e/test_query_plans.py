"""Every query the API can issue is index-backed at 1M figures: no full scan of a
table that grows with the data (figure, revision, location_tree), checked with
EXPLAIN QUERY PLAN (figures-fcgi --explain) on a database whose planner
statistics say it holds a million figures."""
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

import harness
from harness import refresh

# Tables whose size is fixed by the vocabulary or small by nature: scanning them is fine.
# json_each: a summary page's own group keys (at most 200); claim: a subquery's rows;
# change: a page of changes (a subquery cut at its limit).
SMALL = {"metric", "feed", "json_each", "claim", "change"}


class QueryPlans(unittest.TestCase):
    def test_no_query_scans_a_table_that_grows_with_the_data(self):
        tmp = tempfile.mkdtemp(prefix="figures-plans-")
        try:
            db = os.path.join(tmp, "f.db")
            refresh(db, "--migrate", "--quiet")
            with sqlite3.connect(db) as c:
                # The statistics ANALYZE would write for 1M figures across 5,000
                # locations, 50 sources and 10 metrics: the planner plans for them.
                c.execute("ANALYZE")
                c.execute("DELETE FROM sqlite_stat1")
                stats = [("figure", None, "1000000")]
                for idx, cols in c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                           "AND tbl_name = 'figure' AND sql IS NOT NULL"):
                    cols = cols[cols.index("(") + 1:cols.rindex(")")].split(",")
                    # rows per value of an index's first column: 10 metrics, 5,000 places,
                    # 25 countries, 50 sources, 10 feeds, ~8 groups, ~3,300 dates
                    per = {"sort_date": 300, "withdrawn": 500000, "metric_id": 100000,
                           "location_id": 200, "country": 40000, "source_id": 20000,
                           "feed_id": 100000, "grp": 120000, "id": 1}
                    stat = ["1000000"]
                    for col in (c.strip() for c in cols):
                        if len(stat) == 1:
                            n = per.get(col, 10)
                        elif col == "id":
                            n = 1          # the row id: one row from there on
                        else:
                            n = int(int(stat[-1]) / 10)
                        stat.append(str(max(1, n)))
                    stats.append(("figure", idx, " ".join(stat)))
                stats += [("revision", "revision_by_figure", "1200000 2 1"),
                          ("revision", "revision_by_retrieval", "1200000 100"),
                          ("location", None, "5000"), ("location_tree", None, "15000"),
                          ("source", None, "50")]
                c.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", stats)
            p = subprocess.run([os.path.join(harness.BIN, "figures-fcgi"), "--db", db, "--explain"],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            statements = re.split(r"\n\[(\d+)\] ", p.stdout)
            self.assertGreater(len(statements), 60, "every prepared statement is explained")
            bad = []
            for num, body in zip(statements[1::2], statements[2::2]):
                sql, plan = body.split("\n", 1)
                for line in plan.splitlines():
                    m = re.search(r"\bSCAN (\w+)(?: USING (COVERING )?INDEX (\w+))?", line)
                    if not m or m.group(1).startswith("(") or "CONSTANT ROW" in line:
                        continue   # a subquery's rows, or a value: not a table
                    table = {"f": "figure", "r": "revision", "l": "location", "p": "location",
                             "m": "metric", "s": "source", "fd": "feed"}.get(m.group(1), m.group(1))
                    if table in SMALL:
                        continue
                    # /v1/search: a substring of a name seeks no B-tree; it reads the places
                    # (one row per place feeds name, never per figure), bounded and measured
                    # in store/read.c (R_SEARCH)
                    if table == "location" and "LIKE :like" in sql:
                        continue
                    if m.group(3) is None:
                        bad.append("[%s] full scan of %s: %s\n      %s" % (num, table, line.strip(), sql[:160]))
                    elif table in ("figure", "revision") and "LIMIT" not in sql and "DISTINCT" not in sql:
                        bad.append("[%s] whole-index scan of %s without a limit: %s\n      %s"
                                   % (num, table, line.strip(), sql[:160]))
            self.assertEqual(bad, [], "\n".join(bad))
            # The indexes made for the commonest asks are the ones read.
            chosen = {}
            for body in statements[2::2]:
                sql, plan = body.split("\n", 1)
                m = re.search(r"SEARCH f USING (?:COVERING )?INDEX (\w+)", plan)
                chosen[sql] = m.group(1) if m else None
            def index_of(prefix):
                found = [i for sql, i in chosen.items() if sql.startswith(prefix)]
                self.assertEqual(len(found), 1, prefix)
                return found[0]
            country_metric = "FROM figure AS f WHERE f.country = :country AND f.metric_id = :metric AND"
            self.assertEqual(index_of("SELECT count(*) " + country_metric), "figure_by_country_metric")
            location_metric = "FROM figure AS f WHERE f.location_id = :location AND f.metric_id = :metric AND"
            self.assertEqual(index_of("SELECT count(*) " + location_metric), "figure_by_location_metric")
            pages = [sql for sql in chosen if sql.startswith("SELECT f.id, ") and "revision" not in sql
                     and "WHERE f.location_id = :location AND f.metric_id = :metric AND" in sql]
            self.assertEqual([chosen[sql] for sql in pages], ["figure_by_location_metric"],
                             "a place's page of one metric reads that metric's entries only")
            pages = [sql for sql in chosen if sql.startswith("SELECT f.id, ") and "revision" not in sql
                     and "WHERE f.country = :country AND f.metric_id = :metric AND" in sql]
            self.assertEqual([chosen[sql] for sql in pages], ["figure_by_country_metric"],
                             "a country's page of one metric (a CSV export) reads that metric's entries only")
            self.assertEqual(index_of("SELECT DISTINCT f.metric_id, f.location_id, f.grp, f.facet " + country_metric),
                             "figure_by_country_group", "a summary reads its groups in order")
            self.assertEqual(index_of("SELECT DISTINCT f.metric_id, f.location_id, f.grp, f.facet "
                                      "FROM figure AS f WHERE f.country = :country AND (:withdrawn"),
                             "figure_by_country_group")
            # A page driven by one equality (a place, a country, a metric, a source, ...
            # or none: dates) is read from its index in the page's order, sort_date then
            # id: no temporary b-tree holding every matching row to order a date's ties.
            # Only the drives by a set (a subtree's places, a category's metrics, an origin's
            # places) sort.
            plans = dict((body.split("\n", 1)[0], body.split("\n", 1)[1]) for body in statements[2::2])
            ordered = [sql for sql in plans if "ORDER BY f.sort_date DESC, f.id DESC" in sql
                       and "json_each(:keys)" not in sql]
            self.assertGreaterEqual(len(ordered), 3 * 11, "every list and history variant")
            sorting = [sql[sql.index("WHERE"):][:60] for sql in ordered if "TEMP B-TREE" in plans[sql]
                       and not re.search(r"WHERE f\.(location_id|metric_id|origin_id) IN \(SELECT", sql)]
            self.assertEqual(sorting, [], "pages sorted outside their index")
            claims = [sql for sql in chosen if "json_each(:keys)" in sql]
            self.assertEqual([chosen[sql] for sql in claims], ["figure_by_claim_group"] * 3,
                             "a summary page's claims are found by their groups' keys")
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main()
