/*
 * h_health.c: GET /v1/health, for load balancers and people: 200 with the
 * database's age and the stale feeds, 503 when the database is missing,
 * unreadable or of a schema this build does not serve.
 */
#include "api.h"
#include "../core/log.h"
#include "../core/strutil.h"

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

static int
h_health(struct hctx *cx, struct response *r)
{
	struct data_state state;
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
	c = store_feeds(s, cx->now);
	while (store_feeds_next(c, &feed)) {
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
	cJSON_AddStringToObject(root, "generated_at", cx->now);
	r->cache_control = "no-store";
	return respond_json(r, 200, root);
}

const struct route route_health = { "/v1/health", 0, NULL, 0, h_health, 0, NULL };
