/* h_feeds.c: GET /v1/feeds, how figures reach us and how fresh each feed is. */
#include "api.h"
#include "../render/json.h"

int
h_feeds(struct hctx *cx, struct response *r)
{
	cJSON *root = cJSON_CreateObject(), *data, *meta;
	sqlite3_stmt *st;
	long long n = 0;
	int rc;

	data = cJSON_AddArrayToObject(root, "data");
	st = store_feeds(cx->store, cx->now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cJSON_AddItemToArray(data, json_feed(st));
		n++;
	}
	store_done(st);
	if (rc != SQLITE_DONE) {
		cJSON_Delete(root);
		return respond_db_failed(cx, r, "listing feeds");
	}
	meta = respond_meta(root, cx);
	json_add_int(meta, "total", n);
	cJSON_AddNullToObject(meta, "next_cursor");
	return respond_json(r, 200, root);
}
