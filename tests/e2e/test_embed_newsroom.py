"""Issue 16, item 4: embeds that survive a newsroom, each tried as a new user
would. A card's address pasted from a newsletter or a social network (utm_*,
fbclid…) still shows the card; an error inside an iframe is a card saying what
is wrong; a revised or withdrawn figure's card says so; the licence shows;
oEmbed's height fits every claim a card lists and its verdict (checked in
headless Chromium at 320 px); the cards carry the oEmbed discovery <link>."""
import datetime
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import urllib.parse

import harness
import test_embed
from harness import ServiceTestCase, refresh

HEAD = "\r\n".join([
    "Reported,As of,Country,Location code,Location,Source,Source code,Source type,URL,Killed,Qualifier,Group,Quote,Licence",
    "#date+reported,#date+occurred,#country+code,#loc+code,#loc+name,#meta+source,#meta+source+code,#meta+source+type,#meta+url,#affected+killed,#meta+qualifier,#description+group,#description+quote,#meta+licence",
])

# Five sources about one group, with names as long as real ones: the card a
# newsroom embeds when sources disagree.
FIVE = [
    ("UN Office for the Coordination of Humanitarian Affairs (OCHA)", "ocha", "un", 120),
    ("Syrian Observatory for Human Rights (SOHR)", "sohr5", "monitor", 160),
    ("Kurdish Red Crescent", "krc", "ngo", 210),
    ("Ministry of Health of the Autonomous Administration", "moh", "government", 250),
    ("Médecins Sans Frontières (MSF) emergency team in the north-east", "msf", "ngo", 300),
]


def write(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEAD + "\r\n" + "\r\n".join(rows) + "\r\n")


