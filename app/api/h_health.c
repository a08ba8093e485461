/*
 * h_health.c: GET /v1/health, for load balancers and people: 200 with the
 * database's age and the stale feeds, 503 when the database is missing,
 * unreadable or of a schema this build does not serve. On a read node (a
 * follower's state file beside the database, follow_state.h), what it follows
 * and how long ago it last succeeded: "degraded" (still 200: it answers, from
 * its last good version) when that is longer ago than the follower's
 * --follow-max-age, or never; a failed attempt alone is reported, not
 * degraded (the next may succeed well within the bound).
 */
#include "api.h"
#include "feeds_overlay.h"
#include "../core/follow_state.h"
#include "../core/log.h"
#include "../core/strutil.h"
#include "../core/url_public.h"

#include <limits.h>
#include <string.h>
#include <time.h>

static long long
age_seconds(const char *iso)
{
	time_t t = iso_time(iso);

	return t == (time_t)-1 ? -1 : (long long)(time(NULL) - t);
}

static int
unavailable(struct hctx *cx, struct response *r, const char *why)
{
	cJSON *root = cJSON_CreateObject();

	cJSON_AddStringToObject(root, "status", "unavailable");
	cJSON_AddStringToObject(root, "reason", why);
	cJSON_AddStringToObject(root, "generated_at", cx->now);
	r->cache_control = "no-store";
	r->retry_after = 5;
	return respond_json(r, 503, root);
}

/* A text field, or null when empty. */
static void
text_or_null(cJSON *o, const char *name, const char *v)
{
	if (v != NULL && *v != '\0')
		cJSON_AddStringToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

/*
 * The read node's follow, if this is one: adds "follow" to root; 1 if it is
 * degraded (no good follow within max_age).
 */
static int
follow_health(struct hctx *cx, cJSON *root)
{
	struct follow_state *st = cJSON_malloc(sizeof *st);
	char path[PATH_MAX], err[ERR_MAX], url[FOLLOW_URL_MAX];
	long long age;
	cJSON *f;
	enum status rs;
	int degraded = 0;

	if (st == NULL || !follow_state_path(cx->app->db_path, path, sizeof path)) {
		cJSON_free(st);
		return 0;
	}
	if ((rs = follow_state_read(path, st, err)) == ST_NOT_FOUND) {
		cJSON_free(st);
		return 0;   /* not a read node */
	}
	f = cJSON_AddObjectToObject(root, "follow");
	if (rs != ST_OK) {
		log_warn("%s", err);
		cJSON_AddStringToObject(f, "last_error", "the follower's state file cannot be read");
		cJSON_free(st);
		return 1;
	}
	/* the operator's URL may carry credentials: what /v1/feeds would show of it */
	text_or_null(f, "url", url_public(st->url, url, sizeof url) ? url : NULL);
	if (st->version >= 0)
		cJSON_AddNumberToObject(f, "version", (double)st->version);
	else
		cJSON_AddNullToObject(f, "version");
	text_or_null(f, "data_as_of", st->data_as_of);
	text_or_null(f, "last_success", st->last_success);
	age = st->last_success[0] != '\0' && iso_time(st->last_success) != (time_t)-1 ?
	    (long long)(time(NULL) - iso_time(st->last_success)) : -1;
	if (age >= 0)
		cJSON_AddNumberToObject(f, "age_seconds", (double)age);
	else
		cJSON_AddNullToObject(f, "age_seconds");
	cJSON_AddNumberToObject(f, "max_age_seconds", (double)st->max_age);
	text_or_null(f, "last_attempt", st->last_attempt);
	text_or_null(f, "last_error", st->last_error);
	degraded = age < 0 || (st->max_age > 0 && age > st->max_age);
	cJSON_AddBoolToObject(f, "stale", degraded);
	cJSON_free(st);
	return degraded;
}

static int
h_health(struct hctx *cx, struct response *r)
{
	struct data_state state;
	const struct feeds_state *newer;
	struct store *s;
	cJSON *root, *db, *feeds, *stale;
	struct feed_status_row feed;
	struct cursor *c;
	char err[ERR_MAX];
	long long total = 0;
	enum status rs;

	/* Reopen on every health check if closed: it is how recovery is seen. */
	if ((s = app_store(cx->app, 1)) == NULL)
		return unavailable(cx, r, cx->app->store_err);
	if (store_begin(s, &state, err) != ST_OK) {
		log_error("%s", err);
		app_close(cx->app);
		return unavailable(cx, r, "the database cannot be read");
	}
	cx->state = &state;
	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "status", "ok");
	db = cJSON_AddObjectToObject(root, "database");
	cJSON_AddNumberToObject(db, "schema_version", state.schema_version);
	cJSON_AddNumberToObject(db, "data_version", (double)state.version);
	cJSON_AddStringToObject(db, "data_as_of", state.changed_at);
	cJSON_AddNumberToObject(db, "age_seconds", (double)age_seconds(state.changed_at));
	feeds = cJSON_AddObjectToObject(root, "feeds");
	stale = cJSON_CreateArray();
	/* a read node's newer feeds' state says which feeds fail now (feeds_overlay.h) */
	newer = feeds_overlay(cx->app, &state);
	c = store_feeds(s, cx->now);
	while (store_feeds_next(c, &feed)) {
		feeds_state_overlay(newer, state.feeds_version, &feed, iso_time(cx->now));
		total++;
		if (feed.stale)
			cJSON_AddItemToArray(stale, cJSON_CreateString(feed.code));
	}
	rs = store_cursor_close(c);
	store_end(s);
	if (rs != ST_OK) {
		cJSON_Delete(stale);
		cJSON_Delete(root);
		log_error("store: listing feeds: %s", store_errmsg(s));
		app_close(cx->app);
		return unavailable(cx, r, "the database cannot be read");
	}
	cJSON_AddNumberToObject(feeds, "total", (double)total);
	cJSON_AddItemToObject(feeds, "stale", stale);
	if (follow_health(cx, root))
		cJSON_ReplaceItemInObject(root, "status", cJSON_CreateString("degraded"));
	cJSON_AddStringToObject(root, "generated_at", cx->now);
	r->cache_control = "no-store";
	return respond_json(r, 200, root);
}

const struct route route_health = { "/v1/health", 0, NULL, 0, h_health, 0, NULL };
