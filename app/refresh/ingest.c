#include "ingest.h"
#include "../core/log.h"

#include <stdio.h>
#include <string.h>

/* The metric vocabulary resolve_claim checks against: the list the writer read. */
static int
known_metric(const void *ctx, const char *code, long long *id)
{
	const struct ingest *in = ctx;

	for (size_t i = 0; i < in->nmetrics; i++)
		if (strcmp(in->metrics[i].code, code) == 0) {
			*id = in->metrics[i].id;
			return 1;
		}
	return 0;
}

void
ingest_init(struct ingest *in, struct writer *w, const struct feed_row *feed, const char *now)
{
	memset(in, 0, sizeof *in);
	in->w = w;
	in->feed = feed;
	snprintf(in->retrieved_at, sizeof in->retrieved_at, "%s", now);
	in->metrics = writer_metrics(w, &in->nmetrics);
	in->env = (struct resolve_env){ .feed_code = feed->code,
	    .default_source_id = feed->default_source_id, .retrieved_at = in->retrieved_at,
	    .metric = known_metric, .metric_ctx = in };
}

/* Place i of r's chain as the writer takes it, under parent. */
static struct location_in
place_in(const struct resolved *r, size_t i, long long parent)
{
	return (struct location_in){ .code = r->places[i].code, .name = r->places[i].name,
	    .country = r->country, .type = r->places[i].type,
	    .admin_level = r->places[i].level, .parent_id = parent };
}

static int
given(const char *s)
{
	return s != NULL && *s != '\0';
}

/*
 * What ingest_check found in the database, for ingest_write: the ids of the
 * places and the source that are there and need nothing written (0: write).
 */
struct found {
	long long place[RESOLVE_PLACES];
	long long source;
};

/*
 * What only the database can refuse, checked before anything is written: a
 * place code that belongs to another country, a figure the payload already
 * held. Fills found, and key when it is known already (a claim's own key, or
 * a derived one whose place exists); "" when it is not.
 */
static enum status
ingest_check(struct ingest *in, const struct resolved *r, struct found *found,
    char key[RESOLVE_KEY_MAX], char *why)
{
	long long id = 0;
	enum status rs;
	int unnamed, has_url, pending = 0, seen;

	for (size_t i = 0; i < r->nplaces; i++) {
		struct location_in loc = place_in(r, i, 0);

		id = unnamed = 0;
		rs = writer_location_find(in->w, &loc, &id, &unnamed, why);
		if (rs != ST_OK && rs != ST_NOT_FOUND)
			return rs;
		/* writer_location would add it, or name it (see write.h) */
		found->place[i] = (rs == ST_OK && !(unnamed && strcmp(loc.name, loc.code) != 0)) ?
		    id : 0;
		pending |= found->place[i] == 0;
	}
	found->source = r->source.default_id;
	if (found->source == 0) {
		rs = writer_source_find(in->w, r->source.code, &found->source, &has_url, why);
		if (rs != ST_OK && rs != ST_NOT_FOUND)
			return rs;
		/* writer_source would add it, or give it its homepage */
		if (rs != ST_OK || (!has_url && given(r->source.url)))
			found->source = 0;
		pending |= found->source == 0;
	}

	/*
	 * A figure the payload held already is refused by writer_figure, which
	 * then writes nothing; but places and a source come first, so when any
	 * would be written, look now. A derived key names its place's id: a new
	 * place cannot have been seen.
	 */
	key[0] = '\0';
	if (!pending || (r->key == NULL && id == 0))
		return ST_OK;
	resolve_key(r, id, key);
	if ((rs = writer_figure_seen(in->w, in->feed->id, key, &seen, why)) != ST_OK)
		return rs;
	if (seen) {
		err_set(why, "the payload holds this figure twice (same key %s)", key);
		return ST_INVALID;
	}
	return ST_OK;
}

/*
 * Writes a resolved claim once ingest_check passed: the places, outermost
 * first, the source, then the figure; counts what became of it.
 */
