/*
 * dtm.c: the IOM Displacement Tracking Matrix API, version 3
 * (https://dtm.iom.int/data-and-analysis/dtm-api): IDPs present by country,
 * admin 1 or admin 2 area, one endpoint each:
 *   https://dtmapi.iom.int/v3/displacement/admin0?Admin0Pcode=AFG
 *   https://dtmapi.iom.int/v3/displacement/admin1?Admin0Pcode=AFG
 *   https://dtmapi.iom.int/v3/displacement/admin2?Admin0Pcode=AFG
 * (other filters: Operation, CountryName, Admin1Pcode, Admin1Name,
 * Admin2Pcode, Admin2Name, FromReportingDate, ToReportingDate,
 * FromRoundNumber, ToRoundNumber). The subscription key goes in the
 * Ocp-Apim-Subscription-Key header, from $DTM_SUBSCRIPTION_KEY. The v2 API
 * (/api/IdpAdmin2Data/GetAdmin2Datav2) is retired; its rows, which had no
 * displacementReason, are refused (see below).
 *
 * Relies on (the API's answers as HDX's scraper, OCHA-DAP/hdx-scraper-iom-dtm,
 * saved them, and IOM's dtmapi client):
 *   - the body is {"result": [rows], "statusCode", "isSuccess",
 *     "errorMessages", "totalRecordsCount"}. isSuccess must be true and
 *     errorMessages empty, else the payload fails with the upstream's
 *     messages. The API does not page: one answer holds every row, so
 *     totalRecordsCount, when given, must be the number of rows.
 *   - rows: operation; admin0Name, admin0Pcode (ISO 3166-1 alpha-3; any other
 *     ISO code or name is read by the ingest step's gazetteer); admin1Name,
 *     admin1Pcode and admin2Name, admin2Pcode on the finer endpoints;
 *     numPresentIdpInd (individuals); reportingDate ("2017-03-30T00:00:00");
 *     roundNumber; assessmentType ("BA", "SA"); displacementReason;
 *     idpOriginAdmin1Name, idpOriginAdmin1Pcode ("Not available" when not
 *     known); numberMales, numberFemales (or null). id, yearReportingDate
 *     and monthReportingDate are not read.
 *
 * A v3 row is a part of a place's IDPs in one round: those displaced for one
 * reason (or one set of reasons), from one area of origin where known. Each
 * row is its own claim: numPresentIdpInd → idps (unit people) at the finest
 * area given, as of reportingDate, group = the operation, cause from
 * displacementReason (through cause_words.c), origin from idpOriginAdmin1* (in
 * the row's own country: IDPs come from their own), males and females as
 * given (DTM's do not always add up to the total: they are kept as given).
 * Its key is every field that tells two rows apart: operation, country,
 * admin 1, admin 2, round, assessment type, reporting date, cause, origin.
 * A row without displacementReason or idpOriginAdmin1* fields is refused:
 * without them it cannot be told from the rows it was split from.
 *
 * Who said it: the feed's default source (register with
 * --organisation "IOM DTM" --type un).
 */
#include "cause_words.h"
#include "json_page.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>


/*
 * r[key] as text: NULL when absent or null. A value of another type sets
 * *bad to the key (the first such), for the row to be refused: a number
 * where a code was expected would otherwise move the count to the parent.
 */
static const char *
dtm_text(const cJSON *r, const char *key, const char **bad)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, key);

	if (v == NULL || cJSON_IsNull(v))
		return NULL;
	if (cJSON_IsString(v))
		return v->valuestring;
	if (*bad == NULL)
		*bad = key;
	return NULL;
}

/* An origin field's text, or NULL when it gives none ("Not available", ""). */
static const char *
dtm_origin(const char *s)
{
	return s == NULL || *s == '\0' || strcasecmp(s, "Not available") == 0 ? NULL : s;
}

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* A place's part of the key: its code, else its name, else "". */
static const char *
place_id(const char *code, const char *name)
{
	return code != NULL && *code != '\0' ? code : or_empty(name);
}

