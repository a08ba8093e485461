#include "feeds_state.h"
#include "strutil.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INT_MAX_EXACT 9007199254740992.0   /* 2^53: larger doubles skip integers */

int
feeds_state_path(const char *db, char *out, size_t size)
{
	return snprintf(out, size, "%s.feeds.json", db) < (int)size;
}

/*
 * The whole number in field name of o (of feed code, or of the file when
 * code is NULL), from 0 to 2^53; ST_INVALID and err if not.
 */
static enum status
whole(const cJSON *o, const char *name, const char *code, long long *out, char *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
	    v->valuedouble != floor(v->valuedouble) || v->valuedouble < 0 ||
	    v->valuedouble > INT_MAX_EXACT) {
		err_set(err, "feeds.json: %s%s%s\"%s\" is %s, not a whole number from 0",
		    code != NULL ? "feed " : "", code != NULL ? code : "", code != NULL ? "'s " : "",
		    name, v == NULL ? "missing" : cJSON_IsNumber(v) ? "out of range" :
		    "of another type");
		return ST_INVALID;
	}
	*out = (long long)v->valuedouble;
	return ST_OK;
}

/*
 * The time in field name of o into out, "" for null (when nullable); ST_INVALID
 * and err if absent, of another type or not a time as time_now_iso writes it.
 */
static enum status
time_field(const cJSON *o, const char *name, const char *code, int nullable, char out[21],
    char *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	out[0] = '\0';
	if (nullable && cJSON_IsNull(v))
		return ST_OK;
	if (!cJSON_IsString(v) || v->valuestring == NULL || strlen(v->valuestring) != 20 ||
	    iso_time(v->valuestring) == (time_t)-1) {
		err_set(err, "feeds.json: %s%s%s\"%s\" is %s, not a time such as "
		    "2026-11-30T12:00:00Z%s", code != NULL ? "feed " : "", code != NULL ? code : "",
		    code != NULL ? "'s " : "", name, v == NULL ? "missing" : cJSON_IsString(v) ?
		    "another text" : "of another type", nullable ? " or null" : "");
		return ST_INVALID;
	}
	memcpy(out, v->valuestring, 21);
	return ST_OK;
}

static enum status
feed_entry(const cJSON *o, size_t i, struct feed_fetch *f, char *err)
{
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(o, "code"), *e;

	if (!cJSON_IsObject(o)) {
		err_set(err, "feeds.json: feeds[%zu] is not an object", i);
		return ST_INVALID;
	}
	if (!cJSON_IsString(code) || code->valuestring == NULL || !code_valid(code->valuestring)) {
		err_set(err, "feeds.json: feeds[%zu]'s \"code\" is %s, not a feed's code (1-64 "
		    "letters, digits, '.', '_' or '-')", i, code == NULL ? "missing" :
		    cJSON_IsString(code) ? "another text" : "of another type");
		return ST_INVALID;
	}
	snprintf(f->code, sizeof f->code, "%s", code->valuestring);
	if (time_field(o, "last_attempt", f->code, 1, f->last_attempt, err) != ST_OK ||
	    time_field(o, "last_success", f->code, 1, f->last_success, err) != ST_OK ||
	    whole(o, "consecutive_failures", f->code, &f->consecutive_failures, err) != ST_OK ||
	    whole(o, "rows_added", f->code, &f->rows_added, err) != ST_OK ||
	    whole(o, "rows_changed", f->code, &f->rows_changed, err) != ST_OK ||
	    whole(o, "rows_unchanged", f->code, &f->rows_unchanged, err) != ST_OK ||
	    whole(o, "rows_rejected", f->code, &f->rows_rejected, err) != ST_OK)
		return ST_INVALID;
	e = cJSON_GetObjectItemCaseSensitive(o, "last_error");
	if (cJSON_IsNull(e))
		return ST_OK;
	if (!cJSON_IsString(e) || e->valuestring == NULL) {
		err_set(err, "feeds.json: feed %s's \"last_error\" is %s, not a text or null",
		    f->code, e == NULL ? "missing" : "of another type");
		return ST_INVALID;
	}
	if (strlen(e->valuestring) >= sizeof f->last_error) {
		err_set(err, "feeds.json: feed %s's \"last_error\" is longer than %zu bytes",
		    f->code, sizeof f->last_error - 1);
		return ST_INVALID;
	}
	snprintf(f->last_error, sizeof f->last_error, "%s", e->valuestring);
	return ST_OK;
}

