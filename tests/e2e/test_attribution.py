"""Issue 16.2: a sentence that attributes every figure. The default data's Ain Issa
escape claims, through real nginx, in English, Arabic, French and Spanish (lang=), in the
JSON of /v1/figures, /v1/figures/{id} and /v1/summary, their CSV and HXL, and the cards."""
import csv
import io
import unittest

from harness import ServiceTestCase

VIA = "BBC News report from Ain Issa, northern Syria (13 October 2019)"
GROUP = "foreigners affiliated with IS"
MONITOR = "A monitoring group (not named in the report)"

# What a journalist pastes, per language: the two claims, and the item that sets them side by side.
KURDISH = {
    "en": "Kurdish authorities said almost 800 people (%s) had escaped from Ain Issa camp, "
          "as of 13 October 2019 (via %s)." % (GROUP, VIA),
    "fr": "Selon Kurdish authorities, près de 800 personnes (%s) se sont évadées d’Ain Issa "
          "camp, au 13 octobre 2019 (via %s)." % (GROUP, VIA),
    "es": "Según Kurdish authorities, casi 800 personas (%s) escaparon de Ain Issa camp, "
          "al 13 de octubre de 2019 (vía %s)." % (GROUP, VIA),
    "ar": "بحسب Kurdish authorities، بلغ عدد الفارّين (%s) من Ain Issa camp قرابة 800، "
          "حتى تاريخ 13 أكتوبر 2019 (عبر %s)." % (GROUP, VIA),
}
MONITORING = {
    "en": "%s said 100 people (%s) had escaped from Ain Issa camp, as of 13 October 2019 "
          "(via %s)." % (MONITOR, GROUP, VIA),
    "fr": "Selon %s, 100 personnes (%s) se sont évadées d’Ain Issa camp, au 13 octobre 2019 "
          "(via %s)." % (MONITOR, GROUP, VIA),
    "es": "Según %s, 100 personas (%s) escaparon de Ain Issa camp, al 13 de octubre de 2019 "
          "(vía %s)." % (MONITOR, GROUP, VIA),
    "ar": "بحسب %s، بلغ عدد الفارّين (%s) من Ain Issa camp 100، حتى تاريخ 13 أكتوبر 2019 "
          "(عبر %s)." % (MONITOR, GROUP, VIA),
}
SUMMARY = {
    "en": "Sources disagree on how many people (%s) had escaped from Ain Issa camp: "
          "according to %s, 100; according to Kurdish authorities, almost 800, as of "
          "13 October 2019." % (GROUP, MONITOR),
    "fr": "Les sources divergent sur le nombre de personnes (%s) qui se sont évadées d’Ain "
          "Issa camp : selon %s, 100 ; selon Kurdish authorities, près de 800, au 13 octobre "
          "2019." % (GROUP, MONITOR),
    "es": "Las fuentes discrepan sobre el número de personas (%s) que escaparon de Ain Issa "
          "camp: según %s, 100; según Kurdish authorities, casi 800, al 13 de octubre de "
          "2019." % (GROUP, MONITOR),
    "ar": "تختلف المصادر حول عدد الفارّين (%s) من Ain Issa camp: بحسب %s، 100؛ بحسب "
          "Kurdish authorities، قرابة 800، حتى تاريخ 13 أكتوبر 2019." % (GROUP, MONITOR),
}
LANGS = ("en", "ar", "fr", "es")


