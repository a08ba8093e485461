/*
 * test_attribution.c: the sentence that attributes a figure (render/attribution.h)
 * and the words it is written with (render/words.h), in English, Arabic,
 * French and Spanish: the seed's Ain Issa claims word for word, every part a
 * figure may lack left out (never guessed), dates and numbers as each
 * language writes them, values from sources escaped in HTML and guarded in
 * CSV. Every sentence of every case, in every language, is also compared
 * with tests/unit/golden/attribution.txt (FIGURES_UPDATE_GOLDEN=1 rewrites
 * it: read the diff).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"
#include "render/attribution.h"
#include "render/html.h"
#include "render/table.h"
#include "render/words.h"
#include "core/strutil.h"

static const char *const langs[] = { "en", "ar", "fr", "es" };

/* The seed's row 2 (sql/seed/ain-issa-report.csv), as the store reads it. */
static const struct figure_row kurdish = {
	.id = 2, .value = 800, .metric = "escaped", .category = "detention",
	.qualifier = "almost", .group = "foreigners affiliated with IS",
	.location = { .code = "SYR-ain-issa-camp", .name = "Ain Issa camp", .country = "SYR",
	    .type = "camp" },
	.as_of = "2019-10-13", .sort_date = "2019-10-13",
	.source = { .code = "kurdish-authorities", .name = "Kurdish authorities",
	    .organisation = "Kurdish authorities in northern Syria", .type = "government" },
	.via = "BBC News", .reported_on = "2019-10-13", .retrieved_at = "2019-10-14T08:00:00Z",
	.feed = "seed", .unit = "people",
};

/* Row 1: the same escape, counted otherwise; no qualifier word (exact), no via. */
static const struct figure_row monitor = {
	.id = 1, .value = 100, .metric = "escaped", .category = "detention",
	.qualifier = "exact", .group = "foreigners affiliated with IS",
	.location = { .code = "SYR-ain-issa-camp", .name = "Ain Issa camp", .country = "SYR",
	    .type = "camp" },
	.as_of = "2019-10-13", .sort_date = "2019-10-13",
	.source = { .code = "monitoring-group-unnamed",
	    .name = "A monitoring group (not named in the report)", .type = "monitor" },
	.retrieved_at = "2019-10-14T08:00:00Z", .feed = "seed", .unit = "people",
};

/* Households of refugees from Syria in a country, displaced by two causes. */
static const struct figure_row hosted = {
	.id = 7, .value = 40000, .metric = "refugees", .category = "displacement",
	.qualifier = "about", .group = "",
	.location = { .code = "TUR", .name = "Türkiye", .country = "TUR", .type = "country",
	    .admin_level = 0, .has_level = 1 },
	.as_of = "2024-12-31", .sort_date = "2024-12-31",
	.source = { .code = "unhcr", .name = "UNHCR", .type = "un" },
	.retrieved_at = "2025-06-01T00:00:00Z", .feed = "unhcr",
	.unit = "households", .cause = "conflict+disaster",
	.origin = { .code = "SYR", .name = "Syria", .country = "SYR", .type = "country",
	    .admin_level = 0, .has_level = 1 },
};

/* A flow over a period: killed in Idleb from 1 to 31 October 2019. */
static const struct figure_row flow = {
	.id = 9, .value = 1234, .metric = "killed", .category = "casualties",
	.qualifier = "at_least", .group = "civilians",
	.location = { .code = "SY07", .name = "Idleb", .country = "SYR", .type = "admin1",
	    .admin_level = 1, .has_level = 1 },
	.period_start = "2019-10-01", .period_end = "2019-10-31", .sort_date = "2019-10-31",
	.source = { .code = "sohr", .name = "SOHR", .type = "monitor" },
	.via = "Reuters", .retrieved_at = "2019-11-02T00:00:00Z", .feed = "x", .unit = "people",
};

/* The sentence of fig in lang (attribution_figure), in t; the caller frees t. */
static const char *
sentence(struct buf *t, const struct figure_row *fig, const char *lang)
{
	buf_init(t, ATTRIBUTION_MAX);
	assert_int_equal(attribution_figure(t, fig, lang), ST_OK);
	assert_true(utf8_valid(t->data, t->len));
	return t->data;
}

