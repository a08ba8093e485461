/* h_metrics.c: GET /v1/metrics, the controlled vocabulary of what is counted. */
#include "code_list.h"
#include "../core/figure.h"
#include "../render/json.h"

enum { MP_CATEGORY };

static const struct pspec metrics_params[] = {
	[MP_CATEGORY] = { "category", P_ENUM, 0, 0, metric_categories },
};

static int
next_metric(struct cursor *c, cJSON **item, const char **code)
{
	struct metric_row row;

	if (!store_metrics_next(c, &row))
		return 0;
	*item = json_metric(&row);
	*code = row.code;
	return 1;
}

static int
h_metrics(struct hctx *cx, struct response *r)
{
	return list_all(cx, r, store_metrics(cx->store, cx->p[MP_CATEGORY].s), next_metric,
	    "listing metrics");
}

const struct route route_metrics = { "/v1/metrics", 0, ROUTE_PARAMS(metrics_params),
    h_metrics, NEEDS_STORE, NULL };
