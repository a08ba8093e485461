"""Issue 4, part one: conflicting claims side by side, what we knew on a date,
CSV and HXL, and the HTTP manners clients expect. Through real nginx."""
import csv
import io
import os
import random
import shutil
import sqlite3
import tempfile
import time
import unittest

from harness import SEED, Service, ServiceTestCase, refresh

with open(SEED, encoding="utf-8") as _f:
    LINES = _f.read().splitlines()


class Summary(ServiceTestCase):
    def get(self, path, status=200, headers=None):
        r = self.svc.get(path, headers)
        self.assertEqual(r.status, status, r.body[:300])
        return r

    def test_the_ain_issa_escape_is_two_claims_that_disagree(self):
        d = self.get("/v1/summary?metric=escaped").json()
        self.assertEqual(len(d["data"]), 1)
        item = d["data"][0]
        self.assertEqual((item["metric"], item["location"]["code"], item["group"]),
                         ("escaped", "ain-issa-camp", "foreigners affiliated with IS"))
        self.assertEqual(item["sources"], 2)
        self.assertFalse(item["agree"])
        self.assertEqual(item["range"], {"min": 100, "max": 800})
        self.assertEqual(item["latest_as_of"], "2019-10-13")
        got = sorted((c["value"], c["qualifier"], c["source"]["id"]) for c in item["claims"])
        self.assertEqual(got, [(100, "exact", "monitoring-group-unnamed"),
                               (800, "almost", "kurdish-authorities")])
        self.assertNotIn("average", str(item).lower())

    def test_a_single_source_agrees_and_groups_stay_apart(self):
        d = self.get("/v1/summary?location=northern-syria&metric=detained").json()
        groups = {i["group"]: i for i in d["data"]}
        self.assertEqual(set(groups), {"IS suspects", "foreign nationals"})
        self.assertTrue(groups["IS suspects"]["agree"])
        self.assertEqual(groups["IS suspects"]["claims"][0]["qualifier"], "more_than")

    def test_summary_pages_by_group_and_takes_the_figures_filters(self):
        seen, path = [], "/v1/summary?limit=4"
        while path:
            d = self.get(path).json()
            self.assertEqual(d["meta"]["total"], 9)
            seen += [(i["metric"], i["location"]["code"], i["group"]) for i in d["data"]]
            c = d["meta"]["next_cursor"]
            path = "/v1/summary?limit=4&cursor=" + c if c else None
        self.assertEqual(len(seen), 9)
        self.assertEqual(len(set(seen)), 9)
        self.assertEqual(self.get("/v1/summary?country=TUR").json()["meta"]["total"], 1)
        self.assertEqual(self.get("/v1/summary?source=sdf").json()["meta"]["total"], 2)
        self.assertEqual(self.get("/v1/summary?category=casualties").json()["data"][0]["claims"][0]["value"], 9)
        for bad, param in [("cursor=ZjF8MjAxOS0xMC0xM3w3", "cursor"), ("metric=nope", "metric"),
                           ("limit=201", "limit"), ("as_of_date=2020-13-01", "as_of_date"),
                           ("known_by=reported", "known_by")]:
            e = self.get("/v1/summary?" + bad, 400).json()["error"]
            self.assertEqual(e["parameter"], param)

    # -- formats ----------------------------------------------------------------------

    def rows(self, body):
        return list(csv.reader(io.StringIO(body.decode("utf-8"))))

    def test_csv_is_rfc4180_with_a_header_and_escapes(self):
        r = self.get("/v1/figures?format=csv&limit=1000")
        self.assertTrue(r.header("content-type").startswith("text/csv"))
        self.assertTrue(r.body.endswith(b"\r\n"))
        rows = self.rows(r.body)
        self.assertEqual(rows[0][:4], ["id", "metric", "category", "value"])
        self.assertEqual(len(rows), 11)
        self.assertEqual(r.header("x-total-count"), "10")
        by_id = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
        self.assertEqual(by_id["3"]["quote"], "The UN says 130,000 people have fled their homes, "
                                              "and the figure may rise.")
        self.assertEqual(by_id["2"]["qualifier"], "almost")

    def assert_table_is_json(self, query):
        """CSV and HXL are written from the store's rows, JSON through its tree:
        every cell must still be the JSON figure's value, flattened."""
        figures = self.get("/v1/figures?" + query).json()["data"]
        self.assertTrue(figures, query)
        def flat(f):
            text = lambda v: "" if v is None else ("true" if v is True else "false" if v is False else str(v))
            period = f.get("period") or {}
            return [text(v) for v in (
                f["id"], f["metric"], f["category"], f["value"], f["qualifier"], f["group"],
                f["unit"], f["cause"], (f["origin"] or {}).get("country"),
                *[(f["origin"] or {}).get(k) if (f["origin"] or {}).get("admin_level") == level
                  else None for level, k in ((0, "name"), (1, "code"), (1, "name"),
                                             (2, "code"), (2, "name"))],
                (f["by_sex"] or {}).get("males"), (f["by_sex"] or {}).get("females"),
                f["location"]["code"], f["location"]["name"], f["location"]["type"],
                f["location"]["country"], f["as_of"], period.get("start"), period.get("end"),
                f["reported_on"], f["retrieved_at"], f["source"]["id"], f["source"]["name"],
                f["source"]["organisation"], f["source"]["type"], f["source"]["url"], f["via"],
                f["url"], f["quote"], f["licence"], f["feed"], f["withdrawn"],
                f["attribution"])]
        want = [flat(f) for f in figures]
        csv_rows = self.rows(self.get("/v1/figures?format=csv&" + query).body)
        self.assertEqual(csv_rows[1:], want, query)
        hxl = self.rows(self.get("/v1/figures?format=hxl&" + query).body)
        width = len(want[0])
        self.assertEqual([r[:width] for r in hxl[2:]], want, query)
        for f, r in zip(figures, hxl[2:]):   # the value again, under its metric's own column
            by_metric = dict(zip(hxl[0][width:], r[width:]))
            self.assertEqual({k: v for k, v in by_metric.items() if v}, {f["metric"]: str(f["value"])})

    def test_csv_and_hxl_rows_are_the_json_figures(self):
        self.assert_table_is_json("limit=1000")
        self.assert_table_is_json("metric=detained&limit=2")
        self.assert_table_is_json("as_of_date=2030-01-01&include=withdrawn&limit=1000")

    def test_csv_paging_is_in_a_link_header(self):
        r = self.get("/v1/figures?format=csv&limit=3&metric=detained")
        link = r.header("link")
        self.assertRegex(link, r'^</v1/figures\?format=csv&limit=3&metric=detained&cursor=[A-Za-z0-9_-]+>; rel="next"$')
        nxt = self.get(link[1:link.index(">")])
        self.assertEqual(len(self.rows(nxt.body)), 2)     # the header and the fourth detained figure
        self.assertIsNone(nxt.header("link"))

    def test_csv_link_is_whole_for_the_longest_query_accepted(self):
        """A query may be 2,048 bytes; the Link header carries all of it and the cursor."""
        query = "format=csv&metric=detained&limit=" + "0" * (2048 - 40) + "3"
        self.assertLessEqual(len(query), 2048)
        link = self.get("/v1/figures?" + query).header("link")
        self.assertRegex(link, r'^</v1/figures\?%s&cursor=[A-Za-z0-9_-]+>; rel="next"$' % query)
        self.assertEqual(len(self.rows(self.get(link[1:link.index(">")]).body)), 2)

    def test_hxl_has_a_hashtag_row_and_loads_back_into_a_feed(self):
        r = self.get("/v1/figures?format=hxl&limit=1000")
        rows = self.rows(r.body)
        self.assertTrue(all(c.startswith("#") for c in rows[1]))
        self.assertIn("#affected+escaped", rows[1])
        self.assertIn("#meta+source", rows[1])
        tmp = tempfile.mkdtemp(prefix="figures-hxl-")
        try:
            path = os.path.join(tmp, "export.csv")
            with open(path, "wb") as f:
                f.write(r.body)
            db = os.path.join(tmp, "f.db")
            refresh(db, "--migrate", "--quiet")
            p = refresh(db, "--import", path, "--feed", "roundtrip")
            self.assertIn("10 added, 0 changed, 0 unchanged, 0 rejected", p.stderr)
            with sqlite3.connect(db) as c:
                got = sorted(c.execute("SELECT m.code, f.value, f.qualifier, s.code FROM figure f "
                                       "JOIN metric m ON m.id = f.metric_id JOIN source s ON "
                                       "s.id = f.source_id"))
            want = sorted((f["metric"], f["value"], f["qualifier"], f["source"]["id"])
                          for f in self.get("/v1/figures?limit=1000").json()["data"])
            self.assertEqual(got, want)
        finally:
            shutil.rmtree(tmp)

    def test_summary_as_csv_and_hxl(self):
        rows = self.rows(self.get("/v1/summary?metric=escaped&format=csv").body)
        head = rows[0]
        self.assertEqual(head[:5], ["sources", "agree", "range_min", "range_max", "latest_as_of"])
        self.assertEqual([r[head.index("value")] for r in rows[1:]], ["100", "800"])
        self.assertEqual({r[1] for r in rows[1:]}, {"false"})
        rows = self.rows(self.get("/v1/summary?metric=escaped&format=hxl").body)
        self.assertIn("#meta+agree", rows[1])

    def test_accept_chooses_the_format_and_vary_says_so(self):
        r = self.get("/v1/figures?metric=escaped", headers={"Accept": "text/csv"})
        self.assertTrue(r.header("content-type").startswith("text/csv"))
        self.assertEqual(r.header("vary"), "Accept")
        j = self.get("/v1/figures?metric=escaped", headers={"Accept": "text/csv;q=0.5, application/json"})
        self.assertTrue(j.header("content-type").startswith("application/json"))
        self.assertNotEqual(r.header("etag"), j.header("etag"), "one ETag per representation")
        b = self.get("/v1/figures?metric=escaped", headers={"Accept": "text/html,*/*;q=0.8"})
        self.assertTrue(b.header("content-type").startswith("application/json"))
        e = self.get("/v1/figures", 406, headers={"Accept": "image/png"}).json()["error"]
        self.assertEqual(e["code"], "not_acceptable")
        f = self.get("/v1/figures?format=csv", headers={"Accept": "application/json"})
        self.assertTrue(f.header("content-type").startswith("text/csv"), "format= wins")

    # -- HTTP manners -----------------------------------------------------------------

    def test_cors_preflight_and_headers(self):
        r = self.svc.request("OPTIONS", "/v1/summary", {"Origin": "https://news.example",
                                                       "Access-Control-Request-Method": "GET"})
        self.assertEqual(r.status, 204)
        self.assertEqual(r.header("access-control-allow-origin"), "*")
        self.assertIn("GET", r.header("access-control-allow-methods"))
        self.assertIn("If-None-Match", r.header("access-control-allow-headers"))
        g = self.get("/v1/figures")
        self.assertEqual(g.header("access-control-allow-origin"), "*")
        self.assertIn("ETag", g.header("access-control-expose-headers"))

    def test_cache_control_follows_the_refresh_interval(self):
        cc = self.get("/v1/figures").header("cache-control")
        # the default feed refreshes daily: a tenth of that, capped at 10 minutes
        self.assertEqual(cc, "public, max-age=600, stale-while-revalidate=600")
        self.assertEqual(self.get("/v1/health").header("cache-control"), "no-store")
        refresh(self.svc.db, "--add-feed", "ain-issa-report", "--interval", "600")
        cc = self.svc.get("/v1/figures?limit=7").header("cache-control")   # a new data version
        self.assertEqual(cc, "public, max-age=60, stale-while-revalidate=60")
        refresh(self.svc.db, "--add-feed", "ain-issa-report", "--interval", "86400")

    def test_304_for_summary_and_csv(self):
        for path in ("/v1/summary", "/v1/figures?format=csv"):
            r = self.get(path)
            self.assertEqual(self.svc.get(path, {"If-None-Match": r.header("etag")}).status, 304, path)
            self.assertTrue(r.header("last-modified").endswith(" GMT"))


