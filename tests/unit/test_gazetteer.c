/*
 * test_gazetteer.c: countries by name from Debian's iso-codes and Unicode's
 * CLDR (refresh/gazetteer.h), read from the files the packages install
 * (scripts/deps installs iso-codes and unicode-cldr-core), and from fixtures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <unistd.h>

#include "refresh/gazetteer.h"

#ifndef SOURCE_DIR
#error "SOURCE_DIR must be defined by tests/unit/CMakeLists.txt"
#endif

#define CLDR_MAIN     GAZETTEER_CLDR
#define ISO_3166_JSON "/usr/share/iso-codes/json/iso_3166-1.json"
#define CLDR_FIXTURES SOURCE_DIR "/tests/fixtures/cldr/main"

static const struct { const char *name, *code; } names[] = {
	{ "SYR", "SYR" }, { "syr", "SYR" }, { "SY", "SYR" }, { "760", "SYR" },
	{ "Syrian Arab Republic", "SYR" }, { "  syrian   arab republic ", "SYR" },
	/* translations as iso-codes ships them: the formal names, and some short ones */
	{ "Syrienne, République arabe", "SYR" },                 /* fr */
	{ "República árabe de Siria", "SYR" },                   /* es */
	{ "Siria", "SYR" },                                      /* it */
	{ "Suriye Arap Cumhuriyeti", "SYR" },                    /* tr */
	{ "الجمهوريّة العربيّة السّوريّة", "SYR" },                  /* ar */
	{ "Türkiye", "TUR" }, { "TR", "TUR" },
	{ "Congo, The Democratic Republic of the", "COD" },
	{ "Haiti", "HTI" }, { "Haïti", "HTI" }, { "Haití", "HTI" }, { "هايتي", "HTI" },
	{ "Afghanistan", "AFG" },
	{ "Ukraine", "UKR" }, { "Україна", "UKR" },   /* Ukrainian */
};

static const char *const not_countries[] = {
	"Syria and Iraq", "Syrian", "Arab Republic", "", "   ", "XX", "999", "Atlantis",
	"Syrian Arab Rep.",   /* an abbreviation: never guessed (UNHCR's own names are its adapter's) */
};

static void
gazetteer_names_from_iso_codes(void **state)
{
	const struct gazetteer *g;
	const char *why = NULL;
	char code[4];

	(void)state;
	g = gazetteer_system(&why);
	if (g == NULL)
		fail_msg("%s", why);
	assert_true(gazetteer_size(g) > 1000);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		memset(code, 0, sizeof code);
		if (!gazetteer_country(g, names[i].name, code))
			fail_msg("'%s' names no country", names[i].name);
		if (strcmp(code, names[i].code) != 0)
			fail_msg("'%s' names %s, not %s", names[i].name, code, names[i].code);
	}
	for (size_t i = 0; i < sizeof not_countries / sizeof not_countries[0]; i++)
		if (gazetteer_country(g, not_countries[i], code))
			fail_msg("'%s' taken for %s", not_countries[i], code);
}

/* The short names people and sources write, as CLDR's locale files give them. */
static const struct { const char *name, *code; } cldr_names[] = {
	{ "Syrie", "SYR" },          /* fr */
	{ "Siria", "SYR" },          /* es (and it) */
	{ "Turquie", "TUR" },        /* fr */
	{ "Türkei", "TUR" },         /* de */
	{ "Turkey", "TUR" },         /* en: iso-codes says Türkiye */
	{ "Tchad", "TCD" },          /* fr */
	{ "سوريا", "SYR" },          /* ar */
	{ "Сирия", "SYR" },          /* ru */
	{ "Colombie", "COL" }, { "Irak", "IRQ" }, { "Soudan du Sud", "SSD" },
	{ "Palestine", "PSE" },      /* en and fr, alt="short" */
	{ "Congo (RDC)", "COD" },    /* fr and es, alt="variant" */
	{ "Costa de Marfil", "CIV" }, /* es, alt="variant" */
	/* what iso-codes names stays as it names it, whatever a language calls another */
	{ "Congo", "COG" }, { "Syria", "SYR" }, { "Iran", "IRN" }, { "Türkiye", "TUR" },
};

/* Names CLDR gives that must name no country. */
static const char *const cldr_not_countries[] = {
	"Kosovo",     /* XK: not in iso-codes (UNHCR's XKX is taken as given, as a code) */
	"Eurozone", "world", "Africa", "Outlying Oceania", "European Union",
	/* two countries' names: COG in iso-codes' de, nb, ru, kk; COD in CLDR's no and kk */
	"Kongo", "Конго",
	/* two letters are codes: CLDR's abbreviations are not taken ("SU" is br for the USA) */
	"SU", "RA", "OK", "UK",
};

static void
gazetteer_short_names_from_cldr(void **state)
{
	const struct gazetteer *g;
	const char *why = NULL;
	char code[4];

	(void)state;
	g = gazetteer_system(&why);
	if (g == NULL)
		fail_msg("%s", why);
	if (access(CLDR_MAIN "/fr.xml", R_OK) != 0) {
		print_message("skipped: no CLDR at " CLDR_MAIN " (scripts/deps run installs "
		    "unicode-cldr-core)\n");
		skip();
	}
	for (size_t i = 0; i < sizeof cldr_names / sizeof cldr_names[0]; i++) {
		memset(code, 0, sizeof code);
		if (!gazetteer_country(g, cldr_names[i].name, code))
			fail_msg("'%s' names no country", cldr_names[i].name);
		if (strcmp(code, cldr_names[i].code) != 0)
			fail_msg("'%s' names %s, not %s", cldr_names[i].name, code, cldr_names[i].code);
	}
	for (size_t i = 0; i < sizeof cldr_not_countries / sizeof cldr_not_countries[0]; i++)
		if (gazetteer_country(g, cldr_not_countries[i], code))
			fail_msg("'%s' taken for %s", cldr_not_countries[i], code);
}

