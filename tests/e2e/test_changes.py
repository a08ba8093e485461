"""Issue 16, the change feed: /v1/changes lists claims added, revised and
withdrawn since a time, oldest first and paged; /v1/changes.atom is the same as
an Atom feed that a real feed parser (Debian's python3-feedparser) reads, entry
for entry; both take the figures' filters, and every source value is escaped."""
import datetime
import os
import shutil
import sys
import tempfile
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

from harness import SEED, Service, ServiceTestCase, refresh

try:
    import feedparser
except ImportError:   # Debian's package, when python3 is not Debian's own
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import feedparser
    except ImportError:
        raise SystemExit("test_changes needs python3-feedparser: scripts/deps test")

ATOM = "{http://www.w3.org/2005/Atom}"
HOST = "news.example.org"

with open(SEED, encoding="utf-8") as _f:
    LINES = _f.read().splitlines()

# A source that tries to break the feed: markup, quotes, entities, CDATA ends.
HOSTILE = "\r\n".join([
    "Reported,As of,Country,Location code,Location,Source,Source code,Source type,URL,Killed,Qualifier,Group,Quote",
    "#date+reported,#date+occurred,#country+code,#loc+code,#loc+name,#meta+source,#meta+source+code,#meta+source+type,#meta+url,#affected+killed,#meta+qualifier,#description+group,#description+quote",
    '2020-05-01,2020-05-01,SYR,hostile-town,"Town <b>bold</b> & ]]> co","<script>alert(1)</script> &amp; \'q\'",hostile,media,https://example.org/?a=1&b=<2>,7,exact,"x"" onmouseover=""alert(2)","</content><entry><title>forged</title></entry>"',
]) + "\r\n"


