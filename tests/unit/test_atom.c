/*
 * test_atom.c: render/atom.c from rows built by hand: XML escaping of every
 * value (markup, quotes, CR, what XML 1.0 cannot hold, bytes that are not
 * UTF-8), a change's id and title in words, and a whole feed's structure.
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
#include "render/atom.h"

/* Ain Issa, October 2019 (sql/seed): Kurdish authorities' claim, revised. */
static const struct change_row revised = {
	.kind = CHANGE_REVISED, .at = "2019-10-14T08:00:00Z", .seq = 12,
	.figure = {
		.id = 2, .value = 800, .metric = "escaped", .category = "detention",
		.qualifier = "almost", .group = "",
		.location = { .code = "ain-issa-camp", .name = "Ain Issa camp", .country = "SYR",
		    .type = "camp" },
		.as_of = "2019-10-13", .sort_date = "2019-10-13",
		.source = { .code = "kurdish-authorities", .name = "Kurdish authorities",
		    .organisation = "Kurdish authorities", .type = "government" },
		.via = "BBC News", .retrieved_at = "2019-10-14T08:00:00Z", .feed = "seed",
		.unit = "people",
	},
	.old = { .set = 1, .value = 785, .qualifier = "exact", .as_of = "2019-10-12" },
	.new_ = { .set = 1, .value = 800, .qualifier = "almost", .as_of = "2019-10-13" },
};

static const struct atom_feed feed = {
	.base = "http://news.example.org", .self = "/v1/changes.atom?metric=escaped&x=<\"'>",
	.title = "figures: changes (metric=escaped)", .updated = "2019-10-14T08:00:00Z",
};

/* atom_text(s) as a new string (freed by the caller). */
static char *
escaped(const char *s)
{
	struct buf b;

	buf_init(&b, 1 << 16);
	assert_int_equal(atom_text(&b, s), ST_OK);
	assert_int_equal(buf_putc(&b, '\0'), ST_OK);
	return b.data;
}