class FormulaInjection(unittest.TestCase):
    """A source's text must never run as a spreadsheet formula."""

    def test_cells_that_would_be_formulas_are_neutralised(self):
        hostile = "\r\n".join([
            "Reported,Country,Location,Source,Killed,Group,Quote,Via",
            "#date+reported,#country+code,#loc+name,#meta+source,#affected+killed,#description+group,#description+quote,#meta+via",
            '2021-01-01,SYR,Town,"=HYPERLINK(""http://evil.example"",""click"")",3,+cmd|\' /C calc\'!A0,@SUM(1+1),"-2+3"',
            '2021-01-02,SYR,Town,Tab source,4,group,"\rquote",=1',
        ]) + "\r\n"
        with Service() as svc:
            fd, path = tempfile.mkstemp(suffix=".csv")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(hostile)
            p = refresh(svc.db, "--import", path, "--feed", "hostile", check=False)
            os.unlink(path)
            self.assertEqual(p.returncode, 0, p.stderr)
            for fmt in ("csv", "hxl"):
                body = svc.get("/v1/figures?feed=hostile&format=" + fmt).body.decode("utf-8")
                rows = list(csv.reader(io.StringIO(body)))
                head = rows[0]
                cells = [r[head.index(c)] for r in rows[1 + (fmt == "hxl"):]
                         for c in ("source_name", "group", "quote", "via")]
                self.assertIn("'=HYPERLINK(\"http://evil.example\",\"click\")", cells)
                self.assertIn("'+cmd|' /C calc'!A0", cells)
                self.assertIn("'@SUM(1+1)", cells)
                self.assertIn("'-2+3", cells)
                self.assertIn("'=1", cells)
                self.assertIn("'\rquote", cells)
                for c in cells:
                    self.assertFalse(c[:1] in ("=", "+", "-", "@", "\t", "\r"), repr(c))