def now_minus(seconds):
    t = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Changes(ServiceTestCase):
    @classmethod
    def setUpClass(cls):
        cls.before = now_minus(2)   # before the seed import
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix="figures-changes-")

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def get(self, path, status=200):
        r = self.svc.get(path, {"Host": HOST})
        self.assertEqual(r.status, status, r.body[:300])
        return r

    def changes(self, query):
        """Every change of /v1/changes?query, following next_cursor."""
        out, path = [], "/v1/changes?" + query
        for _ in range(100):
            d = self.get(path).json()
            out += d["data"]
            if d["meta"]["next_cursor"] is None:
                return out
            path = "/v1/changes?%s&cursor=%s" % (query, d["meta"]["next_cursor"])
        self.fail("paging never ended")

    def feed(self, query):
        r = self.get("/v1/changes.atom?" + query)
        self.assertEqual(r.header("content-type"), "application/atom+xml; charset=utf-8")
        ET.fromstring(r.body)   # well-formed XML, or this raises
        parsed = feedparser.parse(r.body)
        self.assertFalse(parsed.bozo, "feedparser: %r" % parsed.get("bozo_exception"))
        self.assertEqual(parsed.version, "atom10")
        return r, parsed

    def import_csv(self, name, text, feed):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        refresh(self.svc.db, "--import", path, "--feed", feed, "--quiet")

    def entry_for(self, change):
        """What the Atom entry of a /v1/changes item must be."""
        return ("http://%s/v1/figures/%d#%s" % (HOST, change["figure"]["id"], change["id"]),
                change["at"], "http://%s/v1/embed/figures/%d" % (HOST, change["figure"]["id"]))

    def test_1_the_seed_is_added_then_a_refresh_revises_and_withdraws(self):
        seed = self.get("/v1/figures?limit=1000").json()["data"]
        added = self.changes("since=%s&limit=3" % self.before)
        self.assertEqual(len(added), len(seed), "one change per claim of the default data")
        self.assertEqual({c["kind"] for c in added}, {"added"})
        self.assertEqual(sorted(c["figure"]["id"] for c in added), sorted(f["id"] for f in seed))
        for c in added:
            self.assertIsNone(c["old"])
            self.assertEqual(c["new"]["value"], c["figure"]["value"])
            self.assertEqual(c["new"]["qualifier"], c["figure"]["qualifier"])
            self.assertEqual(c["at"], c["figure"]["retrieved_at"])
        self.assertEqual(sorted(c["figure"]["id"] for c in added), [c["figure"]["id"] for c in added],
                         "oldest first: one import, in the order it was written")
        # since: a later time lists nothing; a date lists from its first second
        self.assertEqual(self.get("/v1/changes?since=%s" % now_minus(-3600)).json()["data"], [])
        self.assertEqual(len(self.changes("since=%s" % self.before[:10])), len(seed))

        # a refresh that revises one claim (100 -> 150) and no longer carries another
        seed_at = added[-1]["at"]
        turkey = [f for f in seed if f["location"]["country"] == "TUR"]
        self.assertEqual(len(turkey), 1)
        monitor = [f for f in seed if f["source"]["id"] == "monitoring-group-unnamed"][0]
        lines = [l.replace(",,100,", ",,150,") if "monitoring-group-unnamed" in l else l
                 for l in LINES if "turkey-government" not in l]
        self.assertEqual(len(lines), len(LINES) - 1)
        self.import_csv("revised.csv", "\r\n".join(lines) + "\r\n", "ain-issa-report")

        later = [c for c in self.changes("since=%s" % seed_at) if c["kind"] != "added"]
        self.assertEqual(sorted(c["kind"] for c in later), ["revised", "withdrawn"], later)
        revised = [c for c in later if c["kind"] == "revised"][0]
        self.assertEqual(revised["figure"]["id"], monitor["id"])
        self.assertEqual((revised["old"]["value"], revised["new"]["value"]), (100, 150))
        self.assertEqual(revised["changed"], ["value"])
        self.assertEqual(revised["figure"]["value"], 150)
        self.assertEqual(revised["new"]["as_of"], "2019-10-13")
        withdrawn = [c for c in later if c["kind"] == "withdrawn"][0]
        self.assertEqual(withdrawn["figure"]["id"], turkey[0]["id"])
        self.assertTrue(withdrawn["figure"]["withdrawn"])
        self.assertEqual(withdrawn["old"]["value"], turkey[0]["value"])
        self.assertIsNone(withdrawn["new"])
        self.assertGreaterEqual(withdrawn["at"], seed_at)
        # the full list: the first addition of the monitor's claim is still listed, then its revision
        every = self.changes("since=%s" % self.before)
        self.assertEqual(len(every), len(seed) + 2)
        self.assertEqual([c["at"] for c in every], sorted(c["at"] for c in every), "oldest first")
        self.assertEqual(len({c["id"] for c in every}), len(every), "ids are distinct")
        self.assertEqual([c["kind"] for c in every if c["figure"]["id"] == monitor["id"]],
                         ["added", "revised"])

        # the Atom feed says the same, newest first
        r, parsed = self.feed("since=%s" % self.before)
        self.assertEqual(len(parsed.entries), len(every))
        self.assertEqual(sorted((e.id, e.updated, e.link) for e in parsed.entries),
                         sorted(self.entry_for(c) for c in every))
        by_id = {e.id: e for e in parsed.entries}
        title = by_id[self.entry_for(revised)[0]].title
        self.assertEqual(title, "A monitoring group (not named in the report): escaped, Ain Issa camp, "
                                "foreigners affiliated with IS, revised from 100 to 150")
        self.assertIn("revised", [t.term for t in by_id[self.entry_for(revised)[0]].tags])
        title = by_id[self.entry_for(withdrawn)[0]].title
        self.assertTrue(title.startswith("Government of Turkey: refugees, "), title)
        self.assertTrue(title.endswith(", withdrawn (was more than 3000000)"), title)
        self.assertEqual(by_id[self.entry_for(withdrawn)[0]].author, "Government of Turkey")
        self.assertEqual([e.id for e in parsed.entries][0], self.entry_for(every[-1])[0],
                         "the newest change comes first")
        self.assertEqual(parsed.feed.id, "http://%s/v1/changes.atom?since=%s" % (HOST, self.before))
        self.assertEqual(parsed.feed.links[0].rel, "self")
        self.assertTrue(parsed.feed.updated)
        # without since: the newest changes, limit of them
        r, parsed = self.feed("limit=2")
        self.assertEqual([e.id for e in parsed.entries], [self.entry_for(c)[0] for c in every[::-1][:2]])
        # an entry links to the figure's card (what a reader opens) and to its JSON
        links = {(l.rel, l.type): l.href for l in by_id[self.entry_for(revised)[0]].links}
        self.assertEqual(links, {("alternate", "text/html"): "http://%s/v1/embed/figures/%d" % (HOST, monitor["id"]),
                                 ("related", "application/json"): "http://%s/v1/figures/%d" % (HOST, monitor["id"])})
        for href in links.values():
            self.assertEqual(self.svc.get(urllib.parse.urlsplit(href).path).status, 200, href)

    def test_2_paging_and_validators(self):
        whole = self.get("/v1/changes?since=%s&limit=1000" % self.before).json()
        self.assertIsNone(whole["meta"]["next_cursor"])
        self.assertEqual(whole["meta"]["limit"], 1000)
        self.assertEqual(whole["meta"]["since"], self.before)
        paged = self.changes("since=%s&limit=1" % self.before)
        self.assertEqual([c["id"] for c in paged], [c["id"] for c in whole["data"]])
        first = self.get("/v1/changes?since=%s&limit=2" % self.before)
        self.assertEqual(len(first.json()["data"]), 2)
        for path in ("/v1/changes?since=%s" % self.before, "/v1/changes.atom?metric=escaped"):
            r = self.get(path)
            self.assertTrue(r.header("etag"))
            self.assertTrue(r.header("last-modified"))
            self.assertIn("max-age=", r.header("cache-control"))
            again = self.svc.get(path, {"Host": HOST, "If-None-Match": r.header("etag")})
            self.assertEqual(again.status, 304, path)

    def test_3_filters(self):
        whole = self.changes("since=%s" % self.before)
        for query, keep in (("metric=escaped", lambda f: f["metric"] == "escaped"),
                            ("category=detention", lambda f: f["category"] == "detention"),
                            ("country=TUR", lambda f: f["location"]["country"] == "TUR"),
                            ("source=bbc-news", lambda f: f["source"]["id"] == "bbc-news"),
                            ("location=ain-issa-camp", lambda f: f["location"]["code"] == "ain-issa-camp"),
                            ("group=foreigners%20affiliated%20with%20IS",
                             lambda f: f["group"] == "foreigners affiliated with IS"),
                            ("feed=ain-issa-report", lambda f: f["feed"] == "ain-issa-report"),
                            ("unit=people", lambda f: f["unit"] == "people")):
            with self.subTest(query=query):
                want = [c["id"] for c in whole if keep(c["figure"])]
                self.assertTrue(want)
                got = self.changes("since=%s&%s" % (self.before, query))
                self.assertEqual([c["id"] for c in got], want)
                r, parsed = self.feed("since=%s&%s" % (self.before, query))
                self.assertEqual(sorted(e.id for e in parsed.entries),
                                 sorted(self.entry_for(c)[0] for c in got))
        self.assertEqual(self.get("/v1/changes?since=%s&metric=killed_injured" % self.before).json()["data"], [])

    def test_4_bad_requests_name_the_parameter(self):
        for path, param in (("/v1/changes", "since"),
                            ("/v1/changes?since=yesterday", "since"),
                            ("/v1/changes?since=2019-10-13T25:00:00Z", "since"),
                            ("/v1/changes?since=2019-10-13 10:00:00", "since"),
                            ("/v1/changes?since=2019-02-30", "since"),
                            ("/v1/changes.atom?since=2019-10-13T10:00", "since"),
                            ("/v1/changes?since=2019-10-13&until=2019-10-12", "until"),
                            ("/v1/changes?since=2019-10-13&until=soon", "until"),
                            ("/v1/changes?since=2019-10-13&cursor=Zm9v", "cursor"),
                            ("/v1/changes?since=2019-10-13&metric=bogus", "metric"),
                            ("/v1/changes?since=2019-10-13&include=withdrawn", "include"),
                            ("/v1/changes?since=2019-10-13&limit=0", "limit"),
                            ("/v1/changes.atom?limit=201", "limit"),
                            ("/v1/changes.atom?cursor=x", "cursor")):
            with self.subTest(path=path):
                r = self.svc.get(path.replace(" ", "%20"))
                self.assertEqual(r.status, 400, r.body[:200])
                self.assertEqual(r.json()["error"]["parameter"], param)

    def test_5_hostile_values_are_escaped(self):
        self.import_csv("hostile.csv", HOSTILE, "hostile")
        r, parsed = self.feed("feed=hostile")
        self.assertNotIn(b"<script>", r.body)
        self.assertNotIn(b"<b>", r.body)
        self.assertNotIn(b"<title>forged", r.body)
        self.assertEqual(len(parsed.entries), 1, "a quote cannot forge an entry")
        e = parsed.entries[0]
        source = "<script>alert(1)</script> &amp; 'q'"
        self.assertEqual(e.author, source)
        self.assertEqual(e.title, "%s: killed, Town <b>bold</b> & ]]> co, x\" onmouseover=\"alert(2), "
                                  "added: 7" % source)
        root = ET.fromstring(r.body)
        content = root.find(ATOM + "entry").find(ATOM + "content").text
        self.assertIn('Quote: "</content><entry><title>forged</title></entry>"', content)
        self.assertIn("Document: https://example.org/?a=1&b=<2>", content)
        # the feed's own title and address carry the request's values, escaped too
        r, parsed = self.feed("feed=hostile&group=x%22%20onmouseover%3D%22alert(2)")
        self.assertEqual(len(parsed.entries), 1)
        self.assertEqual(parsed.feed.title, 'figures: changes (feed=hostile, group=x" onmouseover="alert(2))')
        # a Host header that is not a host is refused, never written into the feed
        bad = self.svc.get("/v1/changes.atom", {"Host": "a\"b"})
        self.assertEqual(bad.status, 400)
        # a feed removed by mistake: its figures' withdrawals are changes too
        refresh(self.svc.db, "--remove-feed", "hostile", "--quiet")
        kinds = [c["kind"] for c in self.changes("since=%s&feed=hostile" % self.before)]
        self.assertEqual(kinds, ["added", "withdrawn"])
        r, parsed = self.feed("feed=hostile")
        self.assertTrue(parsed.entries[0].title.endswith(", withdrawn (was 7)"), parsed.entries[0].title)


if __name__ == "__main__":
    unittest.main()


class ChangesBehindTheCache(unittest.TestCase):
    """The feed's addresses come from Host: nginx's microcache must not hand one
    host's feed to another (a client's Host would otherwise be served to all)."""

    def test_each_host_gets_its_own_addresses(self):
        with Service(cache=1) as svc:
            # asked twice: nginx stores an answer the second time (min_uses 2)
            svc.get("/v1/changes.atom?limit=1", {"Host": "evil.example"})
            first = svc.get("/v1/changes.atom?limit=1", {"Host": "evil.example"})
            self.assertEqual(first.status, 200)
            self.assertIn(b"http://evil.example/v1/", first.body)
            second = svc.get("/v1/changes.atom?limit=1", {"Host": HOST})
            self.assertEqual(second.status, 200)
            self.assertNotIn(b"evil.example", second.body)
            self.assertIn(("http://%s/v1/" % HOST).encode(), second.body)
