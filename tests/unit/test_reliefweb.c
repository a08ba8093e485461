/*
 * test_reliefweb.c: the ReliefWeb key figures adapter (refresh/adapters/
 * reliefweb.c) and its table of names (reliefweb_names.c).
 *
 *   - the table: sorted, every line well formed, and what it says of names
 *     in English, Spanish and French;
 *   - every real file under tests/fixtures/real/reliefweb/: each value of
 *     each figure is a claim saying what the table says, or a rejection with
 *     the reason asserted here, none dropped; the claims' values add up to the
 *     accepted values of the file, read here independently of the adapter;
 *   - the misbehaviour the real files do not show (hand-written,
 *     tests/fixtures/reliefweb/misbehaviour.json).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/strutil.h"
#include "refresh/adapter.h"
#include "refresh/adapters/reliefweb_names.h"
#include "sink_helper.h"
#include "testutil.h"

#define RW_URL "https://raw.githubusercontent.com/reliefweb/crisis-app-data/" \
	"15d09e4e155887167d3df7f5de9c46c5ba2be672/edition/world/countries/SYR/figures.json"

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* ---- the table --------------------------------------------------------------- */

static int
iso3(const char *s)
{
	return s != NULL && strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' &&
	    s[1] <= 'Z' && s[2] >= 'A' && s[2] <= 'Z';
}

static int
since_ok(const char *s)
{
	char date[11];

	if (strcmp(s, "year") == 0 || strcmp(s, "month") == 0)
		return 1;
	if (strncmp(s, "--", 2) == 0 && strlen(s) == 7) {
		snprintf(date, sizeof date, "2000-%s", s + 2);   /* a leap year: 29 Feb exists */
		return date_valid(date);
	}
	return date_valid(s);
}

static void
reliefweb_table_sorted_and_well_formed(void **state)
{
	static const char *const metrics[] = { "displaced", "idps", "refugees", "asylum_seekers",
		"returnees", "idp_returnees", "refugee_returnees", "detained", "escaped",
		"released", "killed", "injured", "killed_injured", "missing", NULL };
	static const char *const causes[] = { "conflict", "violence", "disaster", "other",
		"conflict+violence", NULL };

	(void)state;
	assert_true(rw_names_count >= 600);   /* every name of the real files */
	for (size_t i = 0; i < rw_names_count; i++) {
		const struct rw_name *n = &rw_names[i];
		int known = n->metric == NULL;

		if (i > 0 && strcmp(rw_names[i - 1].name, n->name) >= 0)
			fail_msg("table line %zu ('%s') is not after '%s'", i, n->name,
			    rw_names[i - 1].name);
		assert_ptr_equal(rw_name_find(n->name), n);
		if ((n->metric == NULL) == (n->why == NULL))
			fail_msg("'%s': a metric or a reason, exactly one", n->name);
		for (size_t k = 0; metrics[k] != NULL && !known; k++)
			known = strcmp(metrics[k], n->metric) == 0;
		if (!known)
			fail_msg("'%s': metric %s is not in the vocabulary", n->name, n->metric);
		if ((n->country != NULL && !iso3(n->country)) || (n->origin != NULL &&
		    !iso3(n->origin)))
			fail_msg("'%s': country and origin are ISO 3166-1 alpha-3", n->name);
		if ((n->site == NULL) != (n->site_type == NULL))
			fail_msg("'%s': a site has a type", n->name);
		if (n->unit != NULL && strcmp(n->unit, "households") != 0)
			fail_msg("'%s': unit %s", n->name, n->unit);
		if (n->qualifier != NULL && strcmp(n->qualifier, "about") != 0)
			fail_msg("'%s': qualifier %s", n->name, n->qualifier);
		if (n->since != NULL && !since_ok(n->since))
			fail_msg("'%s': since '%s'", n->name, n->since);
		if (n->until != NULL && (n->since == NULL || !date_valid(n->until)))
			fail_msg("'%s': until '%s'", n->name, n->until);
		known = n->cause == NULL;
		for (size_t k = 0; causes[k] != NULL && !known; k++)
			known = strcmp(causes[k], n->cause) == 0;
		if (!known)
			fail_msg("'%s': cause %s", n->name, n->cause);
		if (n->metric == NULL && (n->country || n->origin || n->group || n->since))
			fail_msg("'%s': a rejected name says nothing else", n->name);
	}
}

/* What the table must say of one name (NULL: nothing, for that field). */
struct want_name {
	const char *name, *metric, *why, *country, *origin, *unit, *cause, *since, *group;
	const char *adm1, *until;
};

