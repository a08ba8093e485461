/* h_metrics.c: GET /v1/metrics, the controlled vocabulary of what is counted. */
#include "api.h"
#include "../core/figure.h"
#include "../render/json.h"

enum { MP_CATEGORY };

static const struct pspec metrics_params[] = {
	[MP_CATEGORY] = { "category", P_ENUM, 0, 0, metric_categories },
};

static int
h_metrics(struct hctx *cx, struct response *r)
{
	cJSON *root = cJSON_CreateObject(), *data, *meta;
	struct metric_row row;
	struct cursor *c;
	long long n = 0;

	data = cJSON_AddArrayToObject(root, "data");
	c = store_metrics(cx->store, cx->p[MP_CATEGORY].s);
	while (store_metrics_next(c, &row)) {
		cJSON_AddItemToArray(data, json_metric(&row));
		n++;
	}
	if (store_cursor_close(c) != ST_OK) {
		cJSON_Delete(root);
		return respond_db_failed(cx, r, "listing metrics");
	}
	meta = respond_meta(root, cx);
	json_add_int(meta, "total", n);
	cJSON_AddNullToObject(meta, "next_cursor");
	return respond_json(r, 200, root);
}

const struct route route_metrics = { "/v1/metrics", 0, ROUTE_PARAMS(metrics_params),
    h_metrics, NEEDS_STORE, NULL };