class WhatWeKnew(unittest.TestCase):
    """/v1/figures?as_of_date=: each figure as it stood at the end of that day."""

    def test_revisions_and_withdrawals_as_of_a_date(self):
        with Service() as svc:
            with sqlite3.connect(svc.db) as c:   # pretend the seed was fetched long ago
                c.execute("UPDATE revision SET retrieved_at = '2025-01-01T00:00:00Z'")
                c.execute("UPDATE figure SET retrieved_at = '2025-01-01T00:00:00Z'")
            tmp = tempfile.mkdtemp(prefix="figures-asof-")
            try:
                changed = os.path.join(tmp, "c.csv")
                with open(changed, "w", encoding="utf-8") as f:
                    f.write("\r\n".join(LINES[:3] + [LINES[3].replace(",,100,", ",,150,")] + LINES[5:]) + "\r\n")
                p = refresh(svc.db, "--import", changed, "--feed", "ain-issa-report")
                self.assertIn("1 changed", p.stderr)
                self.assertIn("1 withdrawn", p.stderr)
            finally:
                shutil.rmtree(tmp)
            today = time.strftime("%Y-%m-%d", time.gmtime())
            now = svc.get("/v1/figures?metric=escaped").json()
            self.assertEqual([f["value"] for f in now["data"]], [150])
            then = svc.get("/v1/figures?metric=escaped&as_of_date=2025-06-01").json()
            self.assertEqual(sorted(f["value"] for f in then["data"]), [100, 800])
            self.assertEqual(then["meta"]["as_of_date"], "2025-06-01")
            self.assertTrue(all(f["retrieved_at"] == "2025-01-01T00:00:00Z" for f in then["data"]))
            self.assertFalse(any(f["withdrawn"] for f in then["data"]))
            before = svc.get("/v1/figures?as_of_date=2024-12-31").json()
            self.assertEqual(before["meta"]["total"], 0, "nothing was known before the first fetch")
            self.assertEqual(svc.get("/v1/figures?metric=escaped&as_of_date=" + today).json()["meta"]["total"], 1)
            revs = svc.get("/v1/figures/1").json()["data"]["revisions"]
            self.assertEqual([r["value"] for r in revs], [150, 100])
            self.assertEqual(svc.get("/v1/figures?as_of_date=2025-02-30").status, 400)
            # a withdrawn figure and an older revision, in CSV as in JSON
            for query in ("include=withdrawn&limit=1000", "as_of_date=2025-06-01&metric=escaped"):
                figures = svc.get("/v1/figures?" + query).json()["data"]
                rows = list(csv.reader(io.StringIO(svc.get("/v1/figures?format=csv&" + query).body.decode())))
                w = rows[0].index("withdrawn")
                self.assertEqual([(r[0], r[3], r[w]) for r in rows[1:]],
                                 [(str(f["id"]), str(f["value"]), "true" if f["withdrawn"] else "false")
                                  for f in figures], query)
            rows = list(csv.reader(io.StringIO(svc.get(
                "/v1/figures?format=csv&include=withdrawn&limit=1000").body.decode())))
            self.assertIn("true", [r[rows[0].index("withdrawn")] for r in rows])