static void
check_names(const struct want_name *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct rw_name *got = rw_name_find(w[i].name);

		if (got == NULL)
			fail_msg("'%s' is not in the table", w[i].name);
		if (!same(got->metric, w[i].metric) || !same(got->country, w[i].country) ||
		    !same(got->origin, w[i].origin) || !same(got->unit, w[i].unit) ||
		    !same(got->cause, w[i].cause) || !same(got->since, w[i].since) ||
		    (w[i].group != NULL && !same(got->group, w[i].group)) ||
		    !same(got->adm1, w[i].adm1) || !same(got->until, w[i].until) ||
		    (w[i].why != NULL && (got->why == NULL || strstr(got->why, w[i].why) == NULL)))
			fail_msg("'%s': the table says metric %s, country %s, origin %s, unit %s, "
			    "cause %s, since %s, until %s, group %s, adm1 %s, why %s", w[i].name,
			    got->metric, got->country, got->origin, got->unit, got->cause, got->since,
			    got->until, got->group, got->adm1, got->why);
	}
}

#define VOCAB "is not a figure of this service's vocabulary"
#define DISEASE "deaths from disease are not a metric of this service"
#define SEVERAL "several countries"

static void
reliefweb_table_english(void **state)
{
	static const struct want_name w[] = {
		{ "Civilian Casualties since 24 Feb 2022 (killed & injured)", "killed_injured",
		  .since = "2022-02-24", .group = "civilians" },
		{ "Civilians Killed since 24 Feb 2022", "killed", .since = "2022-02-24" },
		{ "Civilians Injured since 24 Feb 2022", "injured", .since = "2022-02-24" },
		{ "IDP Returnees", "idp_returnees" },
		{ "Refugee Returnees", "refugee_returnees" },
		{ "Returnees", "returnees" },
		{ "IDPs", "idps", .group = NULL },
		{ "Syrian Refugees in Turkey", "refugees", .country = "TUR", .origin = "SYR" },
		{ "Ukrainian Refugees in Poland", "refugees", .country = "POL", .origin = "UKR" },
		{ "Ukrainian Refugees in the Russian Federation", "refugees", .country = "RUS",
		  .origin = "UKR" },
		{ "Afghan Refugees in Turkey", "refugees", .country = "TUR", .origin = "AFG" },
		/* hosted in the feed's country: the place is the feed's, the origin the name's */
		{ "Somali Refugee Returnees from Kenya (per year)", "refugee_returnees",
		  .country = "SOM", .origin = "KEN", .since = "year" },
		{ "Returnees from Iran (per year)", "returnees", .origin = "IRN", .since = "year" },
		{ "Displaced Households (per year)", "displaced", .unit = "households",
		  .since = "year" },
		{ "New Displacements by Conflict & Violence (per year)", "idps",
		  .cause = "conflict+violence", .since = "year" },
		{ "New Displacements by Disasters (per year)", "idps", .cause = "disaster",
		  .since = "year" },
		{ "IDPs Primarily Displaced due to Drought", "idps", .cause = "disaster" },
		{ "Internally Displaced due to Conflict/Insecurity (per month)", "idps",
		  .cause = "conflict+violence", .since = "month" },
		{ "Attacks on Health Care: Deaths (since 7 Oct)", "killed", .since = "--10-07" },
		{ "People Killed (since Apr 2015)", "killed", .since = "2015-04-01" },
		{ "IDPs in Anbar Governorate", "idps", .adm1 = "Anbar" },
		{ "Refugees & Asylum-Seekers in DRC", "displaced", .country = "COD",
		  .group = "refugees and asylum-seekers" },
		{ "Eritrean Refugees & Asylum-Seekers in Ethiopia", "displaced", .country = "ETH",
		  .origin = "ERI", .group = "refugees and asylum-seekers" },
		{ "Cholera Deaths (since 27 Apr 2017)", .why = DISEASE },
		{ "Measles Deaths (Cumulative per year)", .why = DISEASE },
		{ "Ebola Deaths (since 4 Apr 2018)", .why = DISEASE },
		{ "Total Measles Cases (since 1 Jan 2018)", .why = VOCAB },
		{ "People in Need", .why = VOCAB },
		{ "People Targeted for Assistance", .why = VOCAB },
		{ "Aid Workers Kidnapped (per year)", .why = VOCAB },
		{ "Sudanese Refugees in Neighbouring Countries", .why = SEVERAL },
		{ "Ukrainian Refugees across Europe", .why = SEVERAL },
		{ "Venezuelan Refugees & Migrants in Colombia", .why = "refugees and migrants" },
		{ "KKA Incidents against Aid Workers (Killed, Kidnapped and Arrested per year)",
		  .why = "killed, kidnapped and arrested" },
	};

	(void)state;
	check_names(w, sizeof w / sizeof w[0]);
	assert_null(rw_name_find("Refugees in Gotham"));
	assert_null(rw_name_find("idps"));   /* byte for byte: no case folding */
	assert_null(rw_name_find("IDPs "));
	assert_null(rw_name_find(NULL));
}

