/*
 * test_render.c: render/ from rows built by hand (no database): each format's
 * exact bytes against a golden file in tests/unit/golden/. A change of shape
 * shows as a diff of that file; FIGURES_UPDATE_GOLDEN=1 rewrites the files
 * (then read the diff before committing it).
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
#include "render/json.h"
#include "render/page.h"
#include "render/table.h"
#include "core/strutil.h"

/*
 * Ain Issa, October 2019 (sql/seed): two claims about one escape that
 * disagree, with the values render must escape (a comma, quotes, a formula,
 * one after a ';', Arabic) and the ones it must leave empty (no period, no
 * via).
 */
static const struct figure_row kurdish = {
	.id = 2, .value = 785, .metric = "escaped", .category = "detention",
	.qualifier = "almost", .group = "foreign nationals",
	.location = { .code = "SYR-ain-issa-camp", .name = "Ain Issa camp", .country = "SYR",
	    .type = "camp" },
	.as_of = "2019-10-13", .sort_date = "2019-10-13",
	.source = { .code = "kurdish-authorities", .name = "Kurdish authorities",
	    .organisation = "Autonomous Administration of North and East Syria",
	    .type = "government" },
	.via = "BBC News", .url = "https://www.bbc.com/news/world-middle-east-50032460",
	.quote = "Kurdish authorities said 785 \"foreign affiliates\" escaped, almost 800",
	.reported_on = "2019-10-13", .retrieved_at = "2019-10-14T08:00:00Z",
	.licence = "quoted for reporting", .feed = "seed", .unit = "people",
	.metric_id = 6, .location_id = 4,
};

static const struct figure_row monitor = {
	.id = 1, .value = 100, .metric = "escaped", .category = "detention",
	.qualifier = "exact", .group = "foreign nationals",
	.location = { .code = "SYR-ain-issa-camp", .name = "Ain Issa camp", .country = "SYR",
	    .type = "camp" },
	.as_of = "2019-10-13", .sort_date = "2019-10-13",
	.source = { .code = "monitoring-group", .name = "=a monitoring group, unnamed",
	    .organisation = "مرصد", .type = "monitor", .url = "javascript:alert(1)" },
	.quote = "100 fled;=cmd|' /C calc'!A0",   /* a formula after ';' (issue 15.6) */
	.reported_on = "2019-10-13", .retrieved_at = "2019-10-14T08:00:00Z",
	.feed = "seed", .withdrawn = 1, .unit = "people",
	.metric_id = 6, .location_id = 4,
};

/*
 * What a figure counts beyond its metric: households of refugees from Syria
 * in Türkiye, displaced by conflict and disaster, with a breakdown by sex of
 * which only one half is known.
 */
static const struct figure_row hosted = {
	.id = 7, .value = 40000, .metric = "refugees", .category = "displacement",
	.qualifier = "about", .group = "",
	.location = { .code = "TUR", .name = "Türkiye", .country = "TUR", .type = "country",
	    .admin_level = 0, .has_level = 1 },
	.as_of = "2024-12-31", .sort_date = "2024-12-31",
	.source = { .code = "unhcr", .name = "UNHCR", .organisation = "UNHCR", .type = "un" },
	.retrieved_at = "2025-06-01T00:00:00Z", .feed = "unhcr",
	.unit = "households", .cause = "conflict+disaster", .females = 21000, .has_females = 1,
	.origin = { .code = "SYR", .name = "سوريا", .country = "SYR", .type = "country",
	    .admin_level = 0, .has_level = 1 },
	.metric_id = 3, .location_id = 9,
};

static const struct table_metric hxl_metrics[] = {
	{ "killed", "#affected+killed" }, { "escaped", "#affected+escaped" },
};

/* Compares got with tests/unit/golden/name, or writes it there when asked to. */
static void
assert_golden(const char *name, const char *got, size_t len)
{
	char rel[128];
	char *want;
	size_t wlen;

	snprintf(rel, sizeof rel, "tests/unit/golden/%s", name);
	if (getenv("FIGURES_UPDATE_GOLDEN") != NULL) {
		char path[512];
		FILE *fp;

		snprintf(path, sizeof path, "%s/%s", SOURCE_DIR, rel);
		assert_non_null(fp = fopen(path, "wb"));
		assert_int_equal(fwrite(got, 1, len, fp), len);
		assert_int_equal(fclose(fp), 0);
		return;
	}
	want = read_source_file(rel, &wlen);
	if (wlen != len || memcmp(want, got, len) != 0)
		fail_msg("%s differs from its golden file:\n--- got\n%.*s\n--- want\n%s", name,
		    (int)len, got, want);
	free(want);
}

