/*
 * h_feeds.c: GET /v1/feeds, how figures reach us and how fresh each feed is:
 * the snapshot's rows, with a read node's newer fetch state over them
 * (cx->feeds, feeds_overlay.h).
 */
#include "code_list.h"
#include "../core/strutil.h"
#include "../render/json.h"

static int
h_feeds(struct hctx *cx, struct response *r)
{
	struct feed_status_row row;
	struct cursor *c = store_feeds(cx->store, cx->now);
	cJSON *root = cJSON_CreateObject(), *data, *meta;
	time_t now = iso_time(cx->now);
	long long n = 0;

	data = cJSON_AddArrayToObject(root, "data");
	while (store_feeds_next(c, &row)) {
		feeds_state_overlay(cx->feeds, cx->state->feeds_version, &row, now);
		cJSON_AddItemToArray(data, json_feed(&row));
		n++;
	}
	if (store_cursor_close(c) != ST_OK) {
		cJSON_Delete(root);
		return respond_db_failed(cx, r, "listing feeds");
	}
	meta = respond_meta(root, cx);
	json_add_int(meta, "total", n);
	cJSON_AddNullToObject(meta, "next_cursor");
	return respond_json(r, 200, root);
}

const struct route route_feeds = { "/v1/feeds", 0, NULL, 0, h_feeds,
    NEEDS_STORE | FEED_STATE, NULL };