/* What the fixtures in tests/fixtures/cldr/main name, read with iso-codes' list. */
static const struct { const char *name, *code; } fixture_names[] = {
	{ "Syrie", "SYR" }, { "Siria", "SYR" },          /* one in each file */
	{ "Turquie & Kurdistan", "TUR" },                 /* &amp; */
	{ "République de Côte d'Ivoire", "CIV" },         /* &#xE9; &#244; &apos;, alt="variant" */
	{ "Palestinie", "PSE" },                          /* alt="short" */
	{ "Tchad", "TCD" },                               /* draft="contributed" */
	{ "Liban", "LBN" },                               /* type = 'LB' > */
	{ "Somalie", "SOM" },                             /* a comment after the element */
	{ "\"Erythrée\"", "ERI" },                       /* &quot; &#233; */
	{ "Oukraïne", "UKR" },                            /* read after the overlong line; agreed */
	{ "Maroc", "MAR" },                               /* after the junk of not-cldr.xml */
	{ "Congo", "COG" },                               /* iso-codes' English name, whatever yy says */
	{ "Syria", "SYR" }, { "SY", "SYR" },              /* iso-codes' own */
};

static const char *const fixture_not_countries[] = {
	"Monde",                       /* 001: a region */
	"Kosovie", "zone euro",        /* XK, EZ: not in iso-codes */
	"Kongo",                       /* CD in xx, CG in yy */
	"Turquie &amp; Kurdistan",     /* entities are decoded, not kept */
	"Angleterre",                  /* alt="secondary" */
	"Birmanie",                    /* draft="unconfirmed" */
	"Irak", "Irak<b>!</b>",        /* markup in the text */
	"Eran", "Eran &nbsp;",         /* an entity XML does not define */
	"Soudan",                      /* no end tag on the line */
	"UK",                          /* two letters */
	"Malie", "Nijer", "Yemenie",   /* &#0;, &#x110000;, a number too long */
	"Burun\001di",                 /* a control character XML forbids, raw */
	"&amp", "&",                   /* an entity without its ';' */
	"Soudan du Sud",               /* attributes not separated */
	"Sud-Soudan", "Syrie-du-Nord", /* type "SSD", "sy": not an alpha-2 code */
	"Belgique-Longue",             /* past byte 4095 of a line (LINE_BYTES): the line is skipped */
	"Fransia", "Allemagnie",       /* before <territories>, after it, in fr.txt */
	"Pays", "Pays-Bas",            /* a NUL in the line */
};

static void
gazetteer_reads_cldr_files(void **state)
{
	struct gazetteer *g;
	char err[ERR_MAX] = "", code[4];

	(void)state;
	g = gazetteer_load(ISO_3166_JSON, NULL, CLDR_FIXTURES, err);
	if (g == NULL)
		fail_msg("%s", err);
	assert_null(gazetteer_note(g));
	for (size_t i = 0; i < sizeof fixture_names / sizeof fixture_names[0]; i++) {
		memset(code, 0, sizeof code);
		if (!gazetteer_country(g, fixture_names[i].name, code))
			fail_msg("'%s' names no country", fixture_names[i].name);
		if (strcmp(code, fixture_names[i].code) != 0)
			fail_msg("'%s' names %s, not %s", fixture_names[i].name, code,
			    fixture_names[i].code);
	}
	for (size_t i = 0; i < sizeof fixture_not_countries / sizeof fixture_not_countries[0]; i++)
		if (gazetteer_country(g, fixture_not_countries[i], code))
			fail_msg("'%s' taken for %s", fixture_not_countries[i], code);
	gazetteer_free(g);
}

/* Without CLDR it works from iso-codes alone, and says what to install. */
static void
gazetteer_without_cldr_says_so(void **state)
{
	struct gazetteer *g;
	char err[ERR_MAX] = "", code[4];

	(void)state;
	g = gazetteer_load(ISO_3166_JSON, NULL, "/nonexistent/cldr/common/main", err);
	if (g == NULL)
		fail_msg("%s", err);
	assert_non_null(gazetteer_note(g));
	assert_non_null(strstr(gazetteer_note(g), "unicode-cldr-core"));
	assert_non_null(strstr(gazetteer_note(g), "/nonexistent/cldr/common/main"));
	assert_true(gazetteer_country(g, "Syria", code));
	assert_string_equal(code, "SYR");
	assert_false(gazetteer_country(g, "Syrie", code));
	gazetteer_free(g);
}

static void
gazetteer_missing_file_says_what_to_install(void **state)
{
	char err[ERR_MAX] = "";

	(void)state;
	assert_null(gazetteer_load("/nonexistent/iso_3166-1.json", NULL, NULL, err));
	assert_non_null(strstr(err, "iso-codes"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gazetteer_names_from_iso_codes),
		cmocka_unit_test(gazetteer_short_names_from_cldr),
		cmocka_unit_test(gazetteer_reads_cldr_files),
		cmocka_unit_test(gazetteer_without_cldr_says_so),
		cmocka_unit_test(gazetteer_missing_file_says_what_to_install),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