static void
test_text_escapes_markup_and_keeps_text(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;" },
		{ "a & b \"q\" 'r'", "a &amp; b &quot;q&quot; &#39;r&#39;" },
		{ "]]>", "]]&gt;" },
		{ "&amp;", "&amp;amp;" },
		{ "line\r\nnext\tcol", "line&#13;\nnext\tcol" },
		/* any script stays as it is */
		{ "عين عيسى — Türkiye", "عين عيسى — Türkiye" },
		{ "\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80" },
		/* what XML 1.0 cannot hold, escaped or not, becomes U+FFFD */
		{ "a\x01" "b\x1f" "c\x0b", "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD" },
		{ "\xEF\xBF\xBE\xEF\xBF\xBF", "\xEF\xBF\xBD\xEF\xBF\xBD" },
		/* bytes that are not UTF-8: each one replaced, the rest kept */
		{ "x\xC3(y", "x\xEF\xBF\xBD(y" },
		{ "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },   /* a surrogate */
		{ "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD" },                   /* overlong '/' */
		{ "cut\xE2\x82", "cut\xEF\xBF\xBD\xEF\xBF\xBD" },             /* cut at the end */
		{ "", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = escaped(cases[i].in);

		assert_text(got != NULL ? got : "", cases[i].out);
		free(got);
	}
}

static void
test_change_ids_are_stable_and_fragment_safe(void **state)
{
	struct change_row w = revised;
	char id[CHANGE_ID_MAX];

	(void)state;
	change_id(&revised, id);
	assert_string_equal(id, "r12");
	w.kind = CHANGE_WITHDRAWN;
	w.seq = 2;
	change_id(&w, id);
	assert_string_equal(id, "w2.20191014T080000Z");
}

static char *
title(const struct change_row *c)
{
	struct buf b;

	buf_init(&b, 1 << 16);
	assert_int_equal(atom_change_title(&b, c), ST_OK);
	assert_int_equal(buf_putc(&b, '\0'), ST_OK);
	return b.data;
}

static void
test_titles_say_the_change_in_words(void **state)
{
	struct change_row c = revised;
	char *t;

	(void)state;
	t = title(&c);
	assert_string_equal(t, "Kurdish authorities: escaped, Ain Issa camp, revised from 785 to "
	    "almost 800");
	free(t);
	c.kind = CHANGE_ADDED;
	c.old.set = 0;
	c.figure.group = "foreign nationals";
	t = title(&c);
	assert_string_equal(t, "Kurdish authorities: escaped, Ain Issa camp, foreign nationals, "
	    "added: almost 800");
	free(t);
	c.kind = CHANGE_WITHDRAWN;
	c.old = c.new_;
	c.old.qualifier = "more_than";
	c.new_.set = 0;
	c.figure.metric = "idps";
	c.figure.unit = "households";
	t = title(&c);
	assert_string_equal(t, "Kurdish authorities: internally displaced, Ain Issa camp, "
	    "foreign nationals, withdrawn (was more than 800 households)");
	free(t);
}

/* A whole feed of one entry: its parts in place, every value escaped. */
static void
test_a_feed_holds_its_entries_escaped(void **state)
{
	struct change_row c = revised;
	struct buf b;

	(void)state;
	c.figure.source.name = "<b>Kurdish</b> & \"co\"";
	c.figure.quote = "</content><entry>forged</entry>";
	buf_init(&b, 1 << 20);
	assert_int_equal(atom_feed_begin(&b, &feed), ST_OK);
	assert_int_equal(atom_entry(&b, &feed, &c), ST_OK);
	assert_int_equal(atom_feed_end(&b), ST_OK);
	assert_non_null(b.data);
	assert_non_null(strstr(b.data, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
	    "<id>http://news.example.org/v1/changes.atom?metric=escaped&amp;x=&lt;&quot;&#39;&gt;"
	    "</id>\n<title>figures: changes (metric=escaped)</title>\n"
	    "<updated>2019-10-14T08:00:00Z</updated>\n"
	    "<link rel=\"self\" type=\"application/atom+xml\" "
	    "href=\"http://news.example.org/v1/changes.atom?metric=escaped&amp;x=&lt;&quot;&#39;&gt;\"/>\n"));
	assert_non_null(strstr(b.data, "<entry>\n<id>http://news.example.org/v1/figures/2#r12</id>\n"
	    "<title>&lt;b&gt;Kurdish&lt;/b&gt; &amp; &quot;co&quot;: escaped, Ain Issa camp, "
	    "revised from 785 to almost 800</title>\n<updated>2019-10-14T08:00:00Z</updated>\n"
	    "<author><name>&lt;b&gt;Kurdish&lt;/b&gt; &amp; &quot;co&quot;</name>\n</author>\n"
	    "<link rel=\"alternate\" type=\"text/html\" "
	    "href=\"http://news.example.org/v1/embed/figures/2\"/>\n"
	    "<link rel=\"related\" type=\"application/json\" "
	    "href=\"http://news.example.org/v1/figures/2\"/>\n"
	    "<category term=\"revised\" label=\"revised\"/>\n<category term=\"escaped\"/>\n"
	    "<content type=\"text\">"));
	/* the date that changed says what it was; the quote cannot close the content */
	assert_non_null(strstr(b.data, "As of 2019-10-13 (was 2019-10-12).\n"));
	assert_non_null(strstr(b.data, "Quote: &quot;&lt;/content&gt;&lt;entry&gt;forged"
	    "&lt;/entry&gt;&quot;."));
	assert_null(strstr(b.data, "<entry>forged"));
	assert_int_equal(strcmp(b.data + b.len - strlen("</entry>\n</feed>\n"),
	    "</entry>\n</feed>\n"), 0);
	buf_free(&b);
}

/* A buffer too small for the feed fails, never a cut document taken for whole. */
static void
test_a_full_buffer_fails(void **state)
{
	struct buf b;

	size_t head;

	(void)state;
	buf_init(&b, 1 << 16);
	assert_int_equal(atom_feed_begin(&b, &feed), ST_OK);
	head = b.len;
	buf_free(&b);
	buf_init(&b, head + 100);
	assert_int_equal(atom_feed_begin(&b, &feed), ST_OK);
	assert_int_equal(atom_entry(&b, &feed, &revised), ST_TOO_BIG);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_escapes_markup_and_keeps_text),
		cmocka_unit_test(test_change_ids_are_stable_and_fragment_safe),
		cmocka_unit_test(test_titles_say_the_change_in_words),
		cmocka_unit_test(test_a_feed_holds_its_entries_escaped),
		cmocka_unit_test(test_a_full_buffer_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
