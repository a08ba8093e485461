"""Real HXL-tagged exports (tests/fixtures/real/hxl/, provenance in its README) through
figures-refresh --import: every upstream row stored once, nothing refused, nothing merged,
the same identity on the next import."""
import csv
import json
import os
import shutil
import sqlite3
import tempfile
import unittest

import harness
from harness import refresh

REAL = os.path.join(harness.ROOT, "tests", "fixtures", "real", "hxl")


def payload(name, tag):
    """The data rows of an HXL file (below its hashtag row) and the sum of column tag."""
    with open(os.path.join(REAL, name), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    col = rows[1].index(tag)
    return rows[2:], sum(int(r[col]) for r in rows[2:])


class RealHxl(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="figures-hxl-real-")
        self.db = os.path.join(self.dir, "f.db")
        refresh(self.db, "--migrate", "--quiet")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def load(self, path, feed):
        return refresh(self.db, "--import", path, "--feed", feed,
                       "--organisation", "IOM DTM").stderr

    def revised(self, name, tag):
        """A copy of the file whose first data row counts one more under tag."""
        with open(os.path.join(REAL, name), encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        col = rows[1].index(tag)
        rows[2][col] = str(int(rows[2][col]) + 1)
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
        return path

    def stored(self, feed):
        with sqlite3.connect(self.db) as c:
            return c.execute("SELECT count(*), sum(f.value) FROM figure f JOIN feed d "
                             "ON d.id = f.feed_id WHERE d.code = ?", (feed,)).fetchone()

    def check(self, name, feed):
        rows, total = payload(name, "#affected+idps")
        out = self.load(os.path.join(REAL, name), feed)
        self.assertIn("%d added, 0 changed, 0 unchanged, 0 rejected" % len(rows), out)
        self.assertEqual(self.stored(feed), (len(rows), total))
        # the next payload, one count revised, finds every figure under its key
        out = self.load(self.revised(name, "#affected+idps"), feed)
        self.assertIn("0 added, 1 changed, %d unchanged, 0 rejected, 0 withdrawn" %
                      (len(rows) - 1), out)
        self.assertEqual(self.stored(feed), (len(rows), total + 1))

    def test_dtm_quickcharts_export_every_row_stored(self):
        """Each row one cause's and origin's part: 33 figures, none merged or refused."""
        self.check("dtm-data_for_quickcharts.csv", "dtm-quickcharts")

    def test_dtm_global_export_every_row_stored(self):
        """Baseline and site assessments of one place, round and cause are two figures."""
        self.check("dtm-global-admin-0-to-2-afg0-tcd.csv", "dtm-global")

    def test_an_hxl_export_loads_back_with_what_each_figure_counts(self):
        """figures' own HXL export of the real DTM rows, imported into a fresh database,
        gives the same figures: value, cause, origin, unit and breakdown by sex."""
        def counts(data):
            return sorted((f["value"], f["cause"], (f["origin"] or {}).get("code"), f["unit"],
                           json.dumps(f["by_sex"], sort_keys=True), f["location"]["code"],
                           f["as_of"]) for f in data)
        with harness.Service(seed=False) as svc:
            refresh(svc.db, "--import", os.path.join(REAL, "dtm-data_for_quickcharts.csv"),
                    "--feed", "dtm", "--organisation", "IOM DTM")
            first = svc.get("/v1/figures?limit=1000").json()["data"]
            self.assertTrue(any(f["origin"] for f in first) and any(f["cause"] for f in first))
            export = svc.get("/v1/figures?format=hxl&limit=1000").body
        path = os.path.join(self.dir, "export.csv")
        with open(path, "wb") as f:
            f.write(export)
        with harness.Service(seed=False) as svc:
            out = refresh(svc.db, "--import", path, "--feed", "again").stderr
            self.assertIn("%d added, 0 changed, 0 unchanged, 0 rejected" % len(first), out)
            again = svc.get("/v1/figures?limit=1000").json()["data"]
        self.assertEqual(counts(again), counts(first))


if __name__ == "__main__":
    unittest.main()
