/* h_metrics.c: GET /v1/metrics, the controlled vocabulary of what is counted. */
#include "api.h"
#include "../core/figure.h"
#include "../render/json.h"

enum { MP_CATEGORY };

const struct pspec metrics_params[] = {
	[MP_CATEGORY] = { "category", P_ENUM, 0, 0, metric_categories },
};
const size_t metrics_nparams = sizeof metrics_params / sizeof metrics_params[0];

int
h_metrics(struct hctx *cx, struct response *r)
{
	cJSON *root = cJSON_CreateObject(), *data, *meta;
	sqlite3_stmt *st;
	long long n = 0;
	int rc;

	data = cJSON_AddArrayToObject(root, "data");
	st = store_metrics(cx->store, cx->p[MP_CATEGORY].s);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cJSON_AddItemToArray(data, json_metric(st));
		n++;
	}
	store_done(st);
	if (rc != SQLITE_DONE) {
		cJSON_Delete(root);
		return respond_db_failed(cx, r, "listing metrics");
	}
	meta = respond_meta(root, cx);
	json_add_int(meta, "total", n);
	cJSON_AddNullToObject(meta, "next_cursor");
	return respond_json(r, 200, root);
}