static void
reliefweb_table_spanish(void **state)
{
	static const struct want_name w[] = {
		{ "Personas desplazadas internamente por violencia", "idps", .cause = "violence" },
		{ "Personas desplazadas", "displaced" },
		{ "Inundaciones: Personas desplazadas", "displaced", .cause = "disaster" },
		{ "Desplazamiento masivo por mes", "displaced", .since = "month" },
		{ "Desplazamientos masivos 2017: Víctimas", "displaced", .since = "2017-01-01" },
		{ "Terremoto (19 Sep.): Personas fallecidas", "killed", .cause = "disaster",
		  .since = "--09-19" },
		{ "Terremoto (19 Sep.): Personas albergadas en Puebla", "displaced",
		  .cause = "disaster", .since = "--09-19", .adm1 = "Puebla" },
		{ "Muertes violentas (ene. 2008 - agosto 2017)", "killed", .cause = "violence",
		  .since = "2008-01-01", .until = "2017-08-31" },
		{ "Muertes violentas ene. 2005 - marzo 2017", "killed", .cause = "violence",
		  .since = "2005-01-01", .until = "2017-03-31" },
		{ "Personas que necesitan ayuda alimentaria", .why = VOCAB },
		{ "Huracán Irma: Personas afectadas", .why = VOCAB },
		{ "PIB (mil millones de USD en precios actuales)", .why = VOCAB },
		{ "Refugiados salvadoreños en el mundo", .why = SEVERAL },
		{ "Número de migrantes muertos o desaparecidos de Centroamérica",
		  .why = "dead and missing migrants" },
		{ "Retornados de Estados Unidos y México", .why = "not returnees" },
	};

	(void)state;
	check_names(w, sizeof w / sizeof w[0]);
}

static void
reliefweb_table_french(void **state)
{
	static const struct want_name w[] = {
		{ "Personnes déplacées par le tremblement de terre de 2010", "displaced",
		  .cause = "disaster" },
		{ "Personnes déplacées enregistrées après le passage de l'ouragan Matthew",
		  "displaced", .cause = "disaster" },
		{ "Morts causées par le choléra depuis janvier 2017", .why = DISEASE },
		{ "Cas de choléra depuis janvier 2017", .why = VOCAB },
		{ "Personnes ayant besoin d'aide humanitaire", .why = VOCAB },
		{ "Enfants de moins de 5 ans sévèrement mal nourris", .why = VOCAB },
		{ "PIB (Milliards $ US courants)", .why = VOCAB },
	};

	(void)state;
	check_names(w, sizeof w / sizeof w[0]);
}

/* ---- the real files --------------------------------------------------------- */

/* Every real file (tests/fixtures/real/README.md says where each comes from). */
static const char *const real_files[] = {
	"americas/ARG", "americas/BOL", "americas/CHL", "americas/COL", "americas/CRI",
	"americas/CUB", "americas/DOM", "americas/ECU", "americas/GTM", "americas/HND",
	"americas/HTI", "americas/MEX", "americas/NIC", "americas/PAN", "americas/PER",
	"americas/PRY", "americas/SLV", "americas/URY",
	"tablet/AFG", "tablet/BDI", "tablet/BGD", "tablet/CAF", "tablet/CMR", "tablet/COD",
	"tablet/ETH", "tablet/HTI", "tablet/IRQ", "tablet/KEN", "tablet/LBY", "tablet/MLI",
	"tablet/MMR", "tablet/NER", "tablet/NGA", "tablet/PSE", "tablet/SDN", "tablet/SOM",
	"tablet/SSD", "tablet/SYR", "tablet/TCD", "tablet/UKR", "tablet/YEM",
	"world/AFG", "world/BDI", "world/BFA", "world/BGD", "world/CAF", "world/CMR",
	"world/COD", "world/COL", "world/ETH", "world/HTI", "world/IRQ", "world/KEN",
	"world/LBN", "world/MLI", "world/MMR", "world/MOZ", "world/NER", "world/NGA",
	"world/PSE", "world/SDN", "world/SOM", "world/SSD", "world/SYR", "world/TCD",
	"world/UKR", "world/VEN", "world/YEM",
};

/* One value of the file, as this test reads it (row = its position, from 1). */
struct value {
	const cJSON *fig, *v;
	const char  *name, *value, *date;
	char         buf[32];
	int          accepted;   /* a claim must carry it */
	const char  *why;        /* else the reason's words, after the name */
};

static const char *
text(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *
count_text(const cJSON *o, char *buf, size_t size)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "value");

	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsNumber(v)) {
		snprintf(buf, size, "%.0f", v->valuedouble);
		return buf;
	}
	return NULL;
}