static void
assert_golden_json(const char *name, cJSON *obj)
{
	char *text;

	assert_non_null(obj);
	assert_non_null(text = cJSON_Print(obj));
	assert_golden(name, text, strlen(text));
	cJSON_free(text);
	cJSON_Delete(obj);
}

static void
figure_as_json(void **state)
{
	(void)state;
	assert_golden_json("figure.json", json_figure(&kurdish));
	assert_golden_json("figure-counts.json", json_figure(&hosted));
}

static void
figure_without_date_or_via_has_nulls(void **state)
{
	struct figure_row f = monitor;
	cJSON *obj;

	(void)state;
	f.as_of = NULL;
	f.period_start = "2019-10-01";
	obj = json_figure(&f);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(obj, "as_of")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(obj, "via")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "period"), "end")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "location"),
	    "admin_level")));
	cJSON_Delete(obj);
}

static void
other_rows_as_json(void **state)
{
	const struct revision_row rev = { .id = 9, .value = 780, .qualifier = "about",
	    .males = 300, .has_males = 1,
	    .as_of = "2019-10-12", .reported_on = "2019-10-12", .url = "https://example.org/a",
	    .retrieved_at = "2019-10-12T09:00:00Z", .superseded_at = "2019-10-14T08:00:00Z" };
	const struct location_row loc = { .code = "SY02", .name = "حلب", .country = "SYR",
	    .type = "admin1", .admin_level = 1, .has_level = 1, .parent = "SYR" };
	const struct feed_status_row feed = { .code = "unhcr", .name = "UNHCR population",
	    .url = "https://api.unhcr.org/population/v1/population/", .adapter = "unhcr",
	    .interval = 86400, .enabled = 1, .last_attempt = "2026-11-30T00:00:00Z",
	    .last_error = "HTTP 503 from api.unhcr.org", .consecutive_failures = 2,
	    .added = 10, .changed = 2, .unchanged = 300, .rejected = 1, .stale = 1 };
	const struct metric_row metric = { .code = "idps", .category = "displacement",
	    .hxl = "#affected+idps", .label = "internally displaced people",
	    .description = "people displaced within their own country", .kind = "stock" };
	cJSON *all = cJSON_CreateArray();

	(void)state;
	cJSON_AddItemToArray(all, json_revision(&rev));
	cJSON_AddItemToArray(all, json_location(&loc));
	cJSON_AddItemToArray(all, json_source(&kurdish.source));
	cJSON_AddItemToArray(all, json_feed(&feed));
	cJSON_AddItemToArray(all, json_metric(&metric));
	assert_golden_json("rows.json", all);
}

static struct summary_item
two_claims(struct figure_row claims[2])
{
	claims[0] = monitor;
	claims[1] = kurdish;
	return (struct summary_item){ .claims = claims, .n = 2, .min = 100, .max = 785,
	    .agree = 0, .latest_as_of = "2019-10-13" };
}

static void
summary_item_as_json(void **state)
{
	struct figure_row claims[2];
	struct summary_item item = two_claims(claims);

	(void)state;
	assert_golden_json("summary.json", json_summary_item(&item));
}

static void
figures_as_csv_and_hxl(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 20);
	assert_int_equal(table_figures_head(&b, TABLE_CSV, NULL, 0), ST_OK);
	assert_int_equal(table_figure_row(&b, &kurdish, TABLE_CSV, NULL, 0), ST_OK);
	assert_int_equal(table_figure_row(&b, &monitor, TABLE_CSV, NULL, 0), ST_OK);
	assert_int_equal(table_figure_row(&b, &hosted, TABLE_CSV, NULL, 0), ST_OK);
	assert_golden("figures.csv", b.data, b.len);
	buf_free(&b);

	buf_init(&b, 1 << 20);
	assert_int_equal(table_figures_head(&b, TABLE_HXL, hxl_metrics, 2), ST_OK);
	assert_int_equal(table_figure_row(&b, &kurdish, TABLE_HXL, hxl_metrics, 2), ST_OK);
	assert_golden("figures.hxl.csv", b.data, b.len);
	buf_free(&b);
}

static void
summary_as_csv(void **state)
{
	struct figure_row claims[2];
	struct summary_item item = two_claims(claims);
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 20);
	assert_int_equal(table_summary_head(&b, TABLE_CSV, NULL, 0), ST_OK);
	assert_int_equal(table_summary_item(&b, &item, TABLE_CSV, NULL, 0), ST_OK);
	assert_golden("summary.csv", b.data, b.len);
	buf_free(&b);
}

