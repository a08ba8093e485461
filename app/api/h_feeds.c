/* h_feeds.c: GET /v1/feeds, how figures reach us and how fresh each feed is. */
#include "code_list.h"
#include "../render/json.h"

static int
next_feed(struct cursor *c, cJSON **item, const char **code)
{
	struct feed_status_row row;

	if (!store_feeds_next(c, &row))
		return 0;
	*item = json_feed(&row);
	*code = row.code;
	return 1;
}

static int
h_feeds(struct hctx *cx, struct response *r)
{
	return list_all(cx, r, store_feeds(cx->store, cx->now), next_feed, "listing feeds");
}

const struct route route_feeds = { "/v1/feeds", 0, NULL, 0, h_feeds,
    NEEDS_STORE | FEED_STATE, NULL };
