"""The read path end to end: real nginx, the real worker, the embedded default data."""
import subprocess
import sys
import unittest

from harness import CONTRACT_CHECK, SEED, ServiceTestCase, refresh


class Api(ServiceTestCase):
    def get_json(self, path, status=200):
        r = self.svc.get(path)
        self.assertEqual(r.status, status, "%s: %s" % (path, r.body[:300]))
        self.assertTrue(r.header("content-type").startswith("application/json"), path)
        return r.json()

    def ids(self, path):
        return sorted(f["id"] for f in self.get_json(path)["data"])

    # -- what the issue asks for ------------------------------------------------

    def test_escape_claims_side_by_side_with_provenance(self):
        d = self.get_json("/v1/figures?metric=escaped")
        self.assertEqual(d["meta"]["total"], 2)
        claims = {f["source"]["id"]: f for f in d["data"]}
        self.assertEqual(set(claims), {"monitoring-group-unnamed", "kurdish-authorities"})
        mg, ka = claims["monitoring-group-unnamed"], claims["kurdish-authorities"]
        self.assertEqual((mg["value"], mg["qualifier"]), (100, "exact"))
        self.assertEqual((ka["value"], ka["qualifier"]), (800, "almost"))
        for f in (mg, ka):
            self.assertEqual(f["as_of"], "2019-10-13")
            self.assertEqual(f["reported_on"], "2019-10-13")
            self.assertRegex(f["retrieved_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            self.assertEqual(f["location"]["code"], "ain-issa-camp")
            self.assertEqual(f["group"], "foreigners affiliated with IS")
            self.assertIn("BBC News", f["via"])
            self.assertIsNone(f["url"], "the report gives no URL: none may be invented")
            self.assertTrue(f["quote"])
        self.assertEqual(ka["source"]["type"], "government")
        self.assertEqual(mg["source"]["type"], "monitor")

    def test_contract_check_holds(self):
        p = subprocess.run([sys.executable, CONTRACT_CHECK, "http://127.0.0.1:%d" % self.svc.port],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("contract holds", p.stdout)

    def test_every_seed_claim_keeps_its_source_and_qualifier(self):
        d = self.get_json("/v1/figures?limit=1000")
        got = {(f["metric"], f["value"], f["qualifier"], f["source"]["id"]) for f in d["data"]}
        self.assertEqual(got, {
            ("escaped", 100, "exact", "monitoring-group-unnamed"),
            ("escaped", 800, "almost", "kurdish-authorities"),
            ("displaced", 130000, "exact", "un"),
            ("displaced", 12000, "about", "bbc-news"),
            ("detained", 1000, "almost", "bbc-news"),
            ("detained", 0, "exact", "save-the-children"),
            ("detained", 12000, "more_than", "sdf"),
            ("detained", 4000, "at_least", "sdf"),
            ("refugees", 3000000, "more_than", "turkey-government"),
            ("killed", 9, "exact", "sohr"),
        })

    def test_figure_without_a_date_says_so(self):
        d = self.get_json("/v1/figures?group=foreign%20women%20and%20children%20with%20jihadist%20links")
        self.assertEqual(len(d["data"]), 1)
        self.assertIsNone(d["data"][0]["as_of"], "the report says 'previously': no as-of date")

    # -- filters ------------------------------------------------------------------

    def test_filters(self):
        self.assertEqual(len(self.ids("/v1/figures?location=ain-issa-camp")), 5)
        self.assertEqual(len(self.ids("/v1/figures?location=SYR")), 0)
        self.assertEqual(len(self.ids("/v1/figures?location=SYR&include=sublocations")), 9)
        self.assertEqual(len(self.ids("/v1/figures?country=syr")), 9)
        self.assertEqual(len(self.ids("/v1/figures?country=TUR")), 1)
        self.assertEqual(len(self.ids("/v1/figures?source=sdf")), 2)
        self.assertEqual(len(self.ids("/v1/figures?category=casualties")), 1)
        self.assertEqual(len(self.ids("/v1/figures?category=detention")), 6)
        self.assertEqual(len(self.ids("/v1/figures?feed=ain-issa-report")), 10)
        self.assertEqual(len(self.ids("/v1/figures?until=2019-10-12")), 1)
        self.assertEqual(len(self.ids("/v1/figures?since=2019-10-13")), 9)
        self.assertEqual(len(self.ids("/v1/figures?since=2019-10-14")), 0)
        self.assertEqual(len(self.ids("/v1/figures?group=foreign+nationals")), 1)
        self.assertEqual(len(self.ids("/v1/figures?metric=detained&location=northern-syria")), 2)

    def test_paging_walks_every_figure_once(self):
        seen, path, pages = [], "/v1/figures?limit=3", 0
        while path:
            d = self.get_json(path)
            self.assertEqual(d["meta"]["total"], 10)
            self.assertLessEqual(len(d["data"]), 3)
            seen += [f["id"] for f in d["data"]]
            pages += 1
            c = d["meta"]["next_cursor"]
            path = "/v1/figures?limit=3&cursor=" + c if c else None
        self.assertEqual(pages, 4)
        self.assertEqual(sorted(seen), list(range(1, 11)))
        self.assertEqual(len(seen), len(set(seen)))

    def test_reference_lists(self):
        d = self.get_json("/v1/sources")
        self.assertEqual(d["meta"]["total"], 8)
        d = self.get_json("/v1/sources?type=monitor")
        self.assertEqual({s["id"] for s in d["data"]}, {"monitoring-group-unnamed", "sohr"})
        d = self.get_json("/v1/locations?country=SYR")
        self.assertEqual({l["code"] for l in d["data"]},
                         {"SYR", "SYR-ar-raqqa", "ain-issa-camp", "northern-syria"})
        camp = [l for l in d["data"] if l["code"] == "ain-issa-camp"][0]
        self.assertEqual(camp["parent"], "SYR-ar-raqqa")
        d = self.get_json("/v1/locations?limit=2")
        self.assertIsNotNone(d["meta"]["next_cursor"])
        d2 = self.get_json("/v1/locations?limit=2&cursor=" + d["meta"]["next_cursor"])
        self.assertFalse({l["code"] for l in d["data"]} & {l["code"] for l in d2["data"]})
        d = self.get_json("/v1/metrics?category=detention")
        self.assertEqual([m["id"] for m in d["data"]], ["detained", "escaped", "released"])
        d = self.get_json("/v1/feeds")
        self.assertEqual(d["data"][0]["id"], "ain-issa-report")
        self.assertFalse(d["data"][0]["stale"])

    def test_a_figures_source_and_location_are_those_of_the_reference_lists(self):
        """The same objects, field for field, whether nested in a figure or listed."""
        sources = {s["id"]: s for s in self.get_json("/v1/sources")["data"]}
        locations = {l["code"]: l for l in self.get_json("/v1/locations?limit=1000")["data"]}
        figures = self.get_json("/v1/figures?limit=1000")["data"]
        self.assertGreater(len(figures), 5)
        for f in figures:
            self.assertEqual(f["source"], sources[f["source"]["id"]])
            listed = dict(locations[f["location"]["code"]])
            del listed["parent"]
            self.assertEqual(f["location"], listed)
        kurds = sources["kurdish-authorities"]
        self.assertEqual((kurds["name"], kurds["organisation"], kurds["type"]),
                         ("Kurdish authorities", "Kurdish authorities in northern Syria",
                          "government"))
        camp = locations["ain-issa-camp"]
        self.assertEqual((camp["name"], camp["country"], camp["type"]),
                         ("Ain Issa camp", "SYR", "camp"))

    def test_one_figure_with_revisions(self):
        d = self.get_json("/v1/figures/2")
        self.assertEqual(d["data"]["value"], 800)
        self.assertEqual(len(d["data"]["revisions"]), 1)
        self.assertEqual(d["data"]["revisions"][0]["value"], 800)
        self.assertIn("data_as_of", d["meta"])

    def test_health(self):
        d = self.get_json("/v1/health")
        self.assertEqual(d["status"], "ok")
        self.assertEqual(d["feeds"]["stale"], [])

    # -- HTTP manners -------------------------------------------------------------

    def test_head_has_headers_and_no_body(self):
        g = self.svc.get("/v1/figures?metric=escaped")
        h = self.svc.request("HEAD", "/v1/figures?metric=escaped")
        self.assertEqual(h.status, 200)
        self.assertEqual(h.body, b"")
        self.assertEqual(h.header("etag"), g.header("etag"))
        self.assertEqual(h.header("content-length"), str(len(g.body)))

    def test_etag_and_304(self):
        r = self.svc.get("/v1/figures?metric=escaped")
        etag = r.header("etag")
        self.assertRegex(etag, r'^"[0-9a-f]{16}"$')
        self.assertTrue(r.header("last-modified").endswith("GMT"))
        self.assertEqual(r.header("access-control-allow-origin"), "*")
        r2 = self.svc.get("/v1/figures?metric=escaped", {"If-None-Match": etag})
        self.assertEqual(r2.status, 304)
        self.assertEqual(r2.body, b"")
        other = self.svc.get("/v1/figures?metric=killed", {"If-None-Match": etag})
        self.assertEqual(other.status, 200, "an ETag belongs to one request")

    def test_methods_other_than_get_are_405_with_allow(self):
        for m in ("POST", "PUT", "DELETE", "PATCH"):
            r = self.svc.request(m, "/v1/figures")
            self.assertEqual(r.status, 405, m)
            self.assertEqual(r.header("allow"), "GET, HEAD, OPTIONS")
            self.assertEqual(r.json()["error"]["code"], "method_not_allowed")

    def test_body_is_refused(self):
        r = self.svc.request("POST", "/v1/figures", body=b"x" * 4096)
        self.assertEqual(r.status, 413)
        self.assertEqual(r.json()["error"]["status"], 413)

    def test_nginx_errors_carry_the_workers_security_headers(self):
        """nginx answers some errors itself (no route, a body, a request line past its
        buffers): the same CSP, nosniff, referrer, resource and CORS headers as the worker's."""
        names = ("content-security-policy", "x-content-type-options", "referrer-policy",
                 "cross-origin-resource-policy", "access-control-allow-origin")
        worker = self.svc.get("/v1/figures?bogus=1")
        self.assertEqual(worker.status, 400)
        want = {n: worker.header(n) for n in names}
        self.assertTrue(all(want.values()), want)
        for what, r in (("no route", self.svc.get("/nothing-here")),
                        ("a body", self.svc.request("POST", "/v1/figures", body=b"x" * 4096)),
                        ("a long request line", self.svc.get("/v1/figures?q=" + "a" * 20480))):
            with self.subTest(what):
                self.assertIn(r.status, (404, 413, 414))
                self.assertEqual({n: r.header(n) for n in names}, want)
                self.assertEqual(r.json()["error"]["status"], r.status)

    # -- bad input: a JSON 4xx naming the parameter, never a 500 --------------------

    BAD = [
        # path, status, parameter, code
        ("/v1/figures?bogus=1", 400, "bogus", "invalid_parameter"),
        ("/v1/figures?since=2019-13-01", 400, "since", "invalid_parameter"),
        ("/v1/figures?since=2019-02-30", 400, "since", "invalid_parameter"),
        ("/v1/figures?until=yesterday", 400, "until", "invalid_parameter"),
        ("/v1/figures?since=2019-10-14&until=2019-10-01", 400, "until", "invalid_parameter"),
        ("/v1/figures?limit=0", 400, "limit", "invalid_parameter"),
        ("/v1/figures?limit=1001", 400, "limit", "invalid_parameter"),
        ("/v1/figures?limit=10abc", 400, "limit", "invalid_parameter"),
        ("/v1/figures?limit=99999999999999999999", 400, "limit", "invalid_parameter"),
        ("/v1/figures?cursor=garbage!", 400, "cursor", "invalid_parameter"),
        ("/v1/figures?cursor=ZjF8MjAxOS0xMC0xM3w3X", 400, "cursor", "invalid_parameter"),
        ("/v1/figures?cursor=bDF8U1lS", 400, "cursor", "invalid_parameter"),  # a locations cursor
        ("/v1/figures?metric=fled", 400, "metric", "unknown_value"),
        ("/v1/figures?location=nowhere", 400, "location", "unknown_value"),
        ("/v1/figures?source=nobody", 400, "source", "unknown_value"),
        ("/v1/figures?feed=nofeed", 400, "feed", "unknown_value"),
        ("/v1/figures?country=XYZ", 400, "country", "unknown_value"),
        ("/v1/figures?country=SY", 400, "country", "invalid_parameter"),
        ("/v1/figures?category=weather", 400, "category", "invalid_parameter"),
        ("/v1/figures?include=everything", 400, "include", "invalid_parameter"),
        ("/v1/figures?include=sublocations", 400, "include", "invalid_parameter"),
        ("/v1/figures?format=xml", 400, "format", "invalid_parameter"),
        ("/v1/figures?metric=escaped%00", 400, "metric", "invalid_parameter"),
        ("/v1/figures?group=%ff%fe", 400, "group", "invalid_parameter"),
        ("/v1/figures?group=%C0%80", 400, "group", "invalid_parameter"),
        ("/v1/figures?group=a%0Ab", 400, "group", "invalid_parameter"),
        ("/v1/figures?metric=%zz", 400, "metric", "invalid_parameter"),
        ("/v1/figures?metric=", 400, "metric", "invalid_parameter"),
        ("/v1/figures?metric=escaped&metric=killed", 400, "metric", "invalid_parameter"),
        ("/v1/figures?location=SYR'%20OR%201=1--", 400, "location", "invalid_parameter"),
        ("/v1/figures?group='%3B%20DROP%20TABLE%20figure%3B--", 400, "group", "unknown_value"),
        ("/v1/figures?metric=escaped'%20UNION%20SELECT%20*%20FROM%20source--", 400, "metric",
         "invalid_parameter"),
        ("/v1/figures?" + "&".join("p%d=1" % i for i in range(40)), 400, None, "invalid_parameter"),
        ("/v1/figures?q=" + "a" * 10240, 414, None, "query_too_long"),
        ("/v1/figures?q=" + "a" * 20480, 414, None, "query_too_long"),
        ("/v1/figures/abc", 400, "id", "invalid_parameter"),
        ("/v1/figures/0", 400, "id", "invalid_parameter"),
        ("/v1/figures/99999999999999999999999", 400, "id", "invalid_parameter"),
        ("/v1/figures/999", 404, "id", "not_found"),
        ("/v1/figures/1?x=1", 400, "x", "invalid_parameter"),
        ("/v1/locations?admin_level=9", 400, "admin_level", "invalid_parameter"),
        ("/v1/locations?parent=nowhere", 400, "parent", "unknown_value"),
        ("/v1/sources?type=militia", 400, "type", "invalid_parameter"),
        ("/v1/sources?cursor=ZjF8MjAxOS0xMC0xM3w3", 400, "cursor", "invalid_parameter"),
        ("/v1/metrics?category=x", 400, "category", "invalid_parameter"),
        ("/v1/feeds?limit=1", 400, "limit", "invalid_parameter"),
        ("/v1/health?verbose=1", 400, "verbose", "invalid_parameter"),
        ("/v1/nothing", 404, None, "not_found"),
        ("/v1/figures/", 404, None, "not_found"),
        ("/nothing-here", 404, None, "not_found"),   # "/" is the public page (test_pages)
        ("/v2/figures", 404, None, "not_found"),
    ]

    def test_bad_input_is_a_json_4xx_naming_the_parameter(self):
        for path, status, param, code in self.BAD:
            with self.subTest(path=path[:80]):
                r = self.svc.get(path)
                self.assertEqual(r.status, status, r.body[:300])
                self.assertTrue(r.header("content-type").startswith("application/json"))
                e = r.json()["error"]
                self.assertEqual(e["status"], status)
                self.assertEqual(e["code"], code)
                self.assertEqual(e["parameter"], param)
                self.assertTrue(e["message"])
        self.assertFalse([s for s in self.svc.access_statuses() if s >= 500],
                         "no request may produce a 5xx")

    def test_import_twice_does_not_duplicate(self):
        p = refresh(self.svc.db, "--import", SEED, "--feed", "ain-issa-report")
        self.assertIn("the payload is the same as the last one written: nothing to write", p.stderr)
        self.assertEqual(self.get_json("/v1/figures")["meta"]["total"], 10)


if __name__ == "__main__":
    unittest.main()
