#include "json.h"
#include "attribution.h"
#include "../core/strutil.h"
#include "../core/url_public.h"

cJSON *
json_add_int(cJSON *obj, const char *name, long long v)
{
	char num[INT_TEXT_MAX];

	int_text(v, num);
	return cJSON_AddRawToObject(obj, name, num);
}

cJSON *
json_int(long long v)
{
	char num[INT_TEXT_MAX];

	int_text(v, num);
	return cJSON_CreateRaw(num);
}

cJSON *
json_add_text(cJSON *obj, const char *name, const char *s)
{
	if (s == NULL)
		return cJSON_AddNullToObject(obj, name);
	return cJSON_AddStringToObject(obj, name, s);
}

/* "period": {"start", "end"} when there is one; nothing when there is not. */
static void
json_add_period(cJSON *obj, const char *start, const char *end)
{
	cJSON *period;

	if (start == NULL && end == NULL)
		return;
	period = cJSON_AddObjectToObject(obj, "period");
	json_add_text(period, "start", start);
	json_add_text(period, "end", end);
}

static void
add_location_fields(cJSON *obj, const struct location_row *l)
{
	json_add_text(obj, "code", l->code);
	json_add_text(obj, "name", l->name);
	json_add_text(obj, "country", l->country);
	if (l->has_level)
		json_add_int(obj, "admin_level", l->admin_level);
	else
		cJSON_AddNullToObject(obj, "admin_level");
	json_add_text(obj, "type", l->type);
}

/* "by_sex": {"males", "females"} (either null), or null when neither was given. */
static void
json_add_by_sex(cJSON *obj, long long males, int has_males, long long females, int has_females)
{
	cJSON *sex;

	if (!has_males && !has_females) {
		cJSON_AddNullToObject(obj, "by_sex");
		return;
	}
	sex = cJSON_AddObjectToObject(obj, "by_sex");
	if (has_males)
		json_add_int(sex, "males", males);
	else
		cJSON_AddNullToObject(sex, "males");
	if (has_females)
		json_add_int(sex, "females", females);
	else
		cJSON_AddNullToObject(sex, "females");
}

/* What a figure counts beyond metric and group: unit, cause, origin (docs/DESIGN.md). */
static void
json_add_counts(cJSON *obj, const struct figure_row *row)
{
	json_add_text(obj, "unit", row->unit != NULL ? row->unit : "people");
	json_add_text(obj, "cause", row->cause);
	if (row->origin.code == NULL)
		cJSON_AddNullToObject(obj, "origin");
	else
		add_location_fields(cJSON_AddObjectToObject(obj, "origin"), &row->origin);
}

cJSON *
json_location_of_figure(const struct figure_row *f)
{
	cJSON *loc = cJSON_CreateObject();

	if (loc != NULL)
		add_location_fields(loc, &f->location);
	return loc;
}

cJSON *
json_source(const struct source_row *s)
{
	cJSON *obj = cJSON_CreateObject();

	if (obj == NULL)
		return NULL;
	json_add_text(obj, "id", s->code);
	json_add_text(obj, "name", s->name);
	json_add_text(obj, "organisation", s->organisation);
	json_add_text(obj, "type", s->type);
	json_add_text(obj, "url", s->url);
	json_add_text(obj, "licence", s->licence);
	return obj;
}

/* "attribution": the sentence (attribution.h) in lang; null only when out of memory. */
static void
json_add_attribution(cJSON *obj, const struct figure_row *fig, const struct summary_item *item,
    const char *lang)
{
	struct buf b;
	enum status st;

	buf_init(&b, ATTRIBUTION_MAX);
	st = item != NULL ? attribution_summary(&b, item, lang) : attribution_figure(&b, fig, lang);
	json_add_text(obj, "attribution", st == ST_OK ? b.data : NULL);
	buf_free(&b);
}

cJSON *
json_figure(const struct figure_row *row)
{
	return json_figure_lang(row, NULL);
}

cJSON *
json_figure_lang(const struct figure_row *row, const char *lang)
{
	cJSON *f = cJSON_CreateObject();

	if (f == NULL)
		return NULL;
	json_add_int(f, "id", row->id);
	json_add_text(f, "metric", row->metric);
	json_add_text(f, "category", row->category);
	json_add_int(f, "value", row->value);
	json_add_text(f, "qualifier", row->qualifier);
	json_add_text(f, "group", row->group);
	json_add_counts(f, row);
	json_add_by_sex(f, row->males, row->has_males, row->females, row->has_females);
	cJSON_AddItemToObject(f, "location", json_location_of_figure(row));
	/* as_of is null when the source gave no date; a period says so itself. */
	json_add_text(f, "as_of", row->as_of);
	json_add_period(f, row->period_start, row->period_end);
	cJSON_AddItemToObject(f, "source", json_source(&row->source));
	json_add_text(f, "via", row->via);
	json_add_text(f, "url", row->url);
	json_add_text(f, "quote", row->quote);
	json_add_text(f, "reported_on", row->reported_on);
	json_add_text(f, "retrieved_at", row->retrieved_at);
	json_add_text(f, "licence", row->licence);
	json_add_text(f, "feed", row->feed);
	cJSON_AddBoolToObject(f, "withdrawn", row->withdrawn);
	json_add_attribution(f, row, NULL, lang);
	return f;
}