static void
cards_as_html(void **state)
{
	struct figure_row claims[2];
	struct summary_item item = two_claims(claims);
	const struct card_opts en = { .lang = "en", .data_url = "/v1/figures/2",
	    .data_as_of = "2019-10-14T08:00:00Z" };
	const struct card_opts ar = { .dark = 1, .lang = "ar",
	    .data_url = "/v1/summary?metric=escaped&location=SYR-ain-issa-camp",
	    .data_as_of = "2019-10-14T08:00:00Z" };
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 20);
	assert_int_equal(html_figure_card(&b, &kurdish, &en), ST_OK);
	assert_golden("figure-card.html", b.data, b.len);
	buf_free(&b);

	buf_init(&b, 1 << 20);
	assert_int_equal(html_figure_card(&b, &hosted, &en), ST_OK);
	assert_golden("figure-card-counts.html", b.data, b.len);
	buf_free(&b);

	buf_init(&b, 1 << 20);
	assert_int_equal(html_summary_card(&b, &item, &ar), ST_OK);
	assert_golden("summary-card.ar.html", b.data, b.len);
	buf_free(&b);
}

/* The title card_title_figure (or _summary) writes, in t (freed by the caller). */
static const char *
figure_title(struct buf *t, const struct figure_row *fig)
{
	buf_init(t, CARD_TITLE_MAX);
	assert_int_equal(card_title_figure(t, fig), ST_OK);
	return t->data;
}

static const char *
summary_title(struct buf *t, const struct summary_item *item)
{
	buf_init(t, CARD_TITLE_MAX);
	assert_int_equal(card_title_summary(t, item), ST_OK);
	return t->data;
}

static void
card_titles(void **state)
{
	struct figure_row claims[2];
	struct summary_item item = two_claims(claims);
	struct buf t;

	(void)state;
	assert_string_equal(figure_title(&t, &kurdish), "almost 785 escaped: Ain Issa camp");
	buf_free(&t);
	assert_string_equal(summary_title(&t, &item), "escaped: Ain Issa camp, foreign nationals");
	buf_free(&t);
	assert_string_equal(figure_title(&t, &hosted),
	    "about 40,000 refugees (households): Türkiye, from سوريا");
	buf_free(&t);
}

/*
 * Issue 15.5: the longest names ingest takes (500 bytes each) in a two-byte
 * script. The titles were cut at 511 bytes, inside a character; now they
 * are whole, and so is the card's <title>.
 */
static void
card_titles_keep_long_names_whole(void **state)
{
	char name[501] = "", group[501] = "", origin[501] = "", want[2048];
	struct figure_row fig = hosted, claims[2];
	struct summary_item item = two_claims(claims);
	const struct card_opts en = { .lang = "en", .data_url = "/v1/figures/7" };
	struct buf t, b;

	(void)state;
	for (int i = 0; i < 250; i++) {   /* two bytes each, and the NUL after */
		memcpy(name + 2 * i, "\u0639", 3);   /* ع */
		memcpy(group + 2 * i, "\u0646", 3);  /* ن */
		memcpy(origin + 2 * i, "\u0633", 3); /* س */
	}
	fig.location.name = name;
	fig.origin.name = origin;
	fig.qualifier = "more_than";
	fig.value = 1000000;
	snprintf(want, sizeof want, "more than 1,000,000 refugees (households): %s, from %s",
	    name, origin);
	assert_string_equal(figure_title(&t, &fig), want);
	assert_true(utf8_valid(t.data, t.len));
	buf_free(&t);

	claims[0].location.name = claims[1].location.name = name;
	claims[0].group = claims[1].group = group;
	claims[0].origin.name = claims[1].origin.name = origin;
	snprintf(want, sizeof want, "escaped: %s, %s, from %s", name, group, origin);
	assert_string_equal(summary_title(&t, &item), want);
	buf_free(&t);

	buf_init(&b, 1 << 20);
	assert_int_equal(html_summary_card(&b, &item, &en), ST_OK);
	assert_true(utf8_valid(b.data, b.len));
	snprintf(want, sizeof want, "<title>escaped: %s, %s, from %s</title>", name, group, origin);
	assert_non_null(strstr(b.data, want));
	buf_free(&b);

	buf_init(&b, 1 << 20);
	assert_int_equal(html_figure_card(&b, &fig, &en), ST_OK);
	assert_true(utf8_valid(b.data, b.len));
	snprintf(want, sizeof want, "<title>more than 1,000,000 refugees (households): %s, from "
	    "%s</title>", name, origin);
	assert_non_null(strstr(b.data, want));
	buf_free(&b);
}