static const char *
summary_sentence(struct buf *t, const struct summary_item *item, const char *lang)
{
	buf_init(t, ATTRIBUTION_MAX);
	assert_int_equal(attribution_summary(t, item, lang), ST_OK);
	assert_true(utf8_valid(t->data, t->len));
	return t->data;
}

static void
assert_sentence(const struct figure_row *fig, const char *lang, const char *want)
{
	struct buf t;

	assert_string_equal(sentence(&t, fig, lang), want);
	buf_free(&t);
}

/* The issue's own example, from the seed's row, in the four languages. */
static void
the_seed_claim_in_four_languages(void **state)
{
	(void)state;
	assert_sentence(&kurdish, "en", "Kurdish authorities said almost 800 people (foreigners "
	    "affiliated with IS) had escaped from Ain Issa camp, as of 13 October 2019 (via BBC "
	    "News).");
	assert_sentence(&kurdish, NULL, "Kurdish authorities said almost 800 people (foreigners "
	    "affiliated with IS) had escaped from Ain Issa camp, as of 13 October 2019 (via BBC "
	    "News).");
	assert_sentence(&kurdish, "fr", "Selon Kurdish authorities, près de 800 personnes "
	    "(foreigners affiliated with IS) se sont évadées d’Ain Issa camp, au 13 octobre 2019 "
	    "(via BBC News).");
	assert_sentence(&kurdish, "es", "Según Kurdish authorities, casi 800 personas "
	    "(foreigners affiliated with IS) escaparon de Ain Issa camp, al 13 de octubre de 2019 "
	    "(vía BBC News).");
	assert_sentence(&kurdish, "ar", "بحسب Kurdish authorities، بلغ عدد الفارّين "
	    "(foreigners affiliated with IS) من Ain Issa camp قرابة 800، حتى تاريخ 13 أكتوبر "
	    "2019 (عبر BBC News).");
	/* exact: no qualifier word; no via: no "(via …)" */
	assert_sentence(&monitor, "en", "A monitoring group (not named in the report) said 100 "
	    "people (foreigners affiliated with IS) had escaped from Ain Issa camp, as of 13 "
	    "October 2019.");
}

/* Each part the figure lacks is left out, in every language: never a guess. */
static void
missing_parts_are_left_out(void **state)
{
	static const char *const as_of[] = { "as of", "حتى تاريخ", " au ", " al " };
	static const char *const via[] = { "(via", "(عبر", "(via", "(vía" };
	struct figure_row bare = kurdish;
	struct buf t;

	(void)state;
	bare.as_of = NULL;
	bare.via = NULL;
	bare.group = "";
	bare.source.name = NULL;
	bare.source.code = NULL;
	for (size_t i = 0; i < 4; i++) {
		const char *s = sentence(&t, &bare, langs[i]);

		assert_null(strstr(s, as_of[i]));
		assert_null(strstr(s, via[i]));
		assert_null(strstr(s, "("));
		assert_null(strstr(s, "2019"));
		assert_non_null(strstr(s, "800"));
		assert_non_null(strstr(s, "Ain Issa camp"));
		buf_free(&t);
	}
	assert_sentence(&bare, "en", "Almost 800 people had escaped from Ain Issa camp.");
	assert_sentence(&bare, "fr", "Près de 800 personnes se sont évadées d’Ain Issa camp.");
	assert_sentence(&bare, "es", "Casi 800 personas escaparon de Ain Issa camp.");
	assert_sentence(&bare, "ar", "بلغ عدد الفارّين من Ain Issa camp قرابة 800.");

	/* no place name: no "in"; a period with one end: that end only */
	bare = flow;
	bare.location.name = NULL;
	bare.period_start = NULL;
	assert_sentence(&bare, "en", "SOHR said at least 1,234 people (civilians) had been "
	    "killed, until 31 October 2019 (via Reuters).");
	bare = flow;
	bare.period_end = NULL;
	assert_sentence(&bare, "fr", "Selon SOHR, au moins 1\u202f234 personnes (civilians) ont été "
	    "tuées à Idleb, depuis le 1er octobre 2019 (via Reuters).");
}