/* The file's values in row order: each figure's history, then its headline if new. */
static size_t
values_of(const cJSON *root, struct value *out, size_t max)
{
	size_t n = 0;
	const cJSON *fig, *v, *f;

	cJSON_ArrayForEach(fig, root) {
		const char *name = text(fig, "name"), *hv, *hd;
		const struct rw_name *t = rw_name_find(name);
		const cJSON *values = cJSON_GetObjectItemCaseSensitive(fig, "values");
		size_t first = n;
		char hbuf[32];
		int repeat = 0, in_history = 0;

		for (f = root->child; f != fig; f = f->next)
			repeat |= same(text(f, "name"), name) && cJSON_Compare(f, fig, 1);
		hv = count_text(fig, hbuf, sizeof hbuf);
		hd = text(fig, "date");
		cJSON_ArrayForEach(v, values) {
			assert_true(n < max);
			out[n] = (struct value){ .fig = fig, .v = v, .name = name };
			out[n].value = count_text(v, out[n].buf, sizeof out[n].buf);
			out[n].date = text(v, "date");
			in_history |= same(out[n].value, hv) && same(out[n].date, hd);
			n++;
		}
		if (!in_history) {
			assert_true(n < max);
			out[n] = (struct value){ .fig = fig, .v = fig, .name = name };
			out[n].value = count_text(fig, out[n].buf, sizeof out[n].buf);
			out[n].date = hd;
			n++;
		}
		for (size_t i = first; i < n; i++) {
			int dup = 0;

			for (size_t j = first; j < i; j++)
				dup |= same(out[j].value, out[i].value) && same(out[j].date, out[i].date);
			if (t == NULL)
				out[i].why = "is not in the table";
			else if (t->metric == NULL)
				out[i].why = t->why;
			else if (repeat)
				out[i].why = "repeats, value for value, an earlier figure";
			else if (dup)
				out[i].why = "repeats entry";
			else
				out[i].accepted = 1;
		}
	}
	return n;
}

/* The period start the table's since gives a figure dated date. */
static void
want_start(const char *since, const char *date, char out[11])
{
	char year[5];
	long long y;

	snprintf(year, sizeof year, "%.4s", date);
	assert_true(parse_int64(year, 1900, 2100, &y));

	if (strcmp(since, "year") == 0)
		snprintf(out, 11, "%.4s-01-01", date);
	else if (strcmp(since, "month") == 0)
		snprintf(out, 11, "%.7s-01", date);
	else if (since[0] == '-')
		snprintf(out, 11, "%04lld-%s", strcmp(date + 5, since + 2) >= 0 ? y : y - 1,
		    since + 2);
	else
		snprintf(out, 11, "%s", since);
}

/* Claim c says what the table says of value v, in a feed of country cc. */
static void
check_claim(const char *file, const struct claim *c, const struct value *v, const char *cc)
{
	const struct rw_name *t = rw_name_find(v->name);
	char start[11];

	if (!same(c->value, v->value) || !same(c->metric, t->metric) ||
	    !same(c->country, t->country != NULL ? t->country : cc) ||
	    !same(c->origin_country, t->origin) || !same(c->unit, t->unit) ||
	    !same(c->cause, t->cause) || !same(c->group, t->group) ||
	    !same(c->qualifier, t->qualifier) || !same(c->adm1_name, t->adm1) ||
	    !same(c->loc_name, t->site) || !same(c->loc_type, t->site_type) ||
	    !same(c->url, text(v->v, "url")) || !same(c->source_name, text(v->fig, "source")) ||
	    !same(c->via, "ReliefWeb key figures"))
		fail_msg("%s row %ld ('%s' %s on %s): claim %s %s in %s from %s, group %s", file,
		    c->row, v->name, v->value, v->date, c->metric, c->value, c->country,
		    c->origin_country, c->group);
	if (t->since == NULL) {
		assert_text(c->as_of, v->date);
		assert_null(c->period_start);
		assert_null(c->period_end);
	} else {
		want_start(t->since, v->date, start);
		assert_null(c->as_of);
		assert_text(c->period_start, start);
		assert_text(c->period_end, t->until != NULL ? t->until : v->date);
	}
}

#define VALUES_MAX 8192

/*
 * Runs one real file through the adapter as the feed of its country; checks
 * each row is one claim or one rejection, as the file's values say; returns
 * the claims in g for more checks.
 */