/* Occurrences of needle in hay. */
static size_t
count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/*
 * A feed that registers 10,000 sources for one group: the card stays a card
 * (it was over its 1 MB, a 503 "retry", from about 7,000 claims): the
 * lowest and the highest claims, how many are left out, and the verdict,
 * range and count of all of them.
 */
static void
a_summary_card_of_ten_thousand_claims(void **state)
{
	enum { N_CLAIMS = 10000 };
	struct figure_row *claims = calloc(N_CLAIMS, sizeof *claims);
	struct summary_item item = { .claims = claims, .n = N_CLAIMS, .min = 100, .max = 7000,
	    .agree = 0 };
	const struct card_opts en = { .lang = "en", .data_url = "/v1/summary?metric=escaped" };
	struct buf b;

	(void)state;
	assert_non_null(claims);
	for (size_t i = 0; i < N_CLAIMS; i++) {
		claims[i] = monitor;
		claims[i].value = i == N_CLAIMS - 1 ? 7000 : i == N_CLAIMS - 2 ? 5000 : 100;
	}
	buf_init(&b, 1 << 20);   /* what h_embed.c gives a card */
	assert_int_equal(html_summary_card(&b, &item, &en), ST_OK);
	assert_int_equal(count_of(b.data, "<li>"), CARD_CLAIMS_MAX);
	assert_non_null(strstr(b.data, "<li class=\"meta\">… <span dir=\"ltr\">9,960</span> more "
	    "sources in between …</li>\n<li>"));
	assert_non_null(strstr(b.data, "<span class=\"n\" dir=\"ltr\">7,000</span>"));
	assert_non_null(strstr(b.data, "<span class=\"n\" dir=\"ltr\">5,000</span>"));
	assert_non_null(strstr(b.data, "<span class=\"badge no\">Sources disagree</span> range "
	    "<span dir=\"ltr\">100 – 7,000</span> · 10000 sources"));
	buf_free(&b);

	item.n = CARD_CLAIMS_MAX;   /* up to the bound, every claim */
	buf_init(&b, 1 << 20);
	assert_int_equal(html_summary_card(&b, &item, &en), ST_OK);
	assert_int_equal(count_of(b.data, "<li>"), CARD_CLAIMS_MAX);
	assert_null(strstr(b.data, "<li class=\"meta\">"));   /* no claim left out of the list */
	buf_free(&b);
	free(claims);
}

/* json_write_* against cJSON_PrintUnformatted of the tree, byte for byte. */
static void
assert_writes_as_cjson(const struct figure_row *f, const struct summary_item *item,
    const char *lang)
{
	struct buf b, scratch;
	cJSON *obj = item != NULL ? json_summary_item_lang(item, lang) : json_figure_lang(f, lang);
	char *want;

	assert_non_null(obj);
	assert_non_null(want = cJSON_PrintUnformatted(obj));
	buf_init(&b, 1 << 22);
	buf_init(&scratch, ATTRIBUTION_MAX);
	assert_int_equal(item != NULL ? json_write_summary_item(&b, item, lang, &scratch) :
	    json_write_figure(&b, f, lang, &scratch), ST_OK);
	if (b.len != strlen(want) || memcmp(b.data, want, b.len) != 0)
		fail_msg("json_write_* (lang %s) differs from cJSON:\n--- got\n%s\n--- want\n%s",
		    lang != NULL ? lang : "none", b.data, want);
	buf_free(&b);
	buf_free(&scratch);
	cJSON_free(want);
	cJSON_Delete(obj);
}

/* json_write_revision against cJSON_PrintUnformatted of json_revision, byte for byte. */
static void
assert_revision_as_cjson(const struct revision_row *rev)
{
	struct buf b;
	cJSON *obj = json_revision(rev);
	char *want;

	assert_non_null(obj);
	assert_non_null(want = cJSON_PrintUnformatted(obj));
	buf_init(&b, 1 << 16);
	assert_int_equal(json_write_revision(&b, rev), ST_OK);
	if (b.len != strlen(want) || memcmp(b.data, want, b.len) != 0)
		fail_msg("json_write_revision differs from cJSON:\n--- got\n%s\n--- want\n%s",
		    b.data, want);
	buf_free(&b);
	cJSON_free(want);
	cJSON_Delete(obj);
}