if __name__ == "__main__":
    unittest.main()


def generated_claims(path, seed, n=400, feed_tag=""):
    """n HXL rows like the seed's: 3 metrics, 6 locations in 2 countries, 5
    sources, 2 groups, 24 dates; some without an as-of date (then the reported
    date sorts them, so one source can have two figures on one date)."""
    rnd = random.Random(seed)
    cols = LINES[1].split(",")
    rows = []
    for i in range(n):
        country, loc, src = rnd.choice(["SYR", "IRQ"]), rnd.randrange(6), rnd.randrange(5)
        day = "2019-%02d-%02d" % (rnd.randrange(1, 13), rnd.choice([1, 15]))
        r = dict.fromkeys(cols, "")
        r.update({"Reported": day, "As of": "" if rnd.random() < 0.2 else day,
                  "Country": country, "Country name": country,
                  "Location code": "%s-loc-%d" % (country.lower(), loc), "Location": "Place %d" % loc,
                  "Location type": "camp", "Source": "Source %d" % src, "Source code": "src-%d" % src,
                  "Source type": "ngo", "Organisation": "Org %d" % src,
                  "Qualifier": rnd.choice(["exact", "about", "at least"]),
                  "Group": rnd.choice(["", "children"]), "Quote": "row %d%s" % (i, feed_tag)})
        r[rnd.choice(["Displaced", "Detained", "Escaped"])] = str(rnd.randrange(1, 5000))
        rows.append(",".join(r[c] for c in cols))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\r\n".join(LINES[:3] + rows) + "\r\n")


