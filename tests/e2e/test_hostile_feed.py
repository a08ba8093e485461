"""Issue 15, the read and render side: what a hostile or broken feed can put
in the database must not bend what the API says (the summary's verdict), hide
what it holds (summary paging, group=), or break what it writes (text cut
inside a character or an attribute, a formula after a ';'). Every payload
goes in through figures-refresh --import, as a feed's would."""
import csv
import html.parser
import io
import json
import os
import re
import shutil
import tempfile
import unittest
import urllib.parse

from harness import Service, refresh

HEAD = ("Reported,As of,Country,Location code,Location,Location type,Source,Source code,"
        "Killed,Qualifier,Group,Quote")
TAGS = ("#date+reported,#date+occurred,#country+code,#loc+code,#loc+name,#loc+type,"
        "#meta+source,#meta+source+code,#affected+killed,#meta+qualifier,#description+group,"
        "#description+quote")


def cell(text):
    """One CSV cell, quoted as RFC 4180 says."""
    return '"%s"' % text.replace('"', '""')


def row(source, value, group="civilians", location="Hostile town", code="hostile-town",
        quote=""):
    return ",".join(["2021-03-01", "2021-03-01", "SYR", code, cell(location), "town",
                     cell(source), "", str(value), "exact", cell(group), cell(quote)])


def import_rows(db, feed, rows, check=True):
    """Imports an HXL sheet of rows as feed; returns the CompletedProcess."""
    tmp = tempfile.mkdtemp(prefix="figures-hostile-")
    try:
        path = os.path.join(tmp, feed + ".csv")
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write("\r\n".join([HEAD, TAGS] + rows) + "\r\n")
        return refresh(db, "--import", path, "--feed", feed, check=check)
    finally:
        shutil.rmtree(tmp)


def table(body):
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


class ManySources(unittest.TestCase):
    """Issue 15.1: the verdict counts every claim, however many sources."""

    @classmethod
    def setUpClass(cls):
        cls.svc = Service(seed=False)
        cls.svc.start()
        # 300 sources say 100; two more, last in the sheet and last by value, 5,000 and 7,000
        rows = [row("Source %03d" % i, 100) for i in range(300)]
        rows += [row("Source 300", 5000), row("Source 301", 7000)]
        p = import_rows(cls.svc.db, "many", rows)
        assert "302 added" in p.stderr, p.stderr

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()

    QUERY = "metric=killed&location=hostile-town&group=civilians"

    def test_json_says_the_sources_disagree(self):
        d = self.svc.get("/v1/summary?" + self.QUERY).json()
        self.assertEqual(len(d["data"]), 1)
        item = d["data"][0]
        self.assertEqual(item["sources"], 302)
        self.assertEqual(len(item["claims"]), 302)
        self.assertEqual(item["range"], {"min": 100, "max": 7000})
        self.assertEqual([c["value"] for c in item["claims"][-2:]], [5000, 7000])
        self.assertIs(item["agree"], False)

    def test_csv_and_hxl_say_the_sources_disagree(self):
        for fmt in ("csv", "hxl"):
            with self.subTest(format=fmt):
                rows = table(self.svc.get("/v1/summary?format=%s&%s" % (fmt, self.QUERY)).body)
                body = rows[1 + (fmt == "hxl"):]
                self.assertEqual(len(body), 302)
                agree = rows[0].index("agree")
                self.assertEqual({r[agree] for r in body}, {"false"})

    def test_the_card_says_the_sources_disagree(self):
        r = self.svc.get("/v1/embed/summary?" + self.QUERY)
        self.assertEqual(r.status, 200, r.body[:300])
        text = r.body.decode("utf-8")
        verdict = re.search(r'<p class="meta"><span class="badge[^"]*">[^<]*</span>.*?</p>', text)
        self.assertIsNotNone(verdict, "the card has no verdict")
        self.assertEqual(verdict.group(0), '<p class="meta"><span class="badge no">Sources '
                         'disagree</span> range <span dir="ltr">100 – 7,000</span> · 302 sources</p>')
        self.assertEqual(text.count("<li>"), 302)


if __name__ == "__main__":
    unittest.main()