/* A figure's revisions, written without cJSON: every field null or given, by sex, periods. */
static void
revisions_print_as_cjson(void **state)
{
	struct revision_row rev = { .id = 9, .value = 780, .qualifier = "about",
	    .males = 300, .has_males = 1,
	    .as_of = "2019-10-12", .reported_on = "2019-10-12", .url = "https://example.org/a",
	    .quote = "\"quoted\"\\ \x01\t\xc3\xa9", .retrieved_at = "2019-10-12T09:00:00Z",
	    .superseded_at = "2019-10-14T08:00:00Z" };
	struct revision_row bare;

	(void)state;
	assert_revision_as_cjson(&rev);
	rev.has_males = 0;
	rev.females = 0;
	rev.has_females = 1;
	rev.period_start = "2019-10-01";
	assert_revision_as_cjson(&rev);
	rev.has_males = 1;
	rev.period_end = "2019-10-13";
	rev.value = -9223372036854775807LL - 1;
	assert_revision_as_cjson(&rev);
	rev.period_start = NULL;
	assert_revision_as_cjson(&rev);
	memset(&bare, 0, sizeof bare);
	assert_revision_as_cjson(&bare);
}

/*
 * json_put_text looks at a text eight bytes at a time: every byte cJSON
 * escapes, and the bytes either side of each class it tests ('"' 0x22,
 * '\\' 0x5c, below 0x20), at every place of texts of 1 to 24 bytes, alone
 * and after another escaped byte, written as cJSON prints the text.
 */
static void
json_text_escapes_every_byte_at_every_place(void **state)
{
	static const unsigned char odd[] = { 0x01, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x1f,
		0x20, 0x21, '"', 0x23, 0x5b, '\\', 0x5d, 0x7f, 0x80, 0xa2, 0xdc, 0xff };
	char text[32];
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	for (size_t len = 1; len <= 24; len++) {
		for (size_t at = 0; at < len; at++) {
			for (size_t k = 0; k < sizeof odd; k++) {
				for (int twice = 0; twice < 2; twice++) {
					memset(text, 'a', len);
					text[len] = '\0';
					text[at] = (char)odd[k];
					if (twice && at + 1 < len)
						text[len - 1] = '\n';
					cJSON *str = cJSON_CreateString(text);
					char *want = cJSON_PrintUnformatted(str);

					buf_reset(&b);
					assert_int_equal(json_put_text(&b, text), ST_OK);
					assert_string_equal(b.data, want);
					free(want);
					cJSON_Delete(str);
				}
			}
		}
	}
	buf_free(&b);
}

/*
 * The many-row answers are written without cJSON (render/json.h): the same
 * bytes for every field's shape: nulls, an origin, a breakdown by sex (whole,
 * half, none), a period (whole, either end), every byte cJSON escapes, bytes
 * it does not (DEL, UTF-8), empty strings, extreme numbers, every language,
 * and a sentence too long to make (null).
 */
static void
json_writers_print_as_cjson(void **state)
{
	static const char *const langs[] = { NULL, "en", "fr", "ar", "es" };
	char nasty[160], *huge;
	size_t k = 0;
	struct figure_row odd = monitor, bare, claims[2], one[1];
	struct summary_item item = two_claims(claims), single;

	(void)state;
	for (int c = 1; c < 128; c++)
		nasty[k++] = (char)c;
	memcpy(nasty + k, "\xc3\xa9\xd8\xb3\xe2\x80\xaf", 8);   /* NUL-terminated */
	odd.quote = nasty;
	odd.group = "";
	odd.via = "a \"via\"\\ with\ttabs\r\n";
	odd.id = -9223372036854775807LL - 1;
	odd.value = 9223372036854775807LL;
	odd.males = 5;
	odd.has_males = 1;
	odd.females = 0;
	odd.has_females = 1;
	odd.period_end = "2019-10-13";
	odd.cause = "violence+unknown\x01";
	odd.unit = NULL;
	odd.origin = hosted.origin;
	odd.location.has_level = 1;
	odd.location.admin_level = 2;
	memset(&bare, 0, sizeof bare);
	bare.metric = "killed";
	for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
		assert_writes_as_cjson(&kurdish, NULL, langs[i]);
		assert_writes_as_cjson(&monitor, NULL, langs[i]);
		assert_writes_as_cjson(&hosted, NULL, langs[i]);
		assert_writes_as_cjson(&odd, NULL, langs[i]);
		assert_writes_as_cjson(&bare, NULL, langs[i]);
		odd.period_start = "2019-10-01";
		assert_writes_as_cjson(&odd, NULL, langs[i]);
		odd.period_end = NULL;
		assert_writes_as_cjson(&odd, NULL, langs[i]);
		odd.period_start = NULL;
		odd.period_end = "2019-10-13";
		assert_writes_as_cjson(NULL, &item, langs[i]);
		item.agree = !item.agree;
		item.latest_as_of[0] = '\0';
		assert_writes_as_cjson(NULL, &item, langs[i]);
		item = two_claims(claims);
		one[0] = odd;
		single = (struct summary_item){ .claims = one, .n = 1, .min = odd.value,
		    .max = odd.value, .agree = 1, .latest_as_of = "2019-10-13" };
		assert_writes_as_cjson(NULL, &single, langs[i]);
	}
	/* a source's name longer than a sentence may be: the attribution is null */
	assert_non_null(huge = malloc(ATTRIBUTION_MAX + 2));
	memset(huge, 'n', ATTRIBUTION_MAX + 1);
	huge[ATTRIBUTION_MAX + 1] = '\0';
	odd.source.name = huge;
	assert_writes_as_cjson(&odd, NULL, NULL);
	one[0] = odd;
	assert_writes_as_cjson(NULL, &single, "fr");
	free(huge);
}

