"""IOM DTM's real v3 answers through figures-refresh and the API: every row stored as its
own figure (what the API serves adds up to the answer), and an answer with no usable row
failing the feed instead of leaving it looking fresh."""
import json
import os
import shutil
import tempfile
import unittest

from harness import ROOT, Service, refresh

REAL = os.path.join(ROOT, "tests", "fixtures", "real", "dtm")
V2 = os.path.join(ROOT, "tests", "fixtures", "dtm", "v2-retired.json")


def payload(path):
    """The answer's rows and the sum of their numPresentIdpInd, read here on their own."""
    with open(path, encoding="utf-8") as f:
        rows = json.load(f)["result"]
    return len(rows), sum(r["numPresentIdpInd"] for r in rows)


class DtmRealAnswers(unittest.TestCase):
    def setUp(self):
        self.svc = Service(seed=False)
        self.svc.start()
        self.tmp = tempfile.mkdtemp(prefix="figures-dtm-")

    def tearDown(self):
        self.svc.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def add(self, feed, path):
        refresh(self.svc.db, "--add-feed", feed, "--adapter", "dtm", "--url",
                "file://" + os.path.abspath(path), "--organisation", "IOM DTM", "--type", "un")

    def figures(self, feed, limit=500):
        """Every figure of the feed, page by page."""
        out, cursor = [], None
        while True:
            path = "/v1/figures?feed=%s&limit=%d" % (feed, limit)
            if cursor:
                path += "&cursor=" + cursor
            d = self.svc.get(path).json()
            out += d["data"]
            cursor = d["meta"]["next_cursor"]
            if not cursor:
                return out

    def feed(self, code):
        return [f for f in self.svc.get("/v1/feeds").json()["data"] if f["id"] == code][0]

    def test_every_row_of_a_real_answer_is_served_and_adds_up(self):
        for feed, name in [("dtm-afg-0", "displacement-admin0-admin0pcode-afg.json"),
                           ("dtm-afg-1", "displacement-admin1-admin0pcode-afg.json"),
                           ("dtm-tcd-2", "displacement-admin2-admin0pcode-tcd.json")]:
            with self.subTest(name):
                path = os.path.join(REAL, name)
                rows, total = payload(path)
                self.add(feed, path)
                p = refresh(self.svc.db, "--only", feed)
                self.assertIn("feed %s: ok: %d added, 0 changed, 0 unchanged, 0 rejected"
                              % (feed, rows), p.stderr)
                figures = self.figures(feed)
                self.assertEqual(len(figures), rows)
                self.assertEqual(sum(f["value"] for f in figures), total)
                self.assertEqual({f["metric"] for f in figures}, {"idps"})
                self.assertFalse(self.feed(feed)["stale"])
        # Afghanistan's 59.4 million over 16 rounds, not the 17.6 million one row a key kept
        afg = self.figures("dtm-afg-0")
        self.assertEqual(sum(f["value"] for f in afg), 59411923)
        first = [f for f in afg if f["value"] == 179956]
        self.assertEqual(len(first), 1)
        self.assertEqual(first[0]["as_of"], "2017-03-30")
        self.assertEqual(first[0]["location"]["code"], "AFG")
        self.assertEqual(first[0]["group"], "Returns and displacement in Afghanistan")
        self.assertEqual(first[0]["source"]["name"], "IOM DTM")
        # what each part counts is served: its cause and, where DTM knows it, its origin
        self.assertEqual(first[0]["cause"], "conflict")
        self.assertEqual(first[0]["unit"], "people")
        src = json.load(open(os.path.join(REAL, "displacement-admin0-admin0pcode-afg.json"),
                             encoding="utf-8"))["result"]
        want = sum(r["numPresentIdpInd"] for r in src
                   if r["idpOriginAdmin1Pcode"] not in (None, "", "Not available"))
        with_origin = [f for f in afg if f["origin"] is not None]
        self.assertGreater(len(with_origin), 0)
        self.assertEqual(sum(f["value"] for f in with_origin), want)
        self.assertTrue(all(f["origin"]["country"] == "AFG" and f["origin"]["admin_level"] == 1
                            for f in with_origin))
        # origin=AFG: a country matches the provinces in it
        d = self.svc.get("/v1/figures?feed=dtm-afg-0&origin=AFG&limit=1").json()
        self.assertEqual(d["meta"]["total"], len(with_origin))
        code = with_origin[0]["origin"]["code"]
        d = self.svc.get("/v1/figures?feed=dtm-afg-0&origin=%s&limit=1000" % code).json()
        self.assertEqual({f["origin"]["code"] for f in d["data"]}, {code})
        # causes side by side, never merged: each (cause, origin) part a group of its own
        d = self.svc.get("/v1/summary?feed=dtm-afg-0&limit=200").json()
        keys = [(i["location"]["code"], i["group"], i["cause"], (i["origin"] or {}).get("code"))
                for i in d["data"]]
        self.assertEqual(len(keys), len(set(keys)))
        self.assertGreater(len({k[2] for k in keys}), 3)
        # Fouli, round 1: a site assessment (SA) and a baseline (BA) of one count, two rows
        tcd = [f for f in self.figures("dtm-tcd-2")
               if f["value"] == 61828 and f["as_of"] == "2017-09-30"]
        self.assertEqual([(f["location"]["code"], f["location"]["admin_level"]) for f in tcd],
                         [("TD0704", 2), ("TD0704", 2)])
        self.assertNotEqual(tcd[0]["id"], tcd[1]["id"])

    def test_an_answer_with_no_usable_row_fails_the_feed(self):
        """The retired v2 shape has no displacementReason: each row is refused, and the
        feed fails (stale, its last good figures kept), never looks fresh."""
        self.add("dtm-new", V2)
        p = refresh(self.svc.db, "--only", "dtm-new", check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("no usable row", p.stderr)
        f = self.feed("dtm-new")
        self.assertTrue(f["stale"])
        self.assertIsNone(f["last_success"])
        self.assertIn("no displacementReason field", f["last_error"])
        self.assertEqual(self.svc.get("/v1/health").json()["feeds"]["stale"], ["dtm-new"])
        # a feed with good figures keeps them
        self.add("dtm-afg", os.path.join(REAL, "displacement-admin0-admin0pcode-afg.json"))
        refresh(self.svc.db, "--only", "dtm-afg")
        self.add("dtm-afg", V2)
        p = refresh(self.svc.db, "--only", "dtm-afg", check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("feed dtm-afg: failed, its last good data kept", p.stderr)
        self.assertTrue(self.feed("dtm-afg")["stale"])
        self.assertEqual(len(self.figures("dtm-afg")), 133)

    def test_a_two_letter_country_code_is_read_as_its_country(self):
        row = {"operation": "Op", "admin0Name": "Syria", "admin0Pcode": "SY",
               "numPresentIdpInd": 10, "reportingDate": "2022-12-31T00:00:00", "roundNumber": 1,
               "displacementReason": "Conflict", "numberMales": None, "numberFemales": None,
               "idpOriginAdmin1Name": "Not available", "idpOriginAdmin1Pcode": "Not available",
               "assessmentType": "BA"}
        path = os.path.join(self.tmp, "sy.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"result": [row], "statusCode": 200, "isSuccess": True,
                       "errorMessages": [], "totalRecordsCount": 1}, f)
        self.add("dtm-sy", path)
        refresh(self.svc.db, "--only", "dtm-sy")
        [fig] = self.figures("dtm-sy")
        self.assertEqual((fig["location"]["code"], fig["location"]["country"]), ("SYR", "SYR"))


if __name__ == "__main__":
    unittest.main()