static void
run_real(const char *file, struct got *g)
{
	static struct value v[VALUES_MAX];
	char rel[64], cc[4], err[ERR_MAX];
	size_t n, len, seen_claims = 0, seen_rejects = 0;
	long long sum_claims = 0, sum_accepted = 0, x;
	char *data;
	cJSON *root;

	snprintf(rel, sizeof rel, "real/reliefweb/%s.json", file);
	snprintf(cc, sizeof cc, "%s", strchr(file, '/') + 1);
	data = read_fixture(rel, &len);
	root = cJSON_ParseWithLength(data, len);
	assert_non_null(root);
	n = values_of(root, v, VALUES_MAX);
	if (run_adapter_in("reliefweb", RW_URL, cc, data, len, g, err) != ST_OK)
		fail_msg("%s: %s", file, err);
	free(data);

	if (g->nclaims + g->nrejects != n)
		fail_msg("%s: %zu values, %zu claims and %zu rejections", file, n, g->nclaims,
		    g->nrejects);
	for (size_t i = 0; i < n; i++) {
		const struct value *w = &v[i];
		long row = (long)i + 1;

		if (w->name == NULL)
			fail_msg("%s row %ld: a figure without a name", file, row);
		if (rw_name_find(w->name) == NULL)   /* the table has every real name */
			fail_msg("%s: '%s' is not in the table", file, w->name);
		if (w->accepted) {
			const struct claim *c;

			if (seen_claims >= g->nclaims || g->claim[seen_claims].c.row != row)
				fail_msg("%s row %ld ('%s' %s on %s): no claim", file, row, w->name,
				    w->value, w->date);
			c = &g->claim[seen_claims++].c;
			check_claim(file, c, w, cc);
			assert_true(parse_count(w->value, &x));
			sum_accepted += x;
			assert_true(parse_count(c->value, &x));
			sum_claims += x;
		} else {
			const struct got_reject *r;

			if (seen_rejects >= g->nrejects || g->reject[seen_rejects].row != row)
				fail_msg("%s row %ld ('%s'): not rejected", file, row, w->name);
			r = &g->reject[seen_rejects++];
			if (strstr(r->reason, w->name) == NULL || strstr(r->reason, w->why) == NULL)
				fail_msg("%s row %ld: reason '%s', want '%s' and '%s'", file, row,
				    r->reason, w->name, w->why);
		}
	}
	assert_int_equal(seen_claims, g->nclaims);
	assert_int_equal(seen_rejects, g->nrejects);
	assert_true(sum_claims == sum_accepted);
	for (size_t i = 0; i < g->nclaims; i++)   /* distinct values, distinct keys */
		for (size_t j = 0; j < i; j++)
			if (strcmp(g->claim[i].c.key, g->claim[j].c.key) == 0)
				fail_msg("%s: rows %ld and %ld share key %s", file, g->claim[j].c.row,
				    g->claim[i].c.row, g->claim[i].c.key);
	cJSON_Delete(root);
}

static void
reliefweb_real_files_every_value_claimed_or_rejected(void **state)
{
	size_t claims = 0, rejects = 0;

	(void)state;
	for (size_t i = 0; i < sizeof real_files / sizeof real_files[0]; i++) {
		struct got g = { 0 };

		run_real(real_files[i], &g);
		claims += g.nclaims;
		rejects += g.nrejects;
		got_free(&g);
	}
	/* the totals of the files as they are: a change to the table changes them */
	assert_int_equal(claims, 2578);
	assert_int_equal(rejects, 2358);
}

/* The claim of the figure named name dated date in g, or a failure. */
static const struct claim *
claim_of(const struct got *g, const char *name, const char *date)
{
	char key[400];

	snprintf(key, sizeof key, "rw|%s|%s", name, date);
	for (size_t i = 0; i < g->nclaims; i++)
		if (strcmp(g->claim[i].c.key, key) == 0)
			return &g->claim[i].c;
	fail_msg("no claim %s", key);
	return NULL;
}

static const struct got_reject *
reject_of(const struct got *g, const char *name)
{
	for (size_t i = 0; i < g->nrejects; i++)
		if (strstr(g->reject[i].reason, name) != NULL)
			return &g->reject[i];
	fail_msg("no rejection of '%s'", name);
	return NULL;
}

static void
reliefweb_real_ukraine(void **state)
{
	struct got g = { 0 };
	const struct claim *c;

	(void)state;
	run_real("world/UKR", &g);
	/* 30,010 civilians killed and injured: not 30,010 killed */
	c = claim_of(&g, "Civilian Casualties since 24 Feb 2022 (killed & injured)",
	    "2024-01-31T12:00:00Z");
	assert_text(c->metric, "killed_injured");
	assert_text(c->value, "30010");
	assert_text(c->country, "UKR");
	assert_text(c->group, "civilians");
	assert_text(c->period_start, "2022-02-24");
	assert_text(c->period_end, "2024-01-31T12:00:00Z");
	assert_null(c->as_of);
	assert_text(c->source_name, "OHCHR");
	c = claim_of(&g, "Ukrainian Refugees in Poland", "2023-12-15T12:00:00Z");
	assert_text(c->metric, "refugees");
	assert_text(c->value, "956635");
	assert_text(c->country, "POL");
	assert_text(c->origin_country, "UKR");
	assert_true(strstr(reject_of(&g, "Ukrainian Refugees across Europe")->reason,
	    "several countries") != NULL);
	got_free(&g);
}