enum status
feeds_state_parse(const char *json, size_t len, struct feeds_state *fs, char *err)
{
	const cJSON *feeds, *item;
	cJSON *root;
	size_t n, i = 0;
	enum status rs = ST_INVALID;

	memset(fs, 0, sizeof *fs);
	if (len > FEEDS_STATE_MAX) {
		err_set(err, "feeds.json is %zu bytes, more than the %d it may have", len,
		    FEEDS_STATE_MAX);
		return ST_TOO_BIG;
	}
	if ((root = cJSON_ParseWithLength(json, len)) == NULL || !cJSON_IsObject(root)) {
		err_set(err, "feeds.json is not a JSON object");
		cJSON_Delete(root);
		return ST_INVALID;
	}
	if (whole(root, "feeds_version", NULL, &fs->feeds_version, err) != ST_OK ||
	    whole(root, "data_version", NULL, &fs->data_version, err) != ST_OK ||
	    time_field(root, "published_at", NULL, 0, fs->published_at, err) != ST_OK)
		goto done;
	feeds = cJSON_GetObjectItemCaseSensitive(root, "feeds");
	if (!cJSON_IsArray(feeds)) {
		err_set(err, "feeds.json: \"feeds\" is %s, not an array", feeds == NULL ? "missing" :
		    "of another type");
		goto done;
	}
	if ((n = (size_t)cJSON_GetArraySize(feeds)) > FEEDS_STATE_FEEDS) {
		err_set(err, "feeds.json names %zu feeds, more than the %d it may", n,
		    FEEDS_STATE_FEEDS);
		rs = ST_TOO_BIG;
		goto done;
	}
	if (n > 0 && (fs->feeds = calloc(n, sizeof *fs->feeds)) == NULL) {
		err_set(err, "out of memory reading feeds.json (%zu feeds)", n);
		rs = ST_NOMEM;
		goto done;
	}
	cJSON_ArrayForEach(item, feeds) {
		if (feed_entry(item, i, &fs->feeds[i], err) != ST_OK)
			goto done;
		fs->n = i;   /* the ones before, for the duplicate test */
		if (feeds_state_find(fs, fs->feeds[i].code) != NULL) {
			err_set(err, "feeds.json names feed %s twice", fs->feeds[i].code);
			goto done;
		}
		i++;
	}
	fs->n = n;
	rs = ST_OK;
done:
	cJSON_Delete(root);
	if (rs != ST_OK)
		feeds_state_free(fs);
	return rs;
}

void
feeds_state_free(struct feeds_state *fs)
{
	free(fs->feeds);
	memset(fs, 0, sizeof *fs);
}

static cJSON *
time_or_null(const char *t)
{
	return t[0] != '\0' ? cJSON_CreateString(t) : cJSON_CreateNull();
}

char *
feeds_state_format(const struct feeds_state *fs)
{
	cJSON *root = cJSON_CreateObject(), *feeds = NULL, *f;
	char *text = NULL, *out = NULL;
	size_t len;
	int ok = root != NULL &&
	    cJSON_AddNumberToObject(root, "feeds_version", (double)fs->feeds_version) != NULL &&
	    cJSON_AddNumberToObject(root, "data_version", (double)fs->data_version) != NULL &&
	    cJSON_AddStringToObject(root, "published_at", fs->published_at) != NULL &&
	    (feeds = cJSON_AddArrayToObject(root, "feeds")) != NULL;

	for (size_t i = 0; ok && i < fs->n; i++) {
		const struct feed_fetch *e = &fs->feeds[i];

		ok = (f = cJSON_CreateObject()) != NULL && cJSON_AddItemToArray(feeds, f) &&
		    cJSON_AddStringToObject(f, "code", e->code) != NULL &&
		    cJSON_AddItemToObject(f, "last_attempt", time_or_null(e->last_attempt)) &&
		    cJSON_AddItemToObject(f, "last_success", time_or_null(e->last_success)) &&
		    cJSON_AddItemToObject(f, "last_error", e->last_error[0] != '\0' ?
		    cJSON_CreateString(e->last_error) : cJSON_CreateNull()) &&
		    cJSON_AddNumberToObject(f, "consecutive_failures",
		    (double)e->consecutive_failures) != NULL &&
		    cJSON_AddNumberToObject(f, "rows_added", (double)e->rows_added) != NULL &&
		    cJSON_AddNumberToObject(f, "rows_changed", (double)e->rows_changed) != NULL &&
		    cJSON_AddNumberToObject(f, "rows_unchanged", (double)e->rows_unchanged) != NULL &&
		    cJSON_AddNumberToObject(f, "rows_rejected", (double)e->rows_rejected) != NULL;
	}
	if (ok && (text = cJSON_PrintUnformatted(root)) != NULL) {
		len = strlen(text);
		if ((out = malloc(len + 2)) != NULL) {
			memcpy(out, text, len);
			out[len] = '\n';
			out[len + 1] = '\0';
		}
	}
	cJSON_free(text);
	cJSON_Delete(root);
	return out;
}

const struct feed_fetch *
feeds_state_find(const struct feeds_state *fs, const char *code)
{
	/* a few feeds, looked up a few times a request: no index */
	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->feeds[i].code, code) == 0)
			return &fs->feeds[i];
	return NULL;
}

int
feed_row_stale(const struct feed_status_row *row, time_t now)
{
	time_t success;

	if (!row->enabled)
		return 0;
	if (row->last_success == NULL || row->consecutive_failures > 0)
		return 1;
	/* SQL's unixepoch() of a text that is no time is NULL, and the test false */
	if ((success = iso_time(row->last_success)) == (time_t)-1)
		return 0;
	return (long long)now - (long long)success > 2 * row->interval;
}

int
feeds_state_overlay(const struct feeds_state *fs, long long snapshot_feeds_version,
    struct feed_status_row *row, time_t now)
{
	const struct feed_fetch *f;

	if (fs == NULL || fs->feeds_version <= snapshot_feeds_version || row->code == NULL ||
	    (f = feeds_state_find(fs, row->code)) == NULL)
		return 0;
	row->last_attempt = f->last_attempt[0] != '\0' ? f->last_attempt : NULL;
	row->last_success = f->last_success[0] != '\0' ? f->last_success : NULL;
	row->last_error = f->last_error[0] != '\0' ? f->last_error : NULL;
	row->consecutive_failures = f->consecutive_failures;
	row->added = f->rows_added;
	row->changed = f->rows_changed;
	row->unchanged = f->rows_unchanged;
	row->rejected = f->rows_rejected;
	row->stale = feed_row_stale(row, now);
	return 1;
}