static enum status
ingest_write(struct ingest *in, const struct resolved *r, const struct found *found,
    char key[RESOLVE_KEY_MAX], char *why)
{
	struct figure_in fig;
	struct source_in src;
	long long location_id = 0, source_id = found->source;
	enum figure_outcome outcome;
	enum status rs;

	for (size_t i = 0; i < r->nplaces; i++) {
		struct location_in loc = place_in(r, i, location_id);

		if (found->place[i] > 0)
			location_id = found->place[i];
		else if ((rs = writer_location(in->w, &loc, &location_id, why)) != ST_OK)
			return rs;
	}
	if (source_id == 0) {
		src = (struct source_in){ .code = r->source.code, .name = r->source.name,
		    .organisation = r->source.organisation, .type = r->source.type,
		    .url = r->source.url, .licence = r->source.licence };
		if ((rs = writer_source(in->w, &src, &source_id, why)) != ST_OK)
			return rs;
	}
	if (key[0] == '\0')
		resolve_key(r, location_id, key);

	fig = (struct figure_in){
		.feed_id = in->feed->id, .metric_id = r->metric_id, .location_id = location_id,
		.source_id = source_id, .value = r->value, .key = key, .country = r->country,
		.group = r->group, .qualifier = r->qualifier, .as_of = r->as_of,
		.period_start = r->period_start, .period_end = r->period_end,
		.sort_date = r->sort_date, .reported_on = r->reported_on,
		.retrieved_at = in->retrieved_at, .via = r->via, .url = r->url, .quote = r->quote,
		.licence = r->licence,
	};
	if ((rs = writer_figure(in->w, &fig, &outcome, why)) != ST_OK)
		return rs;
	switch (outcome) {
	case FIG_ADDED:     in->added++; break;
	case FIG_CHANGED:   in->changed++; break;
	case FIG_UNCHANGED: in->unchanged++; break;
	case FIG_DUPLICATE:   /* nothing was written before it (ingest_check) */
		err_set(why, "the payload holds this figure twice (same key %s)", key);
		return ST_INVALID;
	}
	return ST_OK;
}

enum status
ingest_claim(struct ingest *in, const struct claim *c, char *why)
{
	struct resolved r;
	struct found found;
	char key[RESOLVE_KEY_MAX];
	enum status rs;

	if ((rs = resolve_claim(&in->env, c, &r, why)) != ST_OK)
		return rs;
	if ((rs = ingest_check(in, &r, &found, key, why)) == ST_OK)
		rs = ingest_write(in, &r, &found, key, why);
	if (rs != ST_OK && rs != ST_INVALID) {
		/* a database error stops the feed */
		in->fatal = rs;
		snprintf(in->fatal_err, sizeof in->fatal_err, "%s", why);
	}
	return rs;
}

static void
ingest_reject(void *ctx, long row, const char *reason)
{
	struct ingest *in = ctx;

	in->rejected++;
	if (in->rejected <= INGEST_LOGGED_REJECTS)
		log_warn("feed %s: row %ld rejected: %s", in->feed->code, row, reason);
	else if (in->rejected == INGEST_LOGGED_REJECTS + 1)
		log_warn("feed %s: more rows rejected; only the first %d are logged",
		    in->feed->code, INGEST_LOGGED_REJECTS);
}

static enum status
ingest_sink_claim(void *ctx, const struct claim *c)
{
	struct ingest *in = ctx;
	char why[ERR_MAX];
	enum status rs;

	rs = ingest_claim(in, c, why);
	if (rs == ST_INVALID) {
		ingest_reject(in, c->row, why);
		return ST_OK;
	}
	return rs;   /* a database error aborts the payload */
}

struct sink
ingest_sink(struct ingest *in)
{
	return (struct sink){ .claim = ingest_sink_claim, .reject = ingest_reject, .ctx = in };
}

enum status
ingest_finish(struct ingest *in, char *err)
{
	return writer_withdraw_unseen(in->w, in->feed->id, in->retrieved_at, &in->withdrawn, err);
}

int
ingest_changed(const struct ingest *in)
{
	return in->added > 0 || in->changed > 0 || in->withdrawn > 0;
}