/* What a figure counts: households, origin, cause, a period, a country, an unknown metric. */
static void
what_it_counts(void **state)
{
	struct figure_row odd = monitor;

	(void)state;
	assert_sentence(&hosted, "en", "UNHCR said about 40,000 households from Syria were "
	    "refugees in Türkiye because of conflict and disaster, as of 31 December 2024.");
	assert_sentence(&hosted, "fr", "Selon UNHCR, environ 40\u202f000 ménages originaires de "
	    "Syria sont réfugiés sur le territoire de Türkiye en raison du conflit et de "
	    "catastrophes, au 31 décembre 2024.");
	assert_sentence(&hosted, "es", "Según UNHCR, alrededor de 40.000 hogares procedentes "
	    "de Syria son refugiados en Türkiye a causa del conflicto y de desastres, al 31 de "
	    "diciembre de 2024.");
	assert_sentence(&hosted, "ar", "بحسب UNHCR، بلغ عدد أسر اللاجئين من Syria في Türkiye "
	    "بسبب النزاع والكوارث حوالي 40,000، حتى تاريخ 31 ديسمبر 2024.");
	assert_sentence(&flow, "es", "Según SOHR, al menos 1234 personas (civilians) "
	    "resultaron muertas en Idleb, entre el 1 de octubre de 2019 y el 31 de octubre de "
	    "2019 (vía Reuters).");
	/* a metric this build has no words for: its code, quoted, not a guess */
	odd.metric = "evacuated";
	assert_sentence(&odd, "en", "A monitoring group (not named in the report) said 100 "
	    "people (foreigners affiliated with IS) were counted as “evacuated” in Ain Issa "
	    "camp, as of 13 October 2019.");
}

/* Two sources side by side: the verdict, each claim, the date once when they share it. */
static void
a_summary_item(void **state)
{
	struct figure_row claims[2] = { monitor, kurdish };
	struct summary_item item = { .claims = claims, .n = 2, .min = 100, .max = 800,
	    .agree = 0, .latest_as_of = "2019-10-13" };
	struct buf t;

	(void)state;
	assert_string_equal(summary_sentence(&t, &item, "en"), "Sources disagree on how many "
	    "people (foreigners affiliated with IS) had escaped from Ain Issa camp: according to "
	    "A monitoring group (not named in the report), 100; according to Kurdish "
	    "authorities, almost 800, as of 13 October 2019.");
	buf_free(&t);
	assert_string_equal(summary_sentence(&t, &item, "fr"), "Les sources divergent sur le "
	    "nombre de personnes (foreigners affiliated with IS) qui se sont évadées d’Ain Issa "
	    "camp : selon A monitoring group (not named in the report), 100 ; selon Kurdish "
	    "authorities, près de 800, au 13 octobre 2019.");
	buf_free(&t);
	/* dated apart: each claim its own date */
	claims[0].as_of = "2019-10-12";
	item.agree = 1;
	assert_string_equal(summary_sentence(&t, &item, "es"), "Las fuentes coinciden sobre el "
	    "número de personas (foreigners affiliated with IS) que escaparon de Ain Issa camp: "
	    "según A monitoring group (not named in the report), 100, al 12 de octubre de 2019; "
	    "según Kurdish authorities, casi 800, al 13 de octubre de 2019.");
	buf_free(&t);
	/* one source: its own sentence */
	item.n = 1;
	assert_string_equal(summary_sentence(&t, &item, "en"), "A monitoring group (not named "
	    "in the report) said 100 people (foreigners affiliated with IS) had escaped from Ain "
	    "Issa camp, as of 12 October 2019.");
	buf_free(&t);
	item.n = 0;
	buf_init(&t, ATTRIBUTION_MAX);
	assert_int_equal(attribution_summary(&t, &item, "en"), ST_INVALID);
	buf_free(&t);
}

/* Of a long item, the lowest and highest claims and how many are between. */
static void
a_long_summary_item(void **state)
{
	struct figure_row claims[1000];
	struct summary_item item = { .claims = claims, .n = 1000, .min = 0, .max = 999 };
	struct buf t;
	const char *s;

	(void)state;
	for (size_t i = 0; i < 1000; i++) {
		claims[i] = monitor;
		claims[i].value = (long long)i;
	}
	s = summary_sentence(&t, &item, "en");
	assert_non_null(strstr(s, "report), 4; 990 more sources in between; according to A monitoring group (not named "
	    "in the report), 995;"));
	assert_null(strstr(s, ", 5;"));
	assert_non_null(strstr(s, ", 999, as of 13 October 2019."));
	buf_free(&t);
}