class SummaryIsEachSourcesLatest(unittest.TestCase):
    """/v1/summary, page by page, against the rule computed here from the
    database: per group, each source's figure with the latest (sort date, id),
    claims by value then source, groups in (metric, location, group) order."""

    def test_summary_pages_equal_the_rule(self):
        with Service(seed=False) as svc:
            tmp = tempfile.mkdtemp(prefix="figures-claims-")
            try:
                for feed, seed in (("one", 11), ("two", 12)):
                    path = os.path.join(tmp, feed + ".csv")
                    generated_claims(path, seed, feed_tag=feed)
                    refresh(svc.db, "--import", path, "--feed", feed, "--quiet")
                with sqlite3.connect(svc.db) as c:
                    rows = c.execute(
                        "SELECT f.id, m.code, l.code, f.grp, s.code, f.value, f.sort_date, "
                        "f.metric_id, f.location_id, l.country, fd.code FROM figure f JOIN metric m "
                        "ON m.id = f.metric_id JOIN location l ON l.id = f.location_id JOIN source s "
                        "ON s.id = f.source_id JOIN feed fd ON fd.id = f.feed_id "
                        "WHERE f.withdrawn = 0").fetchall()
            finally:
                shutil.rmtree(tmp)
            self.assertGreater(len(rows), 700)
            filters = [("", lambda r: True),
                       ("country=SYR", lambda r: r[9] == "SYR"),
                       ("metric=detained", lambda r: r[1] == "detained"),
                       ("country=IRQ&metric=escaped", lambda r: r[9] == "IRQ" and r[1] == "escaped"),
                       ("source=src-2", lambda r: r[4] == "src-2"),
                       ("feed=two&country=SYR", lambda r: r[10] == "two" and r[9] == "SYR"),
                       ("until=2019-06-30", lambda r: r[6] <= "2019-06-30"),
                       ("group=children&since=2019-03-01", lambda r: r[3] == "children" and r[6] >= "2019-03-01")]
            for query, keep in filters:
                with self.subTest(query=query):
                    latest = {}
                    for r in filter(keep, rows):
                        k = (r[7], r[8], r[3], r[4])
                        if k not in latest or (r[6], r[0]) > (latest[k][6], latest[k][0]):
                            latest[k] = r
                    groups = {}
                    for k, r in latest.items():
                        groups.setdefault(k[:3], []).append(r)
                    want = [(g[0][1], g[0][2], g[0][3], [(r[4], r[5], r[0]) for r in
                             sorted(g, key=lambda r: (r[5], r[4]))])
                            for _, g in sorted(groups.items())]
                    got, path, pages = [], "/v1/summary?limit=7&" + query, 0
                    while path:
                        page = svc.get(path).json()
                        pages += 1
                        got += [(i["metric"], i["location"]["code"], i["group"],
                                 [(c["source"]["id"], c["value"], c["id"]) for c in i["claims"]])
                                for i in page["data"]]
                        cursor = page["meta"]["next_cursor"]
                        path = cursor and "/v1/summary?limit=7&%s&cursor=%s" % (query, cursor)
                    self.assertEqual(got, want)
                    self.assertEqual(page["meta"]["total"], len(want))
                    self.assertGreater(pages, 1)