static void
reliefweb_real_syria_yemen_drc(void **state)
{
	struct got g = { 0 };
	const struct claim *c;

	(void)state;
	run_real("world/SYR", &g);
	c = claim_of(&g, "Syrian Refugees in Turkey", "2024-02-08T12:00:00Z");
	assert_text(c->metric, "refugees");
	assert_text(c->country, "TUR");
	assert_text(c->origin_country, "SYR");
	assert_text(c->value, "3174851");
	got_free(&g);

	run_real("world/YEM", &g);
	for (size_t i = 0; i < g.nclaims; i++)
		if (strncmp(g.claim[i].c.key, "rw|Displaced Households (per year)|", 35) == 0) {
			assert_text(g.claim[i].c.unit, "households");
			assert_text(g.claim[i].c.metric, "displaced");
		}
	got_free(&g);

	run_real("tablet/YEM", &g);
	assert_string_equal(reject_of(&g, "Cholera Deaths (since 27 Apr 2017)")->reason,
	    "key figure 'Cholera Deaths (since 27 Apr 2017)' counts deaths from disease: "
	    "deaths from disease are not a metric of this service");
	got_free(&g);

	run_real("world/COD", &g);
	assert_string_equal(reject_of(&g, "'People in Need'")->reason,
	    "key figure 'People in Need' is not a figure of this service's vocabulary");
	c = claim_of(&g, "New Displacements by Conflict & Violence (per year)",
	    "2022-12-31T12:00:00Z");
	assert_text(c->metric, "idps");
	assert_text(c->cause, "conflict+violence");
	assert_text(c->period_start, "2022-01-01");
	c = claim_of(&g, "CAR Refugees & Asylum-Seekers in DRC", "2023-12-31T12:00:00Z");
	assert_text(c->metric, "displaced");
	assert_text(c->group, "refugees and asylum-seekers");
	assert_text(c->country, "COD");
	assert_text(c->origin_country, "CAF");
	got_free(&g);
}

static void
reliefweb_real_spanish_and_french(void **state)
{
	struct got g = { 0 };
	const struct claim *c;

	(void)state;
	run_real("americas/COL", &g);
	c = claim_of(&g, "Desplazamiento masivo por mes", "2017-08-31T12:00:00Z");
	assert_text(c->metric, "displaced");
	assert_text(c->value, "1256");
	assert_text(c->period_start, "2017-08-01");
	got_free(&g);

	run_real("americas/HTI", &g);
	c = claim_of(&g, "Personnes déplacées par le tremblement de terre de 2010",
	    "2016-12-31T12:00:00Z");
	assert_text(c->metric, "displaced");
	assert_text(c->cause, "disaster");
	assert_text(c->country, "HTI");
	assert_text(c->source_name, "");   /* the file's source is "": the feed's default */
	/* two values on 2017-07-31 (70 and 88): both read, neither claimed (disease) */
	assert_true(strstr(reject_of(&g, "Morts causées par le choléra")->reason,
	    "deaths from disease are not a metric of this service") != NULL);
	got_free(&g);

	run_real("americas/MEX", &g);
	c = claim_of(&g, "Terremoto (19 Sep.): Personas fallecidas", "2017-10-03T12:00:00Z");
	assert_text(c->metric, "killed");
	assert_text(c->period_start, "2017-09-19");   /* "19 Sep." before 3 Oct 2017 */
	got_free(&g);
}

static void
reliefweb_real_regional_file_without_country_fails(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];
	size_t n;
	char *data = read_fixture("real/reliefweb/americas/WLD.json", &n);

	(void)state;
	/* the americas edition's regional file: no country to store it under */
	assert_int_equal(run_adapter_in("reliefweb", RW_URL, NULL, data, n, &g, err),
	    ST_INVALID);
	assert_non_null(strstr(err, "--country"));
	assert_int_equal(g.nclaims + g.nrejects, 0);
	got_free(&g);
	assert_int_equal(run_adapter_in("reliefweb", RW_URL, "", data, n, &g, err), ST_INVALID);
	got_free(&g);
	free(data);
}

/* ---- misbehaviour ----------------------------------------------------------- */