cJSON *
json_revision(const struct revision_row *row)
{
	cJSON *r = cJSON_CreateObject();

	if (r == NULL)
		return NULL;
	json_add_int(r, "value", row->value);
	json_add_text(r, "qualifier", row->qualifier);
	json_add_by_sex(r, row->males, row->has_males, row->females, row->has_females);
	json_add_text(r, "as_of", row->as_of);
	json_add_period(r, row->period_start, row->period_end);
	json_add_text(r, "reported_on", row->reported_on);
	json_add_text(r, "url", row->url);
	json_add_text(r, "quote", row->quote);
	json_add_text(r, "retrieved_at", row->retrieved_at);
	json_add_text(r, "superseded_at", row->superseded_at);
	return r;
}

cJSON *
json_location(const struct location_row *row)
{
	cJSON *l = cJSON_CreateObject();

	if (l == NULL)
		return NULL;
	add_location_fields(l, row);
	json_add_text(l, "parent", row->parent);
	return l;
}

cJSON *
json_feed(const struct feed_status_row *row)
{
	cJSON *f = cJSON_CreateObject(), *rows;
	char url[4096];

	if (f == NULL)
		return NULL;
	json_add_text(f, "id", row->code);
	json_add_text(f, "name", row->name);
	/* never a server path or a credential: see url_public.h */
	json_add_text(f, "url", row->url != NULL && url_public(row->url, url, sizeof url) ?
	    url : NULL);
	json_add_text(f, "adapter", row->adapter);
	json_add_int(f, "interval", row->interval);
	cJSON_AddBoolToObject(f, "enabled", row->enabled);
	json_add_text(f, "last_attempt", row->last_attempt);
	json_add_text(f, "last_success", row->last_success);
	json_add_text(f, "last_error", row->last_error);
	json_add_int(f, "consecutive_failures", row->consecutive_failures);
	cJSON_AddBoolToObject(f, "stale", row->stale);
	rows = cJSON_AddObjectToObject(f, "last_rows");
	json_add_int(rows, "added", row->added);
	json_add_int(rows, "changed", row->changed);
	json_add_int(rows, "unchanged", row->unchanged);
	json_add_int(rows, "rejected", row->rejected);
	json_add_text(f, "removed_at", row->removed_at);
	return f;
}

cJSON *
json_metric(const struct metric_row *row)
{
	cJSON *m = cJSON_CreateObject();

	if (m == NULL)
		return NULL;
	json_add_text(m, "id", row->code);
	json_add_text(m, "category", row->category);
	json_add_text(m, "hxl", row->hxl);
	json_add_text(m, "label", row->label);
	json_add_text(m, "description", row->description);
	json_add_text(m, "kind", row->kind);
	return m;
}

cJSON *
json_summary_item(const struct summary_item *item)
{
	return json_summary_item_lang(item, NULL);
}

cJSON *
json_summary_item_lang(const struct summary_item *item, const char *lang)
{
	const struct figure_row *first = &item->claims[0];
	cJSON *obj, *claims, *range;

	if (item->n == 0 || (obj = cJSON_CreateObject()) == NULL)
		return NULL;
	json_add_text(obj, "metric", first->metric);
	json_add_text(obj, "category", first->category);
	cJSON_AddItemToObject(obj, "location", json_location_of_figure(first));
	json_add_text(obj, "group", first->group);
	json_add_counts(obj, first);
	claims = cJSON_AddArrayToObject(obj, "claims");
	for (size_t i = 0; i < item->n; i++)
		cJSON_AddItemToArray(claims, json_figure_lang(&item->claims[i], lang));
	range = cJSON_AddObjectToObject(obj, "range");
	json_add_int(range, "min", item->min);
	json_add_int(range, "max", item->max);
	json_add_int(obj, "sources", (long long)item->n);
	cJSON_AddBoolToObject(obj, "agree", item->agree);
	json_add_text(obj, "latest_as_of", item->latest_as_of[0] ? item->latest_as_of : NULL);
	json_add_attribution(obj, NULL, item, lang);
	return obj;
}
