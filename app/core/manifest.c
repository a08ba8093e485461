#include "manifest.h"
#include "strutil.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INT_MAX_EXACT 9007199254740992.0   /* 2^53: larger doubles skip integers */

int
manifest_file_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= MANIFEST_FILE || name[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* The whole number in field name of o, from min to max; ST_INVALID and err if not. */
static enum status
whole(const cJSON *o, const char *name, double min, double max, long long *out, char *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsNumber(v)) {
		err_set(err, "the manifest's \"%s\" is %s, not a number", name,
		    v == NULL ? "missing" : "of another type");
		return ST_INVALID;
	}
	if (!isfinite(v->valuedouble) || v->valuedouble != floor(v->valuedouble) ||
	    v->valuedouble < min || v->valuedouble > max) {
		err_set(err, "the manifest's \"%s\" is %g, not a whole number from %.0f to %.0f",
		    name, v->valuedouble, min, max);
		return ST_INVALID;
	}
	*out = (long long)v->valuedouble;
	return ST_OK;
}

/* The string field name of o into out (size bytes); ST_INVALID and err if absent or too long. */
static enum status
text(const cJSON *o, const char *name, char *out, size_t size, char *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		err_set(err, "the manifest's \"%s\" is %s, not a string", name,
		    v == NULL ? "missing" : "of another type");
		return ST_INVALID;
	}
	if (strlen(v->valuestring) >= size) {
		err_set(err, "the manifest's \"%s\" is longer than %zu bytes", name, size - 1);
		return ST_INVALID;
	}
	snprintf(out, size, "%s", v->valuestring);
	return ST_OK;
}

static enum status
time_field(const cJSON *o, const char *name, char out[21], char *err)
{
	if (text(o, name, out, 21, err) != ST_OK)
		return ST_INVALID;
	if (iso_time(out) == (time_t)-1) {
		err_set(err, "the manifest's \"%s\" is not a time such as 2026-11-30T12:00:00Z",
		    name);
		return ST_INVALID;
	}
	return ST_OK;
}

enum status
manifest_parse(const char *json, size_t len, struct manifest *m, char *err)
{
	cJSON *root;
	long long schema = 0;
	enum status rs = ST_INVALID;

	memset(m, 0, sizeof *m);
	if (len > MANIFEST_MAX) {
		err_set(err, "the manifest is %zu bytes, more than the %d a manifest may have",
		    len, MANIFEST_MAX);
		return ST_TOO_BIG;
	}
	if ((root = cJSON_ParseWithLength(json, len)) == NULL || !cJSON_IsObject(root)) {
		err_set(err, "the manifest is not a JSON object");
		cJSON_Delete(root);
		return ST_INVALID;
	}
	if (whole(root, "version", 0, INT_MAX_EXACT, &m->version, err) != ST_OK ||
	    time_field(root, "data_as_of", m->data_as_of, err) != ST_OK ||
	    text(root, "file", m->file, sizeof m->file, err) != ST_OK ||
	    whole(root, "size", 1, INT_MAX_EXACT, &m->size, err) != ST_OK ||
	    text(root, "sha256", m->sha256, sizeof m->sha256, err) != ST_OK ||
	    whole(root, "schema_version", 1, 1000000, &schema, err) != ST_OK ||
	    time_field(root, "published_at", m->published_at, err) != ST_OK)
		goto done;
	m->schema_version = (int)schema;
	if (!manifest_file_name_valid(m->file)) {
		err_set(err, "the manifest's \"file\" is not a plain file name (letters, digits, "
		    "'.', '-', '_'; no path)");
		goto done;
	}
	if (strlen(m->sha256) != 64 || strspn(m->sha256, "0123456789abcdef") != 64) {
		err_set(err, "the manifest's \"sha256\" is not 64 lower-case hex digits");
		goto done;
	}
	rs = ST_OK;
done:
	cJSON_Delete(root);
	if (rs != ST_OK)
		memset(m, 0, sizeof *m);
	return rs;
}

char *
manifest_format(const struct manifest *m)
{
	char *out = NULL;
	size_t size = 512 + strlen(m->file);

	if ((out = malloc(size)) == NULL)
		return NULL;
	/* every string is checked (file name, hex, times): nothing needs escaping */
	snprintf(out, size, "{\"version\": %lld, \"data_as_of\": \"%s\", \"file\": \"%s\", "
	    "\"size\": %lld, \"sha256\": \"%s\", \"schema_version\": %d, \"published_at\": "
	    "\"%s\"}\n", m->version, m->data_as_of, m->file, m->size, m->sha256,
	    m->schema_version, m->published_at);
	return out;
}