/* Text scratch for one row's claim. */
struct dtm_row {
	char value[32], males[32], females[32], round[32];
	char cause[CAUSE_MAX], key[1024], why[400];
};

/*
 * Reads one row into c, or returns 0 with s->why saying why it is refused.
 */
static int
dtm_read_row(const cJSON *r, struct claim *c, struct dtm_row *s)
{
	const char *bad = NULL, *reason, *origin_code, *origin_name, *op, *type;
	int n;

	if (!cJSON_IsObject(r)) {
		snprintf(s->why, sizeof s->why, "a row is not a JSON object");
		return 0;
	}
	if (!jhas(r, "displacementReason") ||
	    (!jhas(r, "idpOriginAdmin1Pcode") && !jhas(r, "idpOriginAdmin1Name"))) {
		snprintf(s->why, sizeof s->why, "the row has no %s field: a v3 row is split by "
		    "displacementReason and idpOriginAdmin1*, so without them it cannot be told "
		    "from its siblings (a v2 answer? read /v3/displacement/admin0, admin1 or admin2)",
		    jhas(r, "displacementReason") ? "idpOriginAdmin1Pcode" : "displacementReason");
		return 0;
	}
	c->country = dtm_text(r, "admin0Pcode", &bad);
	c->country_name = dtm_text(r, "admin0Name", &bad);
	c->adm1_code = dtm_text(r, "admin1Pcode", &bad);
	c->adm1_name = dtm_text(r, "admin1Name", &bad);
	c->adm2_code = dtm_text(r, "admin2Pcode", &bad);
	c->adm2_name = dtm_text(r, "admin2Name", &bad);
	c->as_of = dtm_text(r, "reportingDate", &bad);
	c->group = op = dtm_text(r, "operation", &bad);
	type = dtm_text(r, "assessmentType", &bad);
	reason = dtm_text(r, "displacementReason", &bad);
	origin_code = dtm_origin(dtm_text(r, "idpOriginAdmin1Pcode", &bad));
	origin_name = dtm_origin(dtm_text(r, "idpOriginAdmin1Name", &bad));
	if (bad != NULL) {
		snprintf(s->why, sizeof s->why, "%s is neither text nor null", bad);
		return 0;
	}
	if (!cause_from_words(reason, s->cause, s->why, sizeof s->why))
		return 0;
	c->cause = s->cause[0] != '\0' ? s->cause : NULL;
	if (origin_code != NULL || origin_name != NULL) {
		c->origin_country = c->country;
		c->origin_country_name = c->country_name;
		c->origin_adm1_code = origin_code;
		c->origin_adm1_name = origin_name;
	}
	c->value = jcount(r, "numPresentIdpInd", s->value, sizeof s->value);
	c->males = jcount(r, "numberMales", s->males, sizeof s->males);
	c->females = jcount(r, "numberFemales", s->females, sizeof s->females);
	n = snprintf(s->key, sizeof s->key, "dtm|%s|%s|%s|%s|%s|%s|%s|%s|%s", or_empty(op),
	    or_empty(c->country), place_id(c->adm1_code, c->adm1_name),
	    place_id(c->adm2_code, c->adm2_name),
	    or_empty(jcount(r, "roundNumber", s->round, sizeof s->round)), or_empty(type),
	    or_empty(c->as_of), s->cause, place_id(origin_code, origin_name));
	if (n < 0 || (size_t)n >= sizeof s->key) {
		/* cut short, two rows could share it: refuse (resolve allows 500 bytes anyway) */
		snprintf(s->why, sizeof s->why, "the row's identity (operation '%.60s', places, "
		    "round, date, cause, origin) is longer than %zu bytes", or_empty(op),
		    sizeof s->key - 1);
		return 0;
	}
	c->key = s->key;
	return 1;
}

