/*
 * dtm.c: the IOM Displacement Tracking Matrix API (https://dtm.iom.int/data-and-analysis/dtm-api),
 * e.g. /api/IdpAdmin2Data/GetAdmin2Datav2?Admin0Pcode=AFG (and the admin0 and
 * admin1 endpoints, whose rows lack the finer fields).
 *
 * Relies on: {"result": [...], "statusCode", "isSuccess", "errorMessages",
 * "totalRecordsCount"}; isSuccess false is a failure whose errorMessages are
 * reported; an empty result is a country without data. Rows: operation,
 * admin0Name/admin0Pcode (ISO3), admin1Name/admin1Pcode,
 * admin2Name/admin2Pcode, numPresentIdpInd, reportingDate, roundNumber,
 * assessmentType. The subscription key goes in Ocp-Apim-Subscription-Key,
 * from $DTM_SUBSCRIPTION_KEY.
 *
 * Mapped: numPresentIdpInd → idps at the finest admin level given, as of
 * reportingDate, group = the operation; a row is one assessment round, so
 * rounds never collapse. Who said it: the feed's default source (register
 * with --organisation "IOM DTM" --type un).
 */
#include "json_page.h"

#include <stdio.h>
#include <string.h>

static enum status
dtm_parse(struct json_page *p, const cJSON *root, char *err)
{
	const cJSON *result = cJSON_GetObjectItemCaseSensitive(root, "result"), *r, *m;
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(root, "isSuccess");
	const struct sink *sink = p->ctx.sink;
	char value[32], round[32], key[512], msg[200] = "";
	long row = 0;
	enum status st;

	if (cJSON_IsFalse(ok)) {
		cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(root, "errorMessages"))
			if (cJSON_IsString(m) && strlen(msg) < 100)
				snprintf(msg + strlen(msg), sizeof msg - strlen(msg), "%s%.90s",
				    msg[0] ? "; " : "", m->valuestring);
		err_set(err, "DTM says the request failed (isSuccess false): %s",
		    msg[0] ? msg : "no message");
		return ST_INVALID;
	}
	if (!cJSON_IsArray(result)) {
		err_set(err, "expected DTM's {\"result\": [...], \"isSuccess\": ...}");
		return ST_INVALID;
	}
	cJSON_ArrayForEach(r, result) {
		struct claim c = { .row = ++row, .metric = "idps", .via = "IOM DTM API" };

		if (!cJSON_IsObject(r)) {
			sink->reject(sink->ctx, row, "a row is not a JSON object");
			continue;
		}
		c.country = jtext(r, "admin0Pcode");
		c.country_name = jtext(r, "admin0Name");
		c.adm1_code = jtext(r, "admin1Pcode");
		c.adm1_name = jtext(r, "admin1Name");
		c.adm2_code = jtext(r, "admin2Pcode");
		c.adm2_name = jtext(r, "admin2Name");
		c.value = jcount(r, "numPresentIdpInd", value, sizeof value);
		c.as_of = jtext(r, "reportingDate");
		c.group = jtext(r, "operation");
		snprintf(key, sizeof key, "dtm|%.120s|%s|%s|%s|%s|%s|%s",
		    c.group != NULL ? c.group : "", c.country != NULL ? c.country : "",
		    c.adm1_code != NULL ? c.adm1_code : "", c.adm2_code != NULL ? c.adm2_code : "",
		    jcount(r, "roundNumber", round, sizeof round) != NULL ? round : "",
		    jtext(r, "assessmentType") != NULL ? jtext(r, "assessmentType") : "",
		    c.as_of != NULL ? c.as_of : "");
		c.key = key;
		if ((st = sink->claim(sink->ctx, &c)) != ST_OK)
			return st;
	}
	return ST_OK;
}

static void *
dtm_begin(const struct adapter_ctx *ctx, char *err)
{
	return json_page_begin(ctx, dtm_parse, err);
}

const struct adapter adapter_dtm = {
	.name = "dtm",
	.description = "IOM Displacement Tracking Matrix API (IDPs by admin area and round)",
	.content_types = JSON_TYPES,
	.auth_header = "Ocp-Apim-Subscription-Key",
	.auth_env = "DTM_SUBSCRIPTION_KEY",
	.example_url = "https://dtmapi.iom.int/api/IdpAdmin2Data/GetAdmin2Datav2?Admin0Pcode=AFG",
	.begin = dtm_begin,
	.write = json_page_write,
	.end = json_page_end,
	.next_page = json_page_next,
	.free = json_page_free,
};