static void
reliefweb_misbehaviour(void **state)
{
	static const struct { long row; const char *mentions; } rejects[] = {
		{ 4, "value 1100000 on 2023-11-30T12:00:00Z repeats entry 3" },
		{ 6, "value 'about 900000' is not a count" },
		{ 7, "value '12.5' is not a count" },
		{ 8, "value '-3' is not a count" },
		{ 9, "value 'null' is not a count" },
		{ 10, "value 800000 has no date" },
		{ 13, "'Returnees' repeats, value for value, an earlier figure" },
		{ 16, "'Refugees in Gotham' is not in the table" },
		{ 17, "'Refugees in Gotham' is not in the table" },
		{ 18, "not a JSON object" },
		{ 19, "has no name" },
	};
	static const struct {
		long row;
		const char *value, *key, *url, *as_of, *start, *end;
	} claims[] = {
		{ 1, "1,234,567", "rw|IDPs|2024-01-31T12:00:00Z", "https://reliefweb.int/node/1",
		  "2024-01-31T12:00:00Z" },
		{ 2, "1200000", "rw|IDPs|2023-12-31T12:00:00Z", "https://reliefweb.int/node/2",
		  "2023-12-31T12:00:00Z" },
		{ 3, "1100000", "rw|IDPs|2023-11-30T12:00:00Z", NULL, "2023-11-30T12:00:00Z" },
		/* a second value on one date: its own key */
		{ 5, "1000000", "rw|IDPs|2023-11-30T12:00:00Z|2", "https://reliefweb.int/node/3",
		  "2023-11-30T12:00:00Z" },
		/* an impossible date is ingest's to reject, with every other date */
		{ 11, "0", "rw|IDPs|2015-12-32T12:00:00Z", NULL, "2015-12-32T12:00:00Z" },
		{ 12, "5000", "rw|Returnees|2023-06-30T12:00:00Z", NULL, "2023-06-30T12:00:00Z" },
		/* another figure of the same name, not a repeat: its own key */
		{ 14, "6000", "rw|Returnees|2023-06-30T12:00:00Z|#3", NULL, "2023-06-30T12:00:00Z" },
		/* no history: the headline, with the figure's URL */
		{ 15, "10000", "rw|Civilians Killed since 24 Feb 2022|2023-05-31T12:00:00Z",
		  "https://reliefweb.int/node/4", NULL, "2022-02-24", "2023-05-31T12:00:00Z" },
		/* "since 7 Oct": the 7 October on or before each value's date */
		{ 20, "669", NULL, NULL, NULL, "2023-10-07", "2024-02-21T12:00:00Z" },
		{ 21, "600", NULL, NULL, NULL, "2023-10-07", "2023-10-31T12:00:00Z" },
		{ 22, "1", NULL, NULL, NULL, "2023-10-07", "2023-10-07T12:00:00Z" },
		/* a headline the history lacks is a value too */
		{ 23, "200", "rw|IDP Returnees|2023-02-28T12:00:00Z" },
		{ 24, "300", "rw|IDP Returnees|2023-03-31T12:00:00Z" },
		/* a headline written as a number, the history lacking it: its text is its own */
		{ 25, "4000", "rw|Refugee Returnees|2023-03-31T12:00:00Z" },
		{ 26, "4500", "rw|Refugee Returnees|2023-04-30T12:00:00Z" },
	};
	struct got g = { 0 };
	char err[ERR_MAX];
	size_t n;
	char *data = read_fixture("reliefweb/misbehaviour.json", &n);

	(void)state;
	assert_int_equal(run_adapter_in("reliefweb", RW_URL, "SYR", data, n, &g, err), ST_OK);
	free(data);
	assert_int_equal(g.nrejects, sizeof rejects / sizeof rejects[0]);
	assert_int_equal(g.nclaims, sizeof claims / sizeof claims[0]);
	for (size_t i = 0; i < g.nrejects; i++) {
		if (g.reject[i].row != rejects[i].row ||
		    strstr(g.reject[i].reason, rejects[i].mentions) == NULL)
			fail_msg("rejection %zu: row %ld '%s', want row %ld '%s'", i,
			    g.reject[i].row, g.reject[i].reason, rejects[i].row, rejects[i].mentions);
	}
	for (size_t i = 0; i < g.nclaims; i++) {
		const struct claim *c = &g.claim[i].c;

		assert_int_equal(c->row, claims[i].row);
		assert_text(c->value, claims[i].value);
		assert_text(c->country, "SYR");
		if (claims[i].key != NULL)
			assert_text(c->key, claims[i].key);
		if (claims[i].key != NULL || claims[i].url != NULL)
			assert_text(c->url, claims[i].url);
		if (claims[i].as_of != NULL || claims[i].start != NULL) {
			assert_text(c->as_of, claims[i].as_of);
			assert_text(c->period_start, claims[i].start);
			assert_text(c->period_end, claims[i].end);
		}
	}
	assert_text(g.claim[0].c.metric, "idps");
	assert_text(g.claim[5].c.source_name, "IOM");
	assert_text(g.claim[6].c.source_name, "UNHCR");
	assert_text(g.claim[7].c.metric, "killed");
	assert_text(g.claim[11].c.metric, "idp_returnees");
	got_free(&g);
}