static void
dates_for_people(void **state)
{
	static const char *const want[][4] = {
		{ "13 October 2019", "13 أكتوبر 2019", "13 octobre 2019", "13 de octubre de 2019" },
		{ "1 January 2020", "1 يناير 2020", "1er janvier 2020", "1 de enero de 2020" },
		{ "29 February 2024", "29 فبراير 2024", "29 février 2024", "29 de febrero de 2024" },
		{ "10 May 1900", "10 مايو 1900", "10 mai 1900", "10 de mayo de 1900" },
		{ "21 December 2200", "21 ديسمبر 2200", "21 décembre 2200", "21 de diciembre de 2200" },
	};
	static const char *const days[] = { "2019-10-13", "2020-01-01T08:00:00Z", "2024-02-29",
	    "1900-05-10", "2200-12-21" };
	struct buf b;

	(void)state;
	for (size_t d = 0; d < sizeof days / sizeof days[0]; d++)
		for (size_t l = 0; l < 4; l++) {
			buf_init(&b, 256);
			assert_int_equal(words_date(&b, words_for(langs[l]), days[d]), ST_OK);
			assert_string_equal(b.data, want[d][l]);
			buf_free(&b);
		}
	/* not a day: as given, never guessed at */
	static const char *const odd[] = { "2019-10", "2019-02-30", "2019-10-13x", "13/10/2019",
	    "1899-12-31", "2201-01-01", "" };
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		buf_init(&b, 256);
		assert_int_equal(words_date(&b, words_for("fr"), odd[i]), ST_OK);
		assert_string_equal(b.data, odd[i]);
		buf_free(&b);
	}
	buf_init(&b, 256);
	assert_int_equal(html_date(&b, words_for("es"), "2019-10-13"), ST_OK);
	assert_string_equal(b.data, "<time datetime=\"2019-10-13\">13 de octubre de 2019</time>");
	buf_free(&b);
	buf_init(&b, 256);
	assert_int_equal(html_date(&b, words_for("en"), "<b>2019</b>"), ST_OK);
	assert_string_equal(b.data, "&lt;b&gt;2019&lt;/b&gt;");
	buf_free(&b);
}

static void
numbers_grouped(void **state)
{
	static const struct { long long v; const char *want[4]; } cases[] = {
		{ 0, { "0", "0", "0", "0" } },
		{ 785, { "785", "785", "785", "785" } },
		{ 1000, { "1,000", "1,000", "1\u202f000", "1000" } },
		{ 12000, { "12,000", "12,000", "12\u202f000", "12.000" } },
		{ 3000000, { "3,000,000", "3,000,000", "3\u202f000\u202f000", "3.000.000" } },
		{ 1000000000000LL, { "1,000,000,000,000", "1,000,000,000,000",
		    "1\u202f000\u202f000\u202f000\u202f000", "1.000.000.000.000" } },
	};
	char out[WORDS_NUMBER_MAX];

	(void)state;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
		for (size_t l = 0; l < 4; l++) {
			words_number(words_for(langs[l]), cases[c].v, out);
			assert_string_equal(out, cases[c].want[l]);
		}
	words_number(words_for("en"), INT64_MIN, out);
	assert_string_equal(out, "-9,223,372,036,854,775,808");
}

/* A hostile source: escaped and isolated in HTML, in the sentence and on the card. */
static void
hostile_values_escaped_in_html(void **state)
{
	struct figure_row fig = kurdish;
	const struct card_opts o = { .lang = "fr", .data_url = "/v1/figures/2" };
	struct buf b;

	(void)state;
	fig.source.name = "<script>alert('x')</script>";
	fig.group = "\"><img src=x onerror=alert(1)>";
	fig.via = "A & B";
	for (size_t l = 0; l < 4; l++) {
		buf_init(&b, ATTRIBUTION_MAX);
		assert_int_equal(attribution_figure_html(&b, &fig, langs[l]), ST_OK);
		assert_null(strstr(b.data, "<script"));
		assert_null(strstr(b.data, "<img"));
		assert_non_null(strstr(b.data, "<bdi>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
		    "</bdi>"));
		assert_non_null(strstr(b.data, "<bdi>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
		    "</bdi>"));
		assert_non_null(strstr(b.data, "<bdi>A &amp; B</bdi>"));
		buf_free(&b);
	}
	buf_init(&b, 1 << 20);
	assert_int_equal(html_figure_card(&b, &fig, &o), ST_OK);
	assert_null(strstr(b.data, "<script"));
	assert_null(strstr(b.data, "<img"));
	assert_non_null(strstr(b.data, "<p class=\"attr\">Selon <bdi>&lt;script&gt;"));
	assert_non_null(strstr(b.data, "au <time datetime=\"2019-10-13\">13 octobre 2019</time> "
	    "(via <bdi>A &amp; B</bdi>).</p>"));
	buf_free(&b);
}

