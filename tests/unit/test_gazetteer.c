/*
 * test_gazetteer.c: countries by name from Debian's iso-codes (refresh/gazetteer.h),
 * read from the files the package installs (scripts/deps installs it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "refresh/gazetteer.h"

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

static void
gazetteer_missing_file_says_what_to_install(void **state)
{
	char err[ERR_MAX] = "";

	(void)state;
	assert_null(gazetteer_load("/nonexistent/iso_3166-1.json", NULL, err));
	assert_non_null(strstr(err, "iso-codes"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gazetteer_names_from_iso_codes),
		cmocka_unit_test(gazetteer_missing_file_says_what_to_install),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