/* A copy outlives what it was copied from: the summary keeps rows past their cursor. */
static void
figure_row_copy_owns_its_strings(void **state)
{
	char name[] = "Ain Issa camp", quote[] = "almost 800";
	struct figure_row src = kurdish, dst;
	char *block;

	(void)state;
	src.location.name = name;
	src.quote = quote;
	src.via = NULL;
	assert_non_null(block = figure_row_copy(&dst, &src));
	memset(name, 'x', sizeof name - 1);
	memset(quote, 'x', sizeof quote - 1);
	assert_string_equal(dst.location.name, "Ain Issa camp");
	assert_string_equal(dst.quote, "almost 800");
	assert_null(dst.via);
	assert_string_equal(dst.source.organisation, kurdish.source.organisation);
	assert_int_equal(dst.value, 785);
	free(block);
}

/* A copy into memory of the caller's: every string there, or nothing when they do not fit. */
static void
figure_row_copy_to_fits_or_says_so(void **state)
{
	struct figure_row dst;
	char mem[4096];
	size_t need;

	(void)state;
	need = figure_row_copy_to(&dst, &kurdish, mem, sizeof mem);
	assert_true(need > strlen(kurdish.quote) + strlen(kurdish.url));
	assert_true(need < sizeof mem);
	assert_ptr_equal(dst.metric, mem);   /* the first string, at the start */
	assert_true(dst.quote > mem && dst.quote < mem + need);
	assert_string_equal(dst.quote, kurdish.quote);
	assert_string_equal(dst.location.name, kurdish.location.name);
	assert_null(dst.period_start);
	assert_int_equal(figure_row_copy_to(&dst, &kurdish, mem, need - 1), 0);
	memset(mem, 0, sizeof mem);
	assert_int_equal(figure_row_copy_to(&dst, &kurdish, mem, need), need);   /* exactly */
	{
		const char *got[] = { dst.metric, dst.category, dst.qualifier, dst.group,
		    dst.location.code, dst.location.name, dst.location.country, dst.location.type,
		    dst.as_of, dst.sort_date, dst.source.code, dst.source.name,
		    dst.source.organisation, dst.source.type, dst.via, dst.url, dst.quote,
		    dst.reported_on, dst.retrieved_at, dst.licence, dst.feed, dst.unit };
		const char *want[] = { kurdish.metric, kurdish.category, kurdish.qualifier,
		    kurdish.group, kurdish.location.code, kurdish.location.name,
		    kurdish.location.country, kurdish.location.type, kurdish.as_of,
		    kurdish.sort_date, kurdish.source.code, kurdish.source.name,
		    kurdish.source.organisation, kurdish.source.type, kurdish.via, kurdish.url,
		    kurdish.quote, kurdish.reported_on, kurdish.retrieved_at, kurdish.licence,
		    kurdish.feed, kurdish.unit };

		for (size_t i = 0; i < sizeof got / sizeof got[0]; i++) {
			assert_true(got[i] >= mem && got[i] < mem + need);
			assert_string_equal(got[i], want[i]);
		}
	}
	assert_null(dst.source.url);
	assert_null(dst.cause);
	{
		struct figure_row bare = { .id = 3, .value = 1 };   /* no strings: a byte */

		assert_int_equal(figure_row_copy_to(&dst, &bare, mem, 1), 1);
		assert_int_equal(figure_row_copy_to(&dst, &bare, mem, 0), 0);
		assert_int_equal(dst.id, 3);
	}
}