/* In CSV, the sentence is a cell like any other: a formula it starts with is text. */
static void
hostile_values_guarded_in_csv(void **state)
{
	struct figure_row fig = kurdish;
	struct buf b;

	(void)state;
	fig.source.name = "=HYPERLINK(\"http://evil\")";
	fig.group = "x;@SUM(A1)";
	buf_init(&b, 1 << 20);
	assert_int_equal(table_figure_row_lang(&b, &fig, TABLE_CSV, NULL, 0, "en"), ST_OK);
	assert_non_null(strstr(b.data, ",\"'=HYPERLINK(\"\"http://evil\"\") said almost 800 people "
	    "(x;'@SUM(A1)) had escaped from Ain Issa camp, as of 13 October 2019 (via BBC "
	    "News).\"\r\n"));
	buf_reset(&b);
	assert_int_equal(table_figure_row_lang(&b, &fig, TABLE_CSV, NULL, 0, "es"), ST_OK);
	assert_non_null(strstr(b.data, ",\"Según =HYPERLINK(\"\"http://evil\"\"), casi 800 "
	    "personas (x;'@SUM(A1)) escaparon"));
	buf_free(&b);
}

/* Every case in every language, against the golden file. */
static void
every_sentence_golden(void **state)
{
	static const char *const names[] = { "kurdish", "monitor", "hosted", "flow", "bare",
	    "returnees", "idp-returnees" };
	struct figure_row rows[7] = { kurdish, monitor, hosted, flow, kurdish, hosted, flow };
	struct figure_row claims[2] = { monitor, kurdish };
	struct summary_item item = { .claims = claims, .n = 2, .min = 100, .max = 800 };
	struct buf all, t;
	char *want;
	size_t wlen;

	(void)state;
	rows[4].as_of = rows[4].via = rows[4].source.name = rows[4].source.code = NULL;
	rows[4].group = "";
	rows[5].metric = "returnees";
	rows[5].cause = NULL;
	rows[6].metric = "idp_returnees";
	rows[6].location = hosted.location;
	buf_init(&all, 1 << 20);
	for (size_t l = 0; l < 4; l++) {
		for (size_t r = 0; r < 7; r++) {
			assert_int_equal(buf_printf(&all, "%s %s: %s\n", langs[l], names[r],
			    sentence(&t, &rows[r], langs[l])), ST_OK);
			buf_free(&t);
		}
		assert_int_equal(buf_printf(&all, "%s summary: %s\n", langs[l],
		    summary_sentence(&t, &item, langs[l])), ST_OK);
		buf_free(&t);
		buf_init(&t, ATTRIBUTION_MAX);
		assert_int_equal(attribution_summary_html(&t, &item, langs[l]), ST_OK);
		assert_int_equal(buf_printf(&all, "%s summary html: %s\n", langs[l], t.data), ST_OK);
		buf_free(&t);
	}
	if (getenv("FIGURES_UPDATE_GOLDEN") != NULL) {
		FILE *fp = fopen(SOURCE_DIR "/tests/unit/golden/attribution.txt", "wb");

		assert_non_null(fp);
		assert_int_equal(fwrite(all.data, 1, all.len, fp), all.len);
		assert_int_equal(fclose(fp), 0);
	}
	want = read_source_file("tests/unit/golden/attribution.txt", &wlen);
	if (wlen != all.len || memcmp(want, all.data, wlen) != 0)
		fail_msg("attribution.txt differs from its golden file:\n--- got\n%s\n--- want\n%s",
		    all.data, want);
	free(want);
	buf_free(&all);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_seed_claim_in_four_languages),
		cmocka_unit_test(missing_parts_are_left_out),
		cmocka_unit_test(what_it_counts),
		cmocka_unit_test(a_summary_item),
		cmocka_unit_test(a_long_summary_item),
		cmocka_unit_test(dates_for_people),
		cmocka_unit_test(numbers_grouped),
		cmocka_unit_test(hostile_values_escaped_in_html),
		cmocka_unit_test(hostile_values_guarded_in_csv),
		cmocka_unit_test(every_sentence_golden),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
