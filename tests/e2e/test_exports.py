"""Issue 16, item 5: exports for spreadsheets. A spreadsheet's "import from
URL" reads one answer and cannot follow a Link header: limit=all with
format=csv (or hxl) answers the whole filtered list at once, up to a
documented bound, past which a 413 says how many rows match and how to narrow
them (never a silently cut file). /v1/locations and /v1/sources answer CSV and
HXL too."""
import csv
import io
import os
import shutil
import tempfile
import unittest

from harness import ServiceTestCase, refresh
from test_summary_formats import LINES

EXPORT_MAX, SUMMARY_EXPORT_MAX = 100000, 20000


def rows_of(body):
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))


class Exports(ServiceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix="figures-exports-")
        # one group more than a summary export holds, each its own figure: more
        # figures than a page (1,000) holds, fewer than a figures export does
        cols = LINES[1].split(",")
        rows = []
        for i in range(SUMMARY_EXPORT_MAX + 1):
            r = dict.fromkeys(cols, "")
            r.update({"Reported": "2019-11-01", "As of": "2019-11-%02d" % (1 + i % 28),
                      "Country": "IRQ", "Country name": "Iraq",
                      "Location code": "irq-site-%d" % (i % 40), "Location": "Site %d" % (i % 40),
                      "Location type": "camp", "Source": "Bulk source %d" % (i % 3),
                      "Source code": "bulk-%d" % (i % 3), "Source type": "ngo",
                      "Organisation": "Org", "Qualifier": "exact", "Group": "g%d" % i,
                      "Quote": "row %d" % i, "Killed": str(i + 1)})
            rows.append(",".join(r[c] for c in cols))
        path = os.path.join(cls.tmp, "bulk.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\r\n".join(LINES[:3] + rows) + "\r\n")
        refresh(cls.svc.db, "--import", path, "--feed", "bulk", "--quiet")

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_limit_all_exports_every_figure_in_one_answer(self):
        r = self.svc.get("/v1/figures?format=csv&limit=all&feed=bulk")
        self.assertEqual(r.status, 200, r.body[:300])
        self.assertEqual(r.header("content-type"), "text/csv; charset=utf-8; header=present")
        self.assertIsNone(r.header("link"), "nothing left to follow")
        rows = rows_of(r.body)
        self.assertEqual(len(rows) - 1, SUMMARY_EXPORT_MAX + 1)
        self.assertEqual(r.header("x-total-count"), str(SUMMARY_EXPORT_MAX + 1))
        value = rows[0].index("value")
        self.assertEqual(sorted(int(row[value]) for row in rows[1:]),
                         list(range(1, SUMMARY_EXPORT_MAX + 2)), "every figure, once")
        # HXL too, and with the other filters
        r = self.svc.get("/v1/figures?format=hxl&limit=all&source=bulk-1&until=2019-11-10")
        self.assertEqual(r.status, 200)
        rows = rows_of(r.body)
        self.assertTrue(rows[1][0].startswith("#"))
        self.assertEqual(len(rows) - 2, int(r.header("x-total-count")))
        self.assertGreater(len(rows) - 2, 1000)

    def test_past_the_bound_is_a_413_that_says_how_to_narrow(self):
        r = self.svc.get("/v1/summary?format=csv&limit=all")
        self.assertEqual(r.status, 413, r.body[:300])
        e = r.json()["error"]
        self.assertEqual((e["code"], e["parameter"]), ("too_many_rows", "limit"))
        total = self.svc.get("/v1/summary?limit=1").json()["meta"]["total"]
        self.assertGreater(total, SUMMARY_EXPORT_MAX)
        self.assertIn("match %d groups" % total, e["message"])
        self.assertIn("at most %d" % SUMMARY_EXPORT_MAX, e["message"])
        r = self.svc.get("/v1/summary?format=csv&limit=all&source=bulk-0")
        self.assertEqual(r.status, 200, r.body[:300])
        self.assertEqual(len(rows_of(r.body)) - 1, (SUMMARY_EXPORT_MAX + 3) // 3)

    def test_limit_all_is_for_spreadsheets_only(self):
        for path in ("/v1/figures?limit=all", "/v1/summary?limit=all", "/v1/locations?limit=all",
                     "/v1/figures?limit=every&format=csv"):
            with self.subTest(path=path):
                r = self.svc.get(path)
                self.assertEqual((r.status, r.json()["error"]["parameter"]), (400, "limit"))
        self.assertIn("format=csv", self.svc.get("/v1/figures?limit=all").json()["error"]["message"])

    def test_locations_and_sources_as_csv_and_hxl(self):
        r = self.svc.get("/v1/locations?format=csv&limit=all")
        self.assertEqual(r.status, 200, r.body[:300])
        self.assertIn('filename="locations.csv"', r.header("content-disposition"))
        rows = rows_of(r.body)
        self.assertEqual(rows[0], ["code", "name", "country", "admin_level", "type", "parent"])
        camp = [row for row in rows if row[0] == "ain-issa-camp"][0]
        self.assertEqual(camp[1:3] + camp[4:5], ["Ain Issa camp", "SYR", "camp"])
        self.assertEqual(camp[3], "", "a camp has no admin level: an empty cell, not 0")
        syr = [row for row in rows if row[0] == "SYR"][0]
        self.assertEqual(syr[3], "0")
        j = self.svc.get("/v1/locations?limit=1000").json()
        self.assertEqual(len(rows) - 1, j["meta"]["total"])
        # paged like the JSON: the next page in the Link header
        r = self.svc.get("/v1/locations?format=csv&limit=5")
        self.assertEqual(len(rows_of(r.body)), 6)
        self.assertRegex(r.header("link"), r'^</v1/locations\?format=csv&limit=5&cursor=[\w-]+>; rel="next"$')
        r = self.svc.get("/v1/sources", {"Accept": "text/csv"})
        self.assertEqual(r.status, 200)
        rows = rows_of(r.body)
        self.assertEqual(rows[0], ["id", "name", "organisation", "type", "url", "licence"])
        self.assertIn(["kurdish-authorities", "Kurdish authorities", "Kurdish authorities in northern Syria",
                       "government", "", ""], rows)
        r = self.svc.get("/v1/sources?format=hxl&limit=all")
        self.assertIn('filename="sources.hxl.csv"', r.header("content-disposition"))
        self.assertEqual(rows_of(r.body)[1][:2], ["#meta+code+source", "#meta+source"])


if __name__ == "__main__":
    unittest.main()