/* Every page part there is, in one document, with the options o. */
static void
whole_page(struct buf *b, const struct page_opts *o)
{
	struct figure_row claims[2] = { monitor, kurdish };
	struct summary_item item = { .claims = claims, .n = 2, .min = 100, .max = 785 };
	struct chart_point pts[] = { { "Kurdish authorities", "2019-10-13", 785, "almost" } };
	struct revision_row rev = { .value = 785, .qualifier = "almost", .as_of = "2019-10-13",
	    .retrieved_at = "2019-10-14" };

	buf_init(b, 1024 * 1024);
	assert_int_equal(page_begin(b, o, "Ain Issa camp"), ST_OK);
	assert_int_equal(page_search_form(b, o, "ain"), ST_OK);
	assert_int_equal(page_results_begin(b, o, "ain"), ST_OK);
	assert_int_equal(page_result(b, o, &kurdish.location), ST_OK);
	assert_int_equal(page_results_end(b, o, 1), ST_OK);
	assert_int_equal(page_countries_begin(b, o), ST_OK);
	assert_int_equal(page_country_begin(b, o, &hosted.location), ST_OK);
	assert_int_equal(page_figure_item(b, o, &hosted), ST_OK);
	assert_int_equal(page_country_end(b, o), ST_OK);
	assert_int_equal(page_countries_end(b, o), ST_OK);
	assert_int_equal(page_summary_item(b, o, &item, pts, 1,
	    "/v1/summary?location=SYR-ain-issa-camp", "/v1/embed/summary?location=SYR-ain-issa-camp",
	    1), ST_OK);
	assert_int_equal(page_figure(b, o, &kurdish), ST_OK);
	assert_int_equal(page_revisions_begin(b, o), ST_OK);
	assert_int_equal(page_revision(b, o, &rev), ST_OK);
	assert_int_equal(page_revisions_end(b, o), ST_OK);
	assert_int_equal(page_links(b, o, "/v1/figures/2", "/v1/figures?source=x"), ST_OK);
	assert_int_equal(page_embed(b, o, "/v1/embed/figures/2", 2, 2), ST_OK);
	assert_int_equal(page_error_body(b, o, 404, "no figure has id 9"), ST_OK);
	assert_int_equal(page_end(b, o), ST_OK);
}

/*
 * Every href, src and action of html starts with one of the allowed
 * beginnings (want, NULL-terminated); returns how many links there were.
 */
static int
links_start_with(const char *html, const char *const *want)
{
	static const char *const attrs[] = { " href=\"", " src=\"", " action=\"" };
	int n = 0;

	for (size_t a = 0; a < sizeof attrs / sizeof attrs[0]; a++)
		for (const char *p = strstr(html, attrs[a]); p != NULL; p = strstr(p + 1, attrs[a])) {
			const char *v = p + strlen(attrs[a]);
			int ok = 0;

			for (size_t i = 0; want[i] != NULL && !ok; i++)
				ok = strncmp(v, want[i], strlen(want[i])) == 0;
			if (!ok)
				fail_msg("a link outside the root: %.80s", v);
			n++;
		}
	return n;
}

/* Under a proxy's path prefix every link to the service carries it. */
static void
page_links_carry_the_root(void **state)
{
	static const char *const prefixed[] = { "#", "/news/figures/",
	    "https://news.example.org/news/figures/", "https://www.bbc.com/", NULL };
	static const char *const plain[] = { "#", "/v1/", "/figures/", "/places/", "/?", "/\"",
	    "https://www.bbc.com/", NULL };
	struct page_opts o = { .lang = "en", .base = "https://news.example.org/news/figures",
	    .path = "/places/SYR-ain-issa-camp", .card = "/v1/embed/figures/2",
	    .root = "/news/figures" };
	struct buf b;

	(void)state;
	for (int ar = 0; ar < 2; ar++) {
		o.lang = ar ? "ar" : "en";
		whole_page(&b, &o);
		assert_true(links_start_with(b.data, prefixed) > 20);
		assert_non_null(strstr(b.data, "action=\"/news/figures/\""));
		assert_non_null(strstr(b.data, "href=\"/news/figures/places/SYR-ain-issa-camp?lang="));
		assert_non_null(strstr(b.data, "href=\"/news/figures/v1/feeds\""));
		buf_free(&b);
	}
	/* no root (no public URL): the links stay root-relative, as they always were */
	o = (struct page_opts){ .lang = "en", .base = "", .path = "/places/SYR-ain-issa-camp" };
	whole_page(&b, &o);
	assert_true(links_start_with(b.data, plain) > 20);
	assert_non_null(strstr(b.data, "action=\"/\""));
	assert_non_null(strstr(b.data, "class=\"site\" href=\"/\""));
	assert_non_null(strstr(b.data, "<a href=\"/v1/openapi.json\">API</a>"));
	buf_free(&b);
	/* the root is escaped like any value written into an attribute */
	o.root = "/a\"b<c>&";
	whole_page(&b, &o);
	assert_null(strstr(b.data, "/a\"b"));
	assert_non_null(strstr(b.data, "action=\"/a&quot;b&lt;c&gt;&amp;/\""));
	buf_free(&b);
}