class Attribution(ServiceTestCase):
    def get(self, path, status=200):
        r = self.svc.get(path)
        self.assertEqual(r.status, status, r.body[:300])
        return r

    def by_source(self, figures):
        return {f["source"]["id"]: f["attribution"] for f in figures}

    def test_summary_item_and_its_claims_in_four_languages(self):
        for lang in LANGS:
            with self.subTest(lang=lang):
                item = self.get("/v1/summary?metric=escaped&lang=" + lang).json()["data"][0]
                self.assertEqual(item["attribution"], SUMMARY[lang])
                self.assertEqual(self.by_source(item["claims"]),
                                 {"kurdish-authorities": KURDISH[lang],
                                  "monitoring-group-unnamed": MONITORING[lang]})

    def test_figures_and_one_figure_in_four_languages(self):
        for lang in LANGS:
            with self.subTest(lang=lang):
                data = self.get("/v1/figures?metric=escaped&lang=" + lang).json()["data"]
                self.assertEqual(self.by_source(data),
                                 {"kurdish-authorities": KURDISH[lang],
                                  "monitoring-group-unnamed": MONITORING[lang]})
                fid = [f["id"] for f in data if f["source"]["id"] == "kurdish-authorities"][0]
                one = self.get("/v1/figures/%d?lang=%s" % (fid, lang)).json()["data"]
                self.assertEqual(one["attribution"], KURDISH[lang])

    def test_english_by_default_and_an_unknown_language_is_a_400(self):
        data = self.get("/v1/figures?metric=escaped").json()["data"]
        self.assertEqual(set(self.by_source(data).values()), {KURDISH["en"], MONITORING["en"]})
        self.assertEqual(self.get("/v1/summary?metric=escaped").json()["data"][0]["attribution"],
                         SUMMARY["en"])
        for path in ("/v1/figures?lang=de", "/v1/figures/1?lang=de", "/v1/summary?lang="):
            e = self.get(path, 400).json()["error"]
            self.assertEqual(e["parameter"], "lang", path)
        # a card's error is a card (an iframe shows a reader a sentence), JSON to a program
        r = self.get("/v1/embed/figures/1?lang=de", 400)
        self.assertIn("lang must be one of: en, ar, fr, es", r.body.decode("utf-8"))
        r = self.svc.get("/v1/embed/figures/1?lang=de", {"Accept": "application/json"})
        self.assertEqual((r.status, r.json()["error"]["parameter"]), (400, "lang"))

    def test_a_claim_without_a_date_says_no_date(self):
        # the seed's row 5: "previously ... nearly 1,000", no as-of date
        data = self.get("/v1/figures?metric=detained&location=ain-issa-camp").json()["data"]
        undated = [f for f in data if f["as_of"] is None]
        self.assertEqual(len(undated), 1)
        for lang, as_of in (("en", "as of"), ("fr", " au "), ("es", " al "), ("ar", "حتى تاريخ")):
            fid = undated[0]["id"]
            s = self.get("/v1/figures/%d?lang=%s" % (fid, lang)).json()["data"]["attribution"]
            self.assertNotIn(as_of, s)
            self.assertNotIn("2019 ", s.replace(VIA, ""))   # the via's own date only
        self.assertEqual(undated[0]["attribution"],
                         "BBC News said almost 1,000 people (foreign women and children with "
                         "jihadist links) were detained in Ain Issa camp (via %s)." % VIA)

    def rows(self, r):
        return list(csv.reader(io.StringIO(r.body.decode("utf-8"))))

    def test_csv_and_hxl_carry_the_sentence(self):
        rows = self.rows(self.get("/v1/figures?metric=escaped&format=csv&lang=ar"))
        col = rows[0].index("attribution")
        self.assertEqual(col, len(rows[0]) - 1)
        self.assertEqual({r[col] for r in rows[1:]}, {KURDISH["ar"], MONITORING["ar"]})
        hxl = self.rows(self.get("/v1/figures?metric=escaped&format=hxl&lang=fr"))
        col = hxl[0].index("attribution")
        self.assertEqual(hxl[1][col], "#description+attribution")
        self.assertEqual({r[col] for r in hxl[2:]}, {KURDISH["fr"], MONITORING["fr"]})
        rows = self.rows(self.get("/v1/summary?metric=escaped&format=csv&lang=es"))
        item, claim = rows[0].index("summary_attribution"), rows[0].index("attribution")
        self.assertEqual({r[item] for r in rows[1:]}, {SUMMARY["es"]})
        self.assertEqual({r[claim] for r in rows[1:]}, {KURDISH["es"], MONITORING["es"]})

    def test_the_cards_show_the_sentence_in_their_language(self):
        fid = [f["id"] for f in self.get("/v1/figures?metric=escaped").json()["data"]
               if f["source"]["id"] == "kurdish-authorities"][0]
        want = {
            "en": '<p class="attr"><bdi>Kurdish authorities</bdi> said almost 800 people',
            "fr": '<p class="attr">Selon <bdi>Kurdish authorities</bdi>, près de 800 personnes',
            "es": '<p class="attr">Según <bdi>Kurdish authorities</bdi>, casi 800 personas',
            "ar": '<p class="attr">بحسب <bdi>Kurdish authorities</bdi>، بلغ عدد الفارّين',
        }
        dates = {"en": "13 October 2019", "fr": "13 octobre 2019", "es": "13 de octubre de 2019",
                 "ar": "13 أكتوبر 2019"}
        for lang in LANGS:
            with self.subTest(lang=lang):
                card = self.get("/v1/embed/figures/%d?lang=%s" % (fid, lang)).body.decode()
                self.assertIn('<html lang="%s"' % lang, card)
                self.assertIn(want[lang], card)
                self.assertIn('<time datetime="2019-10-13">%s</time>' % dates[lang], card)
                card = self.get("/v1/embed/summary?metric=escaped&location=ain-issa-camp&lang="
                                + lang).body.decode()
                self.assertIn('<p class="attr">', card)
                self.assertIn(dates[lang], card)


if __name__ == "__main__":
    unittest.main()
