"""Issue 15, the read and render side: what a hostile or broken feed can put
in the database must not bend what the API says (the summary's verdict), hide
what it holds (summary paging, group=), or break what it writes (text cut
inside a character or an attribute, a formula after a ';'). Every payload
goes in through figures-refresh --import, as a feed's would."""
import csv
import html
import html.parser
import io
import itertools
import json
import os
import re
import shutil
import sqlite3
import tempfile
import unittest
import urllib.parse

from harness import Service, ServiceTestCase, refresh

HEAD = ("Reported,As of,Country,Location code,Location,Location type,Source,Source code,"
        "Killed,Qualifier,Group,Quote")
TAGS = ("#date+reported,#date+occurred,#country+code,#loc+code,#loc+name,#loc+type,"
        "#meta+source,#meta+source+code,#affected+killed,#meta+qualifier,#description+group,"
        "#description+quote")


def cell(text):
    """One CSV cell, quoted as RFC 4180 says."""
    return '"%s"' % text.replace('"', '""')


def row(source, value, group="civilians", location="Hostile town", code="hostile-town",
        quote="", qualifier="exact"):
    return ",".join(["2021-03-01", "2021-03-01", "SYR", code, cell(location), "town",
                     cell(source), "", str(value), qualifier, cell(group), cell(quote)])


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


def escaped(text):
    """text as render/html.c's html_escape writes it."""
    for c, e in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#39;")):
        text = text.replace(c, e)
    return text


def table(body):
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


class ManySources(ServiceTestCase):
    """Issue 15.1: the verdict counts every claim, however many sources."""

    SERVICE = dict(seed=False)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 300 sources say 100; two more, last in the sheet and last by value, 5,000 and 7,000
        rows = [row("Source %03d" % i, 100) for i in range(300)]
        rows += [row("Source 300", 5000), row("Source 301", 7000)]
        rows += [row("Crowd %04d" % i, 7000 if i == 7999 else 100, group="crowd")
                 for i in range(8000)]
        p = import_rows(cls.svc.db, "many", rows)
        assert "8302 added" in p.stderr, p.stderr

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
        verdict = re.search(r'<p class="meta verdict"><span class="badge[^"]*">[^<]*</span>.*?</p>', text)
        self.assertIsNotNone(verdict, "the card has no verdict")
        self.assertEqual(verdict.group(0), '<p class="meta verdict"><span class="badge no">Sources '
                         'disagree</span> range <span dir="ltr">100 – 7,000</span> · 302 sources</p>')
        # the lowest 20 and the highest 20 claims, and how many are left out
        self.assertEqual(text.count("<li>"), 40)
        self.assertIn('… <span dir="ltr">262</span> more sources in between …', text)
        self.assertIn('<span class="n" dir="ltr">7,000</span>', text)

    def test_a_card_of_8000_sources_is_still_a_card(self):
        """It was over the card's 1 MB from about 7,000 claims: a 503 that said "retry"."""
        r = self.svc.get("/v1/embed/summary?metric=killed&location=hostile-town&group=crowd")
        self.assertEqual(r.status, 200, r.body[:300])
        text = r.body.decode("utf-8")
        self.assertIn('<span class="badge no">Sources disagree</span> range <span dir="ltr">'
                      '100 – 7,000</span> · 8000 sources', text)
        self.assertIn('… <span dir="ltr">7,960</span> more sources in between …', text)


def groups_in(db, location=""):
    """The groups (metric, location, group) stored and not withdrawn, in one location or all."""
    with sqlite3.connect(db) as c:
        return [g for (g,) in c.execute(
            "SELECT f.grp FROM figure f JOIN location l ON l.id = f.location_id "
            "WHERE f.withdrawn = 0 AND (?1 = '' OR l.code = ?1)", (location,))]


