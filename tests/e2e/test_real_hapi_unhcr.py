"""HAPI's and UNHCR's real payloads (tests/fixtures/real/; provenance in its README)
imported as feeds through figures-refresh, then read back from the API: each feed serves
exactly the counts its payload holds (less the parts refused with a reason), and the two
sources' Syrians in Türkiye are the same metric, place and group, side by side."""
import os
import unittest

from harness import ROOT, Service, refresh

REAL = os.path.join(ROOT, "tests", "fixtures", "real")
HAND = os.path.join(ROOT, "tests", "fixtures")

# feed: (adapter, file, organisation, figures served, their sum, rows refused)
FEEDS = {
    # the world total (5 counts), Syria's total's refugees and asylum seekers, and
    # Jordan's total's returned refugees have no one place
    "unhcr-syr": ("unhcr", os.path.join(REAL, "unhcr", "population-2024-syr-pairs.json"),
                  "UNHCR", 15, 2901478 + 159439 + 725102 + 62959 + 611473 + 65268 + 755426 +
                  254651 + 7408909 + 513896 + 512718 + 7408909 + 513896 + 643641 + 31747, 8),
    # returned refugees of an all-origins row have no one place
    "unhcr-tur": ("unhcr", os.path.join(REAL, "unhcr", "population-coa-TUR-2024-limit5.json"),
                  "UNHCR", 2, 2940735 + 154083, 1),
    "hapi-idps": ("hapi", os.path.join(REAL, "hapi", "idps-hdx_hapi_idps_global-sample.json"),
                  "IOM DTM", 620, 128735862, 0),
    "hapi-syr": ("hapi", os.path.join(HAND, "hapi", "refugees-syr-2024.json"),
                 "UNHCR", 4, 2901478 + 159439 + 725102 + 62959, 0),
}


class RealHapiUnhcr(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.svc = Service(seed=False)
        cls.svc.start()
        cls.imported = {}
        for feed, (adapter, path, org, _, _, _) in FEEDS.items():
            p = refresh(cls.svc.db, "--import", path, "--feed", feed, "--adapter", adapter,
                        "--organisation", org, "--type", "un")
            cls.imported[feed] = p.stderr

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()

    def figures(self, query):
        d = self.svc.get("/v1/figures?limit=1000&" + query).json()
        self.assertLessEqual(d["meta"]["total"], 1000)
        return d["data"]

    def test_each_feed_serves_every_count_it_holds(self):
        for feed, (_, _, _, n, total, refused) in FEEDS.items():
            with self.subTest(feed=feed):
                self.assertIn("%d added, 0 changed, 0 unchanged, %d rejected" % (n, refused),
                              self.imported[feed])
                data = self.figures("feed=" + feed)
                self.assertEqual(len(data), n)
                self.assertEqual(sum(f["value"] for f in data), total)

    def test_refusals_name_their_reason(self):
        for feed in ("unhcr-syr", "unhcr-tur"):
            with self.subTest(feed=feed):
                self.assertIn("returned_refugees of a row summing every origin",
                              self.imported[feed])

    def test_syrians_in_turkiye_alike_from_hapi_and_unhcr(self):
        got = {}
        for feed in ("hapi-syr", "unhcr-syr"):
            rows = [f for f in self.figures("feed=%s&country=TUR" % feed)
                    if f["metric"] == "refugees"]
            self.assertEqual(len(rows), 1, rows)
            got[feed] = rows[0]
        h, u = got["hapi-syr"], got["unhcr-syr"]
        for f in (h, u):
            self.assertEqual(f["value"], 2901478)
            self.assertEqual(f["group"], "")
            self.assertEqual(f["as_of"], "2024-12-31")
            self.assertEqual(f["location"]["code"], "TUR")
        self.assertEqual(h["source"]["name"], u["source"]["name"])

    def test_the_summary_sets_them_in_one_group_by_their_origin(self):
        """Refugees from Syria in Türkiye: origin SYR from both feeds, so one summary group
        (by metric, place, group, unit, cause and origin), never "from Syrian Arab
        Republic" beside "from Syrian Arab Rep."."""
        for feed in ("hapi-syr", "unhcr-syr"):
            rows = self.figures("feed=%s&country=TUR&metric=refugees&origin=SYR" % feed)
            self.assertEqual([(f["origin"]["code"], f["unit"], f["cause"]) for f in rows],
                             [("SYR", "people", None)], feed)
        d = self.svc.get("/v1/summary?metric=refugees&location=TUR").json()
        # Syrians apart from UNHCR's refugees of every origin in Türkiye (unhcr-tur)
        self.assertEqual(sorted(((i["origin"] or {}).get("code", ""), i["group"], i["unit"],
                                 i["range"]["min"]) for i in d["data"]),
                         [("", "", "people", 2940735), ("SYR", "", "people", 2901478)])
        d = self.svc.get("/v1/summary?metric=refugees&location=TUR&origin=SYR").json()
        self.assertEqual(len(d["data"]), 1)
        self.assertEqual(d["data"][0]["range"], {"min": 2901478, "max": 2901478})
        self.assertTrue(d["data"][0]["agree"])
        # an origin is a place: refugees from elsewhere are not refugees from Syria
        self.assertEqual(self.figures("metric=refugees&country=TUR&origin=TUR"), [])
        r = self.svc.get("/v1/figures?origin=ATLANTIS")
        self.assertEqual((r.status, r.json()["error"]["parameter"]), (400, "origin"))

    def test_returned_refugees_are_in_syria_over_the_year(self):
        rows = [f for f in self.figures("feed=unhcr-syr&country=SYR")
                if f["metric"] == "refugee_returnees"]
        self.assertEqual(sorted(f["value"] for f in rows), [65268, 159439, 254651, 512718])
        for f in rows:
            self.assertEqual(f["period"], {"start": "2024-01-01", "end": "2024-12-31"})


if __name__ == "__main__":
    unittest.main()