/* The upstream's errorMessages, joined by "; " into msg (size bytes). */
static void
dtm_messages(const cJSON *msgs, char *msg, size_t size)
{
	const cJSON *list = cJSON_IsArray(msgs) ? msgs : NULL, *m;
	size_t len;

	msg[0] = '\0';
	if (cJSON_IsString(msgs) && msgs->valuestring[0] != '\0') {
		snprintf(msg, size, "%.200s", msgs->valuestring);
		return;
	}
	cJSON_ArrayForEach(m, list) {
		if ((len = strlen(msg)) + 8 >= size)
			return;
		snprintf(msg + len, size - len, "%s%.200s", len > 0 ? "; " : "",
		    cJSON_IsString(m) ? m->valuestring : "(a message that is not text)");
	}
}

/*
 * The envelope, once the body is complete (DTM writes it after the rows): the
 * upstream's own failure, another shape, or fewer rows than it counts fail
 * the payload (err says why), with its claims given so far.
 */
static enum status
dtm_end(struct json_page *p, const cJSON *env, char *err)
{
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(env, "isSuccess");
	const cJSON *total = cJSON_GetObjectItemCaseSensitive(env, "totalRecordsCount");
	char msg[600], code[32];
	const char *status;

	dtm_messages(cJSON_GetObjectItemCaseSensitive(env, "errorMessages"), msg, sizeof msg);
	if (cJSON_IsFalse(ok) || msg[0] != '\0') {
		status = jcount(env, "statusCode", code, sizeof code);
		err_set(err, "DTM says the request failed (isSuccess %s, statusCode %s): %s",
		    cJSON_IsTrue(ok) ? "true" : cJSON_IsFalse(ok) ? "false" : "missing",
		    status != NULL ? status : "missing", msg[0] != '\0' ? msg : "no message");
		return ST_INVALID;
	}
	if (!p->rows_array || !cJSON_IsTrue(ok)) {
		err_set(err, "expected DTM's answer {\"result\": [...], \"isSuccess\": true, "
		    "\"errorMessages\": [], …}; this has %s and %s",
		    p->rows_array ? "a result array" : "no result array",
		    ok == NULL ? "no isSuccess" : "an isSuccess that is not a boolean");
		return ST_INVALID;
	}
	if (cJSON_IsNumber(total) && total->valuedouble != (double)p->nrows) {
		err_set(err, "DTM's totalRecordsCount is %.0f but its result holds %ld rows: the "
		    "answer is incomplete (or the API now pages, which dtm.c does not follow)",
		    total->valuedouble, p->nrows);
		return ST_INVALID;
	}
	return ST_OK;
}

static enum status
dtm_row(struct json_page *p, const cJSON *r, long row, char *err)
{
	const struct sink *sink = p->ctx.sink;
	struct claim c = { .row = row, .metric = "idps", .unit = "people", .via = "IOM DTM API" };
	struct dtm_row s;

	(void)err;
	if (!dtm_read_row(r, &c, &s)) {
		sink->reject(sink->ctx, row, s.why);
		return ST_OK;
	}
	return sink->claim(sink->ctx, &c);
}

/* {"result": [rows], "statusCode", "isSuccess", "errorMessages", "totalRecordsCount"} */
static const char *const dtm_keep[] = { "isSuccess", "statusCode", "errorMessages",
	"totalRecordsCount", NULL };

static const struct json_shape dtm_shape = {
	.rows = "result",
	.keep = dtm_keep,
	.row = dtm_row,
	.end = dtm_end,
};

static void *
dtm_begin(const struct adapter_ctx *ctx, char *err)
{
	return json_page_begin(ctx, &dtm_shape, err);
}

const struct adapter adapter_dtm = {
	.name = "dtm",
	.description = "IOM Displacement Tracking Matrix API v3 (IDPs by admin area, round, "
	    "cause and origin)",
	.content_types = JSON_TYPES,
	.auth_header = "Ocp-Apim-Subscription-Key",
	.auth_env = "DTM_SUBSCRIPTION_KEY",
	.example_url = "https://dtmapi.iom.int/v3/displacement/admin1?Admin0Pcode=AFG",
	.begin = dtm_begin,
	.write = json_page_write,
	.end = json_page_end,
	.next_page = json_page_next,
	.free = json_page_free,
};
