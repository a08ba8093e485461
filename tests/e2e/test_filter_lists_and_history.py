"""Issue 16, item 5: lists where a filter takes codes (metric=killed,injured;
source, feed, country), and "what we knew" on /v1/summary as on /v1/figures,
read by retrieval (this service's knowledge, the default) or by report
(known_by=reported: public knowledge), so the seed answers for 13 October
2019, the day its report was published."""
import os
import shutil
import tempfile
import unittest

from harness import ServiceTestCase, refresh


def ids(r):
    return sorted(f["id"] for f in r.json()["data"])


class Lists(ServiceTestCase):
    def union(self, param, values, route="/v1/figures"):
        one = set()
        for v in values:
            r = self.svc.get("%s?%s=%s&limit=1000" % (route, param, v))
            self.assertEqual(r.status, 200, r.body)
            one |= set(ids(r))
        return sorted(one)

    def test_a_list_is_the_union_of_its_codes(self):
        for param, values in [("metric", ["escaped", "killed"]), ("source", ["sdf", "un", "bbc-news"]),
                              ("feed", ["ain-issa-report"]), ("country", ["SYR", "TUR"]),
                              ("country", ["tur", "syr"])]:
            with self.subTest(param=param, values=values):
                r = self.svc.get("/v1/figures?%s=%s&limit=1000" % (param, ",".join(values)))
                self.assertEqual(r.status, 200, r.body)
                self.assertEqual(ids(r), self.union(param, values))
                self.assertEqual(r.json()["meta"]["total"], len(ids(r)))
        r = self.svc.get("/v1/figures?metric=escaped,killed,detained&source=sdf,kurdish-authorities")
        self.assertEqual(sorted((f["metric"], f["source"]["id"]) for f in r.json()["data"]),
                         [("detained", "sdf"), ("detained", "sdf"), ("escaped", "kurdish-authorities")])

    def test_lists_in_the_summary_and_csv(self):
        r = self.svc.get("/v1/summary?metric=escaped,killed")
        self.assertEqual(sorted(i["metric"] for i in r.json()["data"]), ["escaped", "killed"])
        self.assertEqual(r.json()["meta"]["total"], 2)
        r = self.svc.get("/v1/summary?metric=escaped&source=kurdish-authorities,monitoring-group-unnamed")
        self.assertEqual(len(r.json()["data"][0]["claims"]), 2)
        r = self.svc.get("/v1/figures?metric=escaped,killed&format=csv")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body.count(b"\r\n") - 1, 3)

    def test_every_code_of_a_list_is_checked(self):
        for path, param, text in [("/v1/figures?metric=escaped,nonesuch", "metric", "no metric 'nonesuch'"),
                                  ("/v1/figures?source=sdf,nobody", "source", "no source 'nobody'"),
                                  ("/v1/figures?country=SYR,FRA", "country", "country 'FRA'"),
                                  ("/v1/figures?metric=escaped,", "metric", "joined by ','"),
                                  ("/v1/figures?country=SYR,SY", "country", "SYR,IRQ"),
                                  ("/v1/figures?metric=" + ",".join(["killed"] * 51), "metric", "more than 50")]:
            with self.subTest(path=path):
                r = self.svc.get(path)
                e = r.json()["error"]
                self.assertEqual((r.status, e["parameter"]), (400, param))
                self.assertIn(text, e["message"])


class History(ServiceTestCase):
    """The seed is the BBC's report of 13 October 2019, retrieved today."""

    def test_the_default_data_answers_for_13_october_2019_by_report(self):
        r = self.svc.get("/v1/summary?as_of_date=2019-10-13&known_by=reported&metric=escaped")
        self.assertEqual(r.status, 200, r.body)
        d = r.json()
        self.assertEqual((d["meta"]["as_of_date"], d["meta"]["known_by"]), ("2019-10-13", "reported"))
        self.assertEqual(sorted(c["value"] for c in d["data"][0]["claims"]), [100, 800])
        self.assertEqual(d["meta"]["total"], 1)
        # the day before, nobody had reported it
        r = self.svc.get("/v1/summary?as_of_date=2019-10-12&known_by=reported")
        self.assertEqual((r.json()["data"], r.json()["meta"]["total"]), ([], 0))
        # by retrieval (the default): this service had not seen it in 2019
        r = self.svc.get("/v1/summary?as_of_date=2019-10-13")
        self.assertEqual((r.json()["data"], r.json()["meta"]["known_by"]), ([], "retrieved"))
        r = self.svc.get("/v1/figures?as_of_date=2019-10-13&known_by=reported&limit=1000")
        self.assertEqual(r.json()["meta"]["total"], 10)
        self.assertEqual(self.svc.get("/v1/figures?as_of_date=2019-10-13").json()["meta"]["total"], 0)
        r = self.svc.get("/v1/summary?known_by=reported")
        self.assertEqual((r.status, r.json()["error"]["parameter"]), (400, "known_by"))

    def test_a_summary_as_of_a_date_shows_each_claim_as_it_was_then(self):
        tmp = tempfile.mkdtemp(prefix="figures-history-")
        try:
            path = os.path.join(tmp, "f.csv")
            head = ("Reported,As of,Country,Location code,Location,Source,Source code,Source type,Killed,Qualifier,Group\r\n"
                    "#date+reported,#date+occurred,#country+code,#loc+code,#loc+name,#meta+source,#meta+source+code,"
                    "#meta+source+type,#affected+killed,#meta+qualifier,#description+group\r\n")
            with open(path, "w") as f:
                f.write(head + "2019-10-14,2019-10-14,SYR,hist-town,Hist town,Town council,hist-council,government,10,about,civilians\r\n")
            refresh(self.svc.db, "--import", path, "--feed", "hist", "--quiet")
            first = self.svc.get("/v1/figures?feed=hist").json()["data"][0]
            # the source revises its count in a report of the 20th
            with open(path, "w") as f:
                f.write(head + "2019-10-20,2019-10-14,SYR,hist-town,Hist town,Town council,hist-council,government,25,exact,civilians\r\n")
            refresh(self.svc.db, "--import", path, "--feed", "hist", "--quiet")
            revs = self.svc.get("/v1/figures/%d" % first["id"]).json()["data"]["revisions"]
            self.assertEqual([r["value"] for r in revs], [25, 10])

            def claims(day, by):
                r = self.svc.get("/v1/summary?feed=hist&as_of_date=%s&known_by=%s" % (day, by))
                self.assertEqual(r.status, 200, r.body)
                return [(c["value"], c["qualifier"]) for i in r.json()["data"] for c in i["claims"]]
            self.assertEqual(claims("2019-10-13", "reported"), [])
            self.assertEqual(claims("2019-10-15", "reported"), [(10, "about")])
            self.assertEqual(claims("2019-10-20", "reported"), [(25, "exact")])
            today = revs[0]["retrieved_at"][:10]
            self.assertEqual(claims(today, "retrieved"), [(25, "exact")])
            self.assertEqual(claims("2019-10-20", "retrieved"), [])
            # the figures route reads the same way
            r = self.svc.get("/v1/figures?feed=hist&as_of_date=2019-10-15&known_by=reported")
            self.assertEqual([f["value"] for f in r.json()["data"]], [10])
            r = self.svc.get("/v1/summary?feed=hist&as_of_date=2019-10-15&known_by=reported&format=csv")
            self.assertEqual(r.status, 200)
            self.assertIn(b",10,about,", r.body)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