class Totals(unittest.TestCase):
    """meta.total comes from totals the refresher keeps with the data; they must
    equal counting, whatever the refresh did (add, change, withdraw)."""

    def test_precomputed_totals_equal_counting(self):
        with Service() as svc:
            tmp = tempfile.mkdtemp(prefix="figures-totals-")
            try:
                fewer = os.path.join(tmp, "f.csv")
                with open(fewer, "w", encoding="utf-8") as f:
                    f.write("\r\n".join(LINES[:3] + LINES[5:]) + "\r\n")   # two claims withdrawn
                for step in ("seed", "withdraw"):
                    if step == "withdraw":
                        self.assertIn("2 withdrawn", refresh(svc.db, "--import", fewer, "--feed",
                                                             "ain-issa-report").stderr)
                    for path, sql in [
                        ("/v1/figures", "SELECT count(*) FROM figure WHERE withdrawn = 0"),
                        ("/v1/figures?metric=detained", "SELECT count(*) FROM figure WHERE withdrawn = 0 AND metric_id = 5"),
                        ("/v1/figures?category=detention", "SELECT count(*) FROM figure WHERE withdrawn = 0 AND metric_id IN (5, 6, 7)"),
                        ("/v1/figures?country=SYR", "SELECT count(*) FROM figure WHERE withdrawn = 0 AND country = 'SYR'"),
                        ("/v1/figures?source=sdf", "SELECT count(*) FROM figure f JOIN source s ON s.id = f.source_id WHERE withdrawn = 0 AND s.code = 'sdf'"),
                        ("/v1/figures?location=ain-issa-camp", "SELECT count(*) FROM figure f JOIN location l ON l.id = f.location_id WHERE withdrawn = 0 AND l.code = 'ain-issa-camp'"),
                        ("/v1/summary", "SELECT count(*) FROM (SELECT DISTINCT metric_id, location_id, grp FROM figure WHERE withdrawn = 0)"),
                        ("/v1/summary?country=SYR", "SELECT count(*) FROM (SELECT DISTINCT metric_id, location_id, grp FROM figure WHERE withdrawn = 0 AND country = 'SYR')"),
                        ("/v1/figures?metric=escaped&country=SYR", "SELECT count(*) FROM figure WHERE withdrawn = 0 AND metric_id = 6"),
                        ("/v1/figures?metric=detained&country=SYR", "SELECT count(*) FROM figure WHERE withdrawn = 0 AND metric_id = 5"),
                        ("/v1/figures?metric=detained&country=SYR&format=csv", None),
                    ]:
                        with self.subTest(step=step, path=path):
                            if sql is None:   # CSV: the total is a header
                                with sqlite3.connect(svc.db) as c:
                                    want = c.execute("SELECT count(*) FROM figure WHERE withdrawn = 0 "
                                                     "AND metric_id = 5").fetchone()[0]
                                self.assertEqual(svc.get(path).headers["x-total-count"], str(want))
                                continue
                            with sqlite3.connect(svc.db) as c:
                                want = c.execute(sql).fetchone()[0]
                            self.assertEqual(svc.get(path).json()["meta"]["total"], want)
                with sqlite3.connect(svc.db) as c:
                    self.assertEqual(c.execute("SELECT total FROM figure_total WHERE kind = 'all'").fetchone()[0], 8,
                                     "the totals were precomputed, not counted at request time")
                    self.assertEqual(c.execute("SELECT key, total FROM figure_total WHERE kind = 'country_metric' "
                                               "ORDER BY key").fetchall(),
                                     c.execute("SELECT country || '|' || metric_id, count(*) FROM figure "
                                               "WHERE withdrawn = 0 GROUP BY 1 ORDER BY 1").fetchall())
            finally:
                shutil.rmtree(tmp)

    def test_a_database_counted_before_country_metric_totals_gets_them_on_migration(self):
        """Migration 0010 counts them once: a reader must never take a missing key for zero."""
        with Service() as svc:
            with sqlite3.connect(svc.db) as c:
                want = c.execute("SELECT count(*) FROM figure WHERE withdrawn = 0 AND country = 'SYR' "
                                 "AND metric_id = 5").fetchone()[0]
                self.assertGreater(want, 0)
                c.execute("DELETE FROM figure_total WHERE kind = 'country_metric'")
                # back to schema 9 as it was: later migrations run again on --migrate
                c.execute("ALTER TABLE feed DROP COLUMN removed_at")     # 0014
                c.execute("ALTER TABLE feed DROP COLUMN max_rejected")   # 0012
                c.execute("DROP INDEX figure_by_withdrawal")            # 0015
                for index in ("figure_by_claim_group", "figure_by_country_group",
                              "figure_by_origin"):                    # 0013
                    c.execute("DROP INDEX %s" % index)
                for table, columns in (("metric", ("kind",)), ("feed", ("country",)),
                                       ("revision", ("males", "females")),
                                       ("figure", ("origin_id", "unit", "cause", "males",
                                                   "females", "facet"))):
                    for column in columns:
                        c.execute("ALTER TABLE %s DROP COLUMN %s" % (table, column))
                c.execute("DELETE FROM metric WHERE id > 10")
                c.execute("CREATE INDEX figure_by_claim_group ON figure (metric_id, location_id, "
                          "grp, source_id, sort_date, withdrawn)")
                c.execute("CREATE INDEX figure_by_country_group ON figure (country, metric_id, "
                          "location_id, grp, withdrawn, sort_date)")
                c.execute("PRAGMA user_version = 9")
            self.assertIn("(upgraded)", refresh(svc.db, "--migrate").stderr)
            self.assertEqual(svc.get("/v1/figures?metric=detained&country=SYR").json()["meta"]["total"], want)