/* The page's language switch links every language but lang, each named in its own. */
static void
assert_switch(const char *html, const char *lang)
{
	static const char *const links[][2] = { { "en", "English" }, { "ar", "العربية" },
	    { "fr", "Français" }, { "es", "Español" } };
	char want[160];

	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
		snprintf(want, sizeof want, "/places/SYR-ain-issa-camp?lang=%s\" lang=\"%s\" "
		    "hreflang=\"%s\">%s</a>", links[i][0], links[i][0], links[i][0], links[i][1]);
		if (strcmp(links[i][0], lang) == 0)
			assert_null(strstr(html, want));
		else if (strstr(html, want) == NULL)
			fail_msg("the %s page does not link its %s version: %s", lang, links[i][0], want);
	}
}

/* The pages speak French and Spanish as well as English and Arabic, from words.c. */
static void
pages_speak_four_languages(void **state)
{
	static const struct { const char *lang, *html, *phrase, *query; } langs[] = {
		{ "en", "<html lang=\"en\" dir=\"ltr\">", "Find a place", "" },
		{ "ar", "<html lang=\"ar\" dir=\"rtl\">", "ابحث عن مكان", "?lang=ar" },
		{ "fr", "<html lang=\"fr\" dir=\"ltr\">", "Trouver un lieu", "?lang=fr" },
		{ "es", "<html lang=\"es\" dir=\"ltr\">", "Buscar un lugar", "?lang=es" },
	};
	struct page_opts o = { .base = "", .path = "/places/SYR-ain-issa-camp" };
	struct buf b, en;
	char want[80];

	(void)state;
	for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
		o.lang = langs[i].lang;
		whole_page(&b, &o);
		if (strncmp(b.data, "<!DOCTYPE html>\n", 16) != 0 || strstr(b.data, langs[i].html) == NULL)
			fail_msg("the %s page does not start %s: %.80s", langs[i].lang, langs[i].html,
			    b.data);
		assert_non_null(strstr(b.data, langs[i].phrase));
		assert_switch(b.data, langs[i].lang);
		/* its links to the service and its card stay in its language */
		snprintf(want, sizeof want, "/figures/2%s\"", langs[i].query);
		assert_non_null(strstr(b.data, want));
		snprintf(want, sizeof want, "/v1/embed/figures/2%s", langs[i].query);
		assert_non_null(strstr(b.data, want));
		buf_free(&b);
	}
	/* French and Spanish words where the cards have them too; the search keeps the language */
	o.lang = "fr";
	whole_page(&b, &o);
	assert_non_null(strstr(b.data, "Les sources divergent"));
	assert_non_null(strstr(b.data, "<input type=\"hidden\" name=\"lang\" value=\"fr\">"));
	assert_non_null(strstr(b.data, "Révisions"));
	buf_free(&b);
	o.lang = "es";
	whole_page(&b, &o);
	assert_non_null(strstr(b.data, "Las fuentes discrepan"));
	assert_non_null(strstr(b.data, "Revisiones"));
	assert_null(strstr(b.data, "Revisions<"));
	buf_free(&b);
	/* no language, or one the pages do not speak: the English page, byte for byte */
	o.lang = "en";
	whole_page(&en, &o);
	for (int k = 0; k < 2; k++) {
		o.lang = k == 0 ? NULL : "xx";
		whole_page(&b, &o);
		assert_string_equal(b.data, en.data);
		buf_free(&b);
	}
	buf_free(&en);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(figure_as_json),
		cmocka_unit_test(figure_without_date_or_via_has_nulls),
		cmocka_unit_test(other_rows_as_json),
		cmocka_unit_test(summary_item_as_json),
		cmocka_unit_test(figures_as_csv_and_hxl),
		cmocka_unit_test(summary_as_csv),
		cmocka_unit_test(cards_as_html),
		cmocka_unit_test(card_titles),
		cmocka_unit_test(card_titles_keep_long_names_whole),
		cmocka_unit_test(a_summary_card_of_ten_thousand_claims),
		cmocka_unit_test(figure_row_copy_owns_its_strings),
		cmocka_unit_test(figure_row_copy_to_fits_or_says_so),
		cmocka_unit_test(json_writers_print_as_cjson),
		cmocka_unit_test(json_text_escapes_every_byte_at_every_place),
		cmocka_unit_test(revisions_print_as_cjson),
		cmocka_unit_test(page_links_carry_the_root),
		cmocka_unit_test(pages_speak_four_languages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