class Newsroom(ServiceTestCase):
    card = test_embed.Embed.card
    chromium = test_embed.Embed.chromium

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix="figures-newsroom-")
        five = os.path.join(cls.tmp, "five.csv")
        write(five, ['2019-10-1%d,2019-10-1%d,SYR,tal-abyad,Tal Abyad,"%s",%s,%s,,%d,about,civilians,q%d,'
                     % (i, i, name, code, kind, n, i) for i, (name, code, kind, n) in enumerate(FIVE)])
        refresh(cls.svc.db, "--import", five, "--feed", "five", "--quiet")
        # a figure that will be revised, one that will be withdrawn, one with a licence
        cls.changing = os.path.join(cls.tmp, "changing.csv")
        write(cls.changing, [
            "2019-10-13,2019-10-13,SYR,ras-al-ain,Ras al-Ain,Local council,council,government,,40,about,civilians,first count,",
            "2019-10-13,2019-10-13,SYR,ras-al-ain,Ras al-Ain,Red Cross field team,icrc,ngo,,25,exact,civilians,gone soon,",
            "2019-10-13,2019-10-13,SYR,ras-al-ain,Ras al-Ain,Open data group,odg,monitor,,33,exact,children,licensed,CC BY 4.0",
        ])
        refresh(cls.svc.db, "--import", cls.changing, "--feed", "changing", "--quiet")
        ids = {f["source"]["id"]: f["id"] for f in cls.svc.get("/v1/figures?feed=changing").json()["data"]}
        cls.revised, cls.withdrawn, cls.licensed = ids["council"], ids["icrc"], ids["odg"]

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def base(self):
        return "http://127.0.0.1:%d" % self.svc.port

    # -- tracking parameters -------------------------------------------------

    def test_a_card_address_with_tracking_parameters_shows_the_card(self):
        tracking = ("utm_source=newsletter&utm_medium=email&utm_campaign=syria-oct&fbclid=IwAR0abc"
                    "&gclid=Cj0KCQ&mc_cid=8a7b&mc_eid=1f2e&ref=twitter&utm_source=again")
        html = self.card("/v1/embed/figures/2?" + tracking)
        self.assertIn(">800<", html)
        html = self.card("/v1/embed/summary?metric=escaped&location=ain-issa-camp&theme=dark&" + tracking)
        self.assertIn("Sources disagree", html)
        self.assertIn('href="/v1/summary?metric=escaped&amp;location=ain-issa-camp"', html,
                      "the data link: the card's filters, without its theme or the tracking")
        # the data itself stays strict: a typo there is a 400, not a silently wider answer
        r = self.svc.get("/v1/figures?utm_source=newsletter")
        self.assertEqual((r.status, r.json()["error"]["parameter"]), (400, "utm_source"))
        # and a card still refuses what is neither its parameter nor tracking
        r = self.svc.get("/v1/embed/figures/2?colour=red")
        self.assertEqual(r.status, 400)
        self.assertIn("unknown parameter &#39;colour&#39;", r.body.decode())

    # -- errors inside an iframe ---------------------------------------------

    def error_card(self, path, status):
        r = self.svc.get(path)
        self.assertEqual(r.status, status, r.body[:300])
        self.assertEqual(r.header("content-type"), "text/html; charset=utf-8")
        good = self.svc.get("/v1/embed/figures/2")
        for h in ("content-security-policy", "cross-origin-resource-policy", "referrer-policy",
                  "x-content-type-options"):
            self.assertEqual(r.header(h), good.header(h), "framed like a card: " + h)
        self.assertNotIn("frame-ancestors", r.header("content-security-policy"))
        self.assertIsNone(r.header("x-frame-options"))
        self.assertEqual(r.header("cache-control"), "no-store")
        html = r.body.decode("utf-8")
        self.assertTrue(html.startswith("<!DOCTYPE html>"), html[:100])
        self.assertNotIn("<script", html)
        return html

    def test_an_error_inside_an_iframe_is_a_card_that_says_what_is_wrong(self):
        self.assertIn("no figure has id 999", self.error_card("/v1/embed/figures/999", 404))
        self.assertIn("Nothing to show here", self.error_card("/v1/embed/figures/999", 404))
        # in the card's language, even when its other parameters are wrong
        self.assertIn("Rien à afficher ici", self.error_card("/v1/embed/figures/999?lang=fr", 404))
        html = self.error_card("/v1/embed/figures/2?lang=ar&theme=pink", 400)
        self.assertIn('dir="rtl"', html)
        self.assertIn("لا يمكن عرض هذه البطاقة", html)
        self.assertIn("more than one", self.error_card("/v1/embed/summary?metric=detained", 400))
        self.assertIn("theme must be one of: light, dark",
                      self.error_card("/v1/embed/figures/2?theme=pink", 400))
        self.assertIn("positive whole number", self.error_card("/v1/embed/figures/abc", 400))
        html = self.error_card("/v1/embed/summary?group=%3Cscript%3Ealert(1)%3C/script%3E", 400)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html, "the value is escaped")
        # a program that asks for JSON gets the JSON error
        r = self.svc.get("/v1/embed/figures/999", {"Accept": "application/json"})
        self.assertEqual((r.status, r.json()["error"]["code"]), (404, "not_found"))
        self.assertEqual(r.header("vary"), "Accept")
        # the data routes keep answering in JSON
        self.assertEqual(self.svc.get("/v1/figures/999").json()["error"]["status"], 404)

    # -- revised, withdrawn, licence ------------------------------------------

    def test_a_revised_or_withdrawn_figures_card_says_so(self):
        html = self.card("/v1/embed/figures/%d" % self.revised)
        self.assertNotIn("revised on", html, "one revision: nothing to say")
        write(self.changing, [
            "2019-10-13,2019-10-13,SYR,ras-al-ain,Ras al-Ain,Local council,council,government,,55,about,civilians,second count,",
            "2019-10-13,2019-10-13,SYR,ras-al-ain,Ras al-Ain,Open data group,odg,monitor,,33,exact,children,licensed,CC BY 4.0",
        ])
        refresh(self.svc.db, "--import", self.changing, "--feed", "changing", "--quiet")
        revs = self.svc.get("/v1/figures/%d" % self.revised).json()["data"]["revisions"]
        self.assertEqual(len(revs), 2)
        html = self.card("/v1/embed/figures/%d" % self.revised)
        # the date written for people, like the card's other dates, in the card's language
        day = revs[0]["retrieved_at"][:10]
        self.assertIn('revised on <time datetime="%s">' % day, html)
        self.assertIn('révisé le <time datetime="%s">' % day,
                      self.card("/v1/embed/figures/%d?lang=fr" % self.revised))
        self.assertIn(">55<", html)
        html = self.card("/v1/embed/figures/%d" % self.withdrawn)
        self.assertIn("no longer published by the feed", html)
        self.assertNotIn("revised on", html)
        html = self.card("/v1/embed/figures/%d?lang=ar" % self.withdrawn)
        self.assertIn("لم يعد المصدر ينشره", html)
        html = self.card("/v1/embed/figures/%d?lang=es" % self.withdrawn)
        self.assertIn("el canal de datos ya no lo publica", html)

    def test_the_licence_shows_when_known(self):
        html = self.card("/v1/embed/figures/%d" % self.licensed)
        self.assertIn("Licence: <bdi>CC BY 4.0</bdi>", html)
        self.assertNotIn("Licence", self.card("/v1/embed/figures/2"), "none known: none shown")
        html = self.card("/v1/embed/summary?metric=killed&location=ras-al-ain&group=children")
        self.assertIn("Licence: <bdi>CC BY 4.0</bdi>", html)

    # -- oEmbed's height, resizing, discovery ---------------------------------

    def oembed(self, card, extra=""):
        q = urllib.parse.quote(self.base() + card, safe="")
        r = self.svc.get("/v1/oembed?url=" + q + extra)
        self.assertEqual(r.status, 200, r.body)
        return r.json()

    def rendered(self, path, height):
        """The card at 320 x height in Chromium: where its verdict and its end fall, in px."""
        html = self.svc.get(path).body.decode("utf-8")
        d = tempfile.mkdtemp(prefix="figures-height-")
        try:
            page = os.path.join(d, "card.html")
            # the card as an iframe of 320 px lays it out (a headless window is wider)
            probe = ("<script>var v=document.querySelector('.verdict');document.title="
                     "'bottoms '+Math.ceil(v?v.getBoundingClientRect().bottom:0)+' '"
                     "+Math.ceil(document.querySelector('.card').getBoundingClientRect().bottom)"
                     "</script>")
            with open(page, "w", encoding="utf-8") as f:
                f.write(html.replace("</head>", "<style>html{width:320px}</style></head>")
                        .replace("</body>", probe + "</body>"))
            p = self.chromium("--window-size=320,%d" % height, "--dump-dom", "file://" + page)
            m = re.search(r"<title>bottoms (\d+) (\d+)</title>", p.stdout)
            self.assertIsNotNone(m, p.stderr[-500:])
            return int(m.group(1)), int(m.group(2))
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_oembed_height_fits_every_claim_and_the_verdict(self):
        card = "/v1/embed/summary?metric=killed&location=tal-abyad"
        d = self.oembed(card)
        verdict, end = self.rendered(card, d["height"])
        self.assertLessEqual(end, d["height"], "the five claims and the footer fit the frame")
        self.assertLessEqual(verdict, d["height"])
        self.assertIn('height="%d"' % d["height"], d["html"])
        self.assertIn("killed: Tal Abyad", d["title"])
        # a figure card too (a revised one has a line more); and in the wordier languages,
        # whose attribution sentences and dates ("obtenido el 1 de diciembre de 2026") are longer
        for path in ["/v1/embed/figures/%d" % fid for fid in (2, 3, self.revised, self.licensed)] + \
                ["/v1/embed/figures/%d?lang=es" % fid for fid in (3, self.revised, self.licensed)] + \
                [card + "&lang=es", card + "&lang=ar"]:
            d = self.oembed(path)
            self.assertLessEqual(self.rendered(path, d["height"])[1], d["height"], path)

    def test_a_lower_maxheight_keeps_the_verdict_in_view(self):
        card = "/v1/embed/summary?metric=killed&location=tal-abyad"
        d = self.oembed(card, "&maxheight=200")
        self.assertEqual(d["height"], 200)
        verdict, end = self.rendered(card, 200)
        self.assertLessEqual(verdict, 200, "the verdict comes before the list")
        html = self.card(card)
        self.assertLess(html.index('class="meta verdict"'), html.index('class="claims"'))

    def test_oembed_of_a_card_that_shows_an_error_fits_the_error(self):
        for card in ("/v1/embed/summary?metric=released", "/v1/embed/summary?metric=detained",
                     "/v1/embed/figures/2?theme=pink"):
            with self.subTest(card=card):
                d = self.oembed(card)
                self.assertIn('<iframe src="%s%s"' % (self.base(), card.replace("&", "&amp;")), d["html"])
                self.assertEqual(d["title"], "figures: this card cannot be shown")
                self.assertLessEqual(self.rendered(card, d["height"])[1], d["height"])
                self.assertLess(d["height"], 300)

    def test_oembed_discovery_link_in_the_cards_head(self):
        for card in ("/v1/embed/figures/2?theme=dark&utm_source=x",
                     "/v1/embed/summary?metric=escaped&location=ain-issa-camp&fbclid=1"):
            html = self.card(card)
            m = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html)
            self.assertIsNotNone(m, card)
            self.assertLess(m.start(), html.index("</head>"))
            href = m.group(1).replace("&amp;", "&")
            url = urllib.parse.urlsplit(href)
            self.assertEqual((url.netloc, url.path), ("127.0.0.1:%d" % self.svc.port, "/v1/oembed"))
            target = urllib.parse.parse_qs(url.query)["url"][0]
            self.assertEqual(target, self.base() + card.rsplit("&", 1)[0], "the card, without tracking")
            d = self.svc.get(url.path + "?" + url.query).json()
            self.assertIn('<iframe src="%s' % target.replace("&", "&amp;"), d["html"])


if __name__ == "__main__":
    unittest.main()