class UnusualGroups(ServiceTestCase):
    """Issue 15.4: every group ingest accepts is reachable by paging the summary
    (JSON's next_cursor, CSV's Link) and by group=, or refused at ingest with
    its reason. A group with a tab, CR or LF got a cursor the API then refused
    (400); one over ~140 bytes ended paging (next_cursor null, no Link)."""

    CONTROL = ["tab\there", "cr\rhere", "lf\nhere", "del\x7fhere"]
    # what a cursor must carry: long (ingest allows 500 bytes), multi-byte, and
    # the characters the cursor and the query string use themselves
    ODD = ["a" * 141, "b" * 300, "c" * 500, "ع" * 250, "p|i:p|e", "x&cursor=y+z%41 #?",
           "'quoted' \"and\" =formula"]

    SERVICE = dict(seed=False)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the groups with control characters in a place of their own, among short ones,
        # so that paging there meets their cursors before any long group's
        rows = [row("Source", i + 1, group=g) for i, g in
                enumerate(["first"] + cls.ODD + ["last", "d" * 501])]
        rows += [row("Source", i + 1, group=g, location="Control town", code="control-town")
                 for i, g in enumerate(["first"] + cls.CONTROL + ["last"])]
        cls.imported = import_rows(cls.svc.db, "odd", rows, check=False)

    def test_ingest_refuses_control_characters_and_overlong_groups_with_a_reason(self):
        p = self.imported
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("group is 501 bytes long, more than 500", p.stderr)
        refused = re.findall(r"rejected: group '([^']*)' contains a control character \(byte "
                             r"\d+ is 0x(..)\): a group is one line of text", p.stderr)
        self.assertEqual(sorted(refused), sorted([("tab?here", "09"), ("cr?here", "0d"),
                                                  ("lf?here", "0a"), ("del?here", "7f")]),
                         p.stderr)
        self.assertEqual(sorted(groups_in(self.svc.db)), sorted(["first", "last"] * 2 + self.ODD))

    def page_all(self, fmt, limit, where=""):
        """Every group, following next_cursor (JSON) or Link (CSV) from the first page."""
        total = len(groups_in(self.svc.db, where))
        first = "/v1/summary?metric=killed&limit=%d&format=%s%s" % (
            limit, fmt, where and "&location=" + where)
        seen, path, pages = [], first, 0
        while path:
            r = self.svc.get(path)
            self.assertEqual(r.status, 200, (path, r.body[:300]))
            pages += 1
            if fmt == "json":
                d = r.json()
                self.assertEqual(d["meta"]["total"], total)
                seen += [i["group"] for i in d["data"]]
                cursor = d["meta"]["next_cursor"]
                path = cursor and first + "&cursor=" + cursor
            else:
                rows = table(r.body)
                self.assertEqual(r.header("x-total-count"), str(total))
                group = rows[0].index("group")
                seen += [row[group] for row in rows[1:]]
                link = r.header("link")
                path = link and link[1:link.index(">")]
        return seen, pages

    def test_paging_reaches_every_group(self):
        for fmt, limit, where in itertools.product(("json", "csv"), (1, 2),
                                                   ("", "hostile-town", "control-town")):
            with self.subTest(format=fmt, limit=limit, location=where):
                seen, pages = self.page_all(fmt, limit, where)
                want = groups_in(self.svc.db, where)
                self.assertEqual(sorted(seen), sorted(want))
                self.assertEqual(pages, -(-len(want) // limit))

    def test_group_selects_every_group(self):
        for where in ("hostile-town", "control-town"):
            for g in groups_in(self.svc.db, where):
                with self.subTest(location=where, group=g[:40]):
                    q = "location=%s&group=%s" % (where, urllib.parse.quote(g, safe=""))
                    for path in ("/v1/summary?", "/v1/figures?", "/v1/embed/summary?"):
                        r = self.svc.get(path + q)
                        self.assertEqual(r.status, 200, (path, r.body[:300]))
                        if "embed" not in path:
                            self.assertEqual([i["group"] for i in r.json()["data"]], [g])
                        else:
                            self.assertIn(("<bdi>%s</bdi>" % escaped(g)).encode("utf-8"), r.body)

    def test_an_unknown_group_of_any_length_is_a_400_in_valid_json(self):
        # the message names the group, and is cut somewhere: never inside a character
        for g in ("z" * 500, "غ" * 250, "z" + "غ" * 249, "zz" + "غ" * 249, "ع" * 200 + "z" * 100):
            r = self.svc.get("/v1/summary?group=" + urllib.parse.quote(g, safe=""))
            self.assertEqual(r.status, 400, r.body[:300])
            self.assertEqual(r.json()["error"]["parameter"], "group")


class Iframe(html.parser.HTMLParser):
    """The iframes of an HTML fragment (attributes unescaped), and its end tags."""

    def __init__(self):
        super().__init__()
        self.iframes, self.ends = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "iframe":
            self.iframes.append(dict(attrs))

    def handle_endtag(self, tag):
        self.ends.append(tag)


class CutText(ServiceTestCase):
    """Issue 15.5: a long name in a non-Latin script, or a URL full of quotes,
    is never cut inside a character (the title, oEmbed's JSON) nor inside
    markup (oEmbed's iframe)."""

    NAME = "ع" * 250          # 500 bytes, the most ingest takes
    GROUP = "نازحون " * 38    # 494 bytes

    SERVICE = dict(seed=False)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # "more than 1,000,000 killed: " and the name: 528 bytes, the title's buffer was 512
        import_rows(cls.svc.db, "arabic", [row("Source", 1000000, group=cls.GROUP.strip(),
                                                location=cls.NAME, code="long-name",
                                                qualifier="more than")])
        cls.id = cls.svc.get("/v1/figures?feed=arabic").json()["data"][0]["id"]
        cls.base = "http://127.0.0.1:%d" % cls.svc.port

    def text(self, path):
        r = self.svc.get(path)
        self.assertEqual(r.status, 200, r.body[:300])
        return r.body.decode("utf-8")   # strict: a cut character fails here

    def title(self, page):
        return html.unescape(re.search(r"<title>(.*?)</title>", page, re.S).group(1))

    def test_the_figure_card_title_is_whole(self):
        t = self.title(self.text("/v1/embed/figures/%d" % self.id))
        self.assertEqual(t, "more than 1,000,000 killed: " + self.NAME)

    def test_the_summary_card_title_is_whole(self):
        t = self.title(self.text("/v1/embed/summary?location=long-name"))
        self.assertEqual(t, "killed: %s, %s" % (self.NAME, self.GROUP.strip()))

    def test_oembed_title_is_whole_and_valid_json(self):
        url = urllib.parse.quote("%s/v1/figures/%d" % (self.base, self.id), safe="")
        d = json.loads(self.text("/v1/oembed?url=" + url))
        self.assertEqual(d["title"], "more than 1,000,000 killed: " + self.NAME)

    def card_url(self, prefix, unit):
        """The longest card URL of prefix and units whose oEmbed query fits the 2,048 bytes."""
        n = 0
        while len("url=" + urllib.parse.quote(self.base + prefix + unit * (n + 1), safe="")) <= 2048:
            n += 1
        return self.base + prefix + unit * n

    def test_oembed_html_for_a_url_full_of_quotes_is_whole_markup(self):
        for prefix, unit in (("/v1/embed/summary?location=long-name&group=", '"'),
                             ("/v1/embed/summary?location=long-name&x=", "'<>&"),
                             ("/v1/embed/figures/1?x=", '"'),
                             ("/v1/embed/summary?location=long-name&x=", "ع")):
            card = self.card_url(prefix, unit)
            with self.subTest(card=card[len(self.base):][:50], length=len(card)):
                d = json.loads(self.text("/v1/oembed?url=" + urllib.parse.quote(card, safe="")))
                self.assertTrue(d["html"].startswith("<iframe "), d["html"][:100])
                self.assertTrue(d["html"].endswith("></iframe>"), d["html"][-100:])
                p = Iframe()
                p.feed(d["html"])
                p.close()
                self.assertEqual(len(p.iframes), 1)
                self.assertEqual(p.iframes[0]["src"], card)
                self.assertEqual(p.iframes[0]["title"], "figures")
                self.assertEqual(p.ends, ["iframe"])


class FormulaAfterASeparator(ServiceTestCase):
    """Issue 15.6: in a locale whose spreadsheets split CSV on ';', the second
    cell of `x;=cmd|' /C calc'!A0` was a formula: it went out unquoted and
    unprefixed. Every piece of every cell, split as any reader might, must
    start as text."""

    HOSTILE = "x;=cmd|' /C calc'!A0"
    TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

    SERVICE = dict(seed=False)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import_rows(cls.svc.db, "semicolon", [
            row(cls.HOSTILE, 5, group=cls.HOSTILE, quote="said 5;+3 injured,@SUM(A1)\t-1"),
            row("Other", 9, group=cls.HOSTILE)])

    def bodies(self):
        for path in ("/v1/figures?format=csv", "/v1/figures?format=hxl",
                     "/v1/summary?format=csv", "/v1/summary?format=hxl"):
            r = self.svc.get(path)
            self.assertEqual(r.status, 200, r.body[:300])
            yield path, r.body.decode("utf-8")

    def test_a_cell_with_a_semicolon_is_quoted_and_its_pieces_neutralised(self):
        for path, body in self.bodies():
            with self.subTest(path=path):
                rows = list(csv.reader(io.StringIO(body)))
                head = rows[0]
                for r in rows[1 + ("hxl" in path):]:
                    cells = dict(zip(head, r))
                    self.assertEqual(cells["group"], "x;'=cmd|' /C calc'!A0")
                    if cells["source_name"] != "Other":
                        self.assertEqual(cells["source_name"], "x;'=cmd|' /C calc'!A0")
                        self.assertEqual(cells["quote"], "said 5;'+3 injured,'@SUM(A1)\t'-1")
                self.assertNotIn(";=", body)

    def test_no_piece_starts_a_formula_however_the_body_is_split(self):
        for path, body in self.bodies():
            for how, pieces in (
                    ("';' honouring quotes", [c for r in csv.reader(io.StringIO(body), delimiter=";")
                                              for c in r]),
                    ("tab honouring quotes", [c for r in csv.reader(io.StringIO(body), delimiter="\t")
                                              for c in r]),
                    ("on ',' ';' tab and lines, ignoring quotes",
                     re.split(r"[,;\t\r\n]", body))):
                with self.subTest(path=path, split=how):
                    bad = [p for p in pieces if p.lstrip('"').startswith(self.TRIGGERS)]
                    self.assertEqual(bad, [])


class GroupWrittenBeforeTheFix(unittest.TestCase):
    """A database written before ingest refused control characters may hold
    such a group: paging to it is an error that says what to do, never a
    short last page; a refresh of its feed withdraws it."""

    def test_paging_says_why_then_a_refresh_withdraws_it(self):
        with Service(seed=False) as svc:
            rows = [row("Source", i + 1, group=g) for i, g in enumerate(["first", "last", "zzz"])]
            import_rows(svc.db, "legacy", rows)
            with sqlite3.connect(svc.db) as c:
                c.execute("UPDATE figure SET grp = 'legacy' || char(9) || 'tab', "
                          "key = key || '|legacy' WHERE grp = 'first'")
            first = svc.get("/v1/summary?limit=1").json()
            self.assertEqual([i["group"] for i in first["data"]], ["last"])
            r = svc.get("/v1/summary?limit=1&cursor=" + first["meta"]["next_cursor"])
            self.assertEqual(r.status, 500, r.body[:300])
            self.assertIn("cannot be carried in a cursor", r.json()["error"]["message"])
            self.assertIn("refresh its feed", r.json()["error"]["message"])
            p = import_rows(svc.db, "legacy", rows + [row("Source", 4, group="new")])
            self.assertIn("2 added, 0 changed, 2 unchanged, 0 rejected, 1 withdrawn", p.stderr)
            self.assertEqual(self.page_groups(svc), ["first", "last", "new", "zzz"])

    @staticmethod
    def page_groups(svc):
        seen, path = [], "/v1/summary?limit=1"
        while path:
            d = svc.get(path).json()
            seen += [i["group"] for i in d["data"]]
            path = d["meta"]["next_cursor"] and "/v1/summary?limit=1&cursor=" + d["meta"]["next_cursor"]
        return seen


if __name__ == "__main__":
    unittest.main()