static void
reliefweb_not_an_array_invalid(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run_adapter_in("reliefweb", RW_URL, "SYR", "{\"name\": \"IDPs\"}", 16,
	    &g, err), ST_INVALID);
	assert_non_null(strstr(err, "a JSON array of figures"));
	got_free(&g);
}

/*
 * A figure repeating an earlier one member for member is a repeat whatever
 * the order of its members, at any depth (cJSON_Compare's sense, which the
 * stream keeps as a fingerprint of each figure); another figure of the name
 * counts its own.
 */
static void
reliefweb_repeat_whatever_the_member_order(void **state)
{
	static const char body[] = "["
	    "{\"name\": \"IDPs\", \"value\": \"5\", \"date\": \"2020-01-31\", \"values\": "
	    "[{\"value\": \"5\", \"date\": \"2020-01-31\"}, {\"value\": \"4\", \"date\": \"2019-12-31\"}]},"
	    "{\"values\": [{\"date\": \"2020-01-31\", \"value\": \"5\"}, {\"date\": \"2019-12-31\", "
	    "\"value\": \"4\"}], \"date\": \"2020-01-31\", \"value\": \"5\", \"name\": \"IDPs\"},"
	    "{\"name\": \"IDPs\", \"value\": \"6\", \"date\": \"2020-02-29\"},"
	    /* the same entries in another order: another figure (a history is ordered) */
	    "{\"name\": \"IDPs\", \"value\": \"5\", \"date\": \"2020-01-31\", \"values\": "
	    "[{\"value\": \"4\", \"date\": \"2019-12-31\"}, {\"value\": \"5\", \"date\": \"2020-01-31\"}]}"
	    "]";
	struct got g = { 0 };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run_adapter_in("reliefweb", RW_URL, "SYR", body, strlen(body), &g, err),
	    ST_OK);
	assert_int_equal(g.nclaims, 5);
	assert_text(g.claim[0].c.key, "rw|IDPs|2020-01-31");
	assert_text(g.claim[1].c.key, "rw|IDPs|2019-12-31");
	assert_int_equal(g.nrejects, 2);   /* both values of the second figure */
	assert_int_equal(g.reject[0].row, 3);
	assert_non_null(strstr(g.reject[0].reason, "repeats, value for value, an earlier figure"));
	assert_int_equal(g.reject[1].row, 4);
	assert_text(g.claim[2].c.key, "rw|IDPs|2020-02-29|#3");
	assert_text(g.claim[3].c.key, "rw|IDPs|2019-12-31|#4");
	assert_text(g.claim[4].c.key, "rw|IDPs|2020-01-31|#4");
	got_free(&g);
}

/* A ReliefWeb file of n figures named IDPs, each its own value if distinct, else one. */
static char *
idps_figures(size_t n, int distinct)
{
	size_t size = 16 + n * 64, len = 1;
	char *s = malloc(size);

	assert_non_null(s);
	s[0] = '[';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, size - len, "%s{\"name\": \"IDPs\", \"value\": "
		    "\"%zu\", \"date\": \"2020-01-31\"}", i ? "," : "", distinct ? i : 7);
	snprintf(s + len, size - len, "]");
	return s;
}

/*
 * What is remembered of earlier figures (to tell repeats) is bounded: a
 * file of more distinct figures of the table's names than any real one
 * fails, saying so; repeats of one figure cost nothing.
 */
static void
reliefweb_figures_remembered_are_bounded(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];
	char *body = idps_figures(100001, 1);

	(void)state;
	assert_int_equal(run_adapter_in("reliefweb", RW_URL, "SYR", body, strlen(body), &g, err),
	    ST_TOO_BIG);
	assert_non_null(strstr(err, "more than 100000 distinct key figures"));
	assert_int_equal(g.nclaims, 100000);
	free(body);
	got_free(&g);
	body = idps_figures(200000, 0);
	assert_int_equal(run_adapter_in("reliefweb", RW_URL, "SYR", body, strlen(body), &g, err),
	    ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_int_equal(g.nrejects, 199999);
	free(body);
	got_free(&g);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(reliefweb_table_sorted_and_well_formed),
		cmocka_unit_test(reliefweb_table_english),
		cmocka_unit_test(reliefweb_table_spanish),
		cmocka_unit_test(reliefweb_table_french),
		cmocka_unit_test(reliefweb_real_files_every_value_claimed_or_rejected),
		cmocka_unit_test(reliefweb_real_ukraine),
		cmocka_unit_test(reliefweb_real_syria_yemen_drc),
		cmocka_unit_test(reliefweb_real_spanish_and_french),
		cmocka_unit_test(reliefweb_real_regional_file_without_country_fails),
		cmocka_unit_test(reliefweb_misbehaviour),
		cmocka_unit_test(reliefweb_not_an_array_invalid),
		cmocka_unit_test(reliefweb_repeat_whatever_the_member_order),
		cmocka_unit_test(reliefweb_figures_remembered_are_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
