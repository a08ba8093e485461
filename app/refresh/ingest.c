#include "ingest.h"
#include "gazetteer.h"
#include "../core/log.h"
#include "../core/strutil.h"

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

/* Countries by any ISO 3166 code or name: Debian's iso-codes and CLDR (refresh/gazetteer.h). */
static int
known_country(const void *ctx, const char *s, char out[4])
{
	return ctx != NULL && gazetteer_country(ctx, s, out);
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
	    .metric = known_metric, .metric_ctx = in,
	    .country = known_country, .country_ctx = gazetteer_system(NULL) };
}

/* Place i of chain ch as the writer takes it, under parent. */
static struct location_in
place_in(const struct resolved_chain *ch, size_t i, long long parent)
{
	return (struct location_in){ .code = ch->places[i].code, .name = ch->places[i].name,
	    .country = ch->country, .type = ch->places[i].type,
	    .admin_level = ch->places[i].level, .parent_id = parent };
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
	long long place[RESOLVE_PLACES], origin[RESOLVE_PLACES];
	long long source;
};

/*
 * Looks up chain ch's places: ids[i] the id of place i if it is there and
 * needs nothing written, else 0. *last is the id of the chain's own place if
 * it exists (0: new); *pending set if anything is to be written.
 */
static enum status
chain_check(struct ingest *in, const struct resolved_chain *ch, long long ids[],
    long long *last, int *pending, char *why)
{
	enum status rs;
	int unnamed;

	*last = 0;
	for (size_t i = 0; i < ch->n; i++) {
		struct location_in loc = place_in(ch, i, 0);

		*last = unnamed = 0;
		rs = writer_location_find(in->w, &loc, last, &unnamed, why);
		if (rs != ST_OK && rs != ST_NOT_FOUND)
			return rs;
		/* writer_location would add it, or name it (see write.h) */
		ids[i] = (rs == ST_OK && !(unnamed && strcmp(loc.name, loc.code) != 0)) ? *last : 0;
		*pending |= ids[i] == 0;
	}
	return ST_OK;
}

/* Writes chain ch's places that need it, outermost first; *id: the chain's own place. */
static enum status
chain_write(struct ingest *in, const struct resolved_chain *ch, const long long found[],
    long long *id, char *why)
{
	enum status rs;

	*id = 0;
	for (size_t i = 0; i < ch->n; i++) {
		struct location_in loc = place_in(ch, i, *id);

		if (found[i] > 0)
			*id = found[i];
		else if ((rs = writer_location(in->w, &loc, id, why)) != ST_OK)
			return rs;
	}
	return ST_OK;
}

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
	long long id = 0, origin = 0;
	enum status rs;
	int has_url, pending = 0, seen;

	if ((rs = chain_check(in, &r->where, found->place, &id, &pending, why)) != ST_OK ||
	    (rs = chain_check(in, &r->origin, found->origin, &origin, &pending, why)) != ST_OK)
		return rs;
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
	if (!pending || (r->key == NULL && (id == 0 || (r->origin.n > 0 && origin == 0))))
		return ST_OK;
	resolve_key(r, id, origin, key);
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
	long long location_id, origin_id, source_id = found->source;
	enum figure_outcome outcome;
	enum status rs;

	if ((rs = chain_write(in, &r->where, found->place, &location_id, why)) != ST_OK ||
	    (rs = chain_write(in, &r->origin, found->origin, &origin_id, why)) != ST_OK)
		return rs;
	if (source_id == 0) {
		src = (struct source_in){ .code = r->source.code, .name = r->source.name,
		    .organisation = r->source.organisation, .type = r->source.type,
		    .url = r->source.url, .licence = r->source.licence };
		if ((rs = writer_source(in->w, &src, &source_id, why)) != ST_OK)
			return rs;
	}
	if (key[0] == '\0')
		resolve_key(r, location_id, origin_id, key);

	fig = (struct figure_in){
		.feed_id = in->feed->id, .metric_id = r->metric_id, .location_id = location_id,
		.source_id = source_id, .value = r->value, .key = key, .country = r->where.country,
		.group = r->group, .qualifier = r->qualifier, .as_of = r->as_of,
		.origin_id = origin_id, .unit = r->unit, .cause = r->cause,
		.males = r->males, .females = r->females,
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

/* reason with each quoted value ('…') elided: rows refused for one cause share it. */
static void
reason_kind(const char *reason, char *out, size_t size)
{
	char all[ERR_MAX * 2];
	size_t o = 0;
	int quoted = 0;

	for (const char *p = reason; *p != '\0' && o + 6 < sizeof all; p++) {
		if (*p == '\'') {
			if (!quoted) {
				memcpy(all + o, "'\xe2\x80\xa6'", 5);   /* '…' */
				o += 5;
			}
			quoted = !quoted;
		} else if (!quoted)
			all[o++] = *p;
	}
	all[o] = '\0';
	utf8_copy(out, size, all);
}

static void
count_reason(struct ingest *in, long row, const char *reason)
{
	char kind[sizeof in->reasons[0].kind];
	struct reject_reason *r;
	size_t i;

	reason_kind(reason, kind, sizeof kind);
	for (i = 0; i < in->nreasons; i++)
		if (strcmp(in->reasons[i].kind, kind) == 0)
			break;
	if (i == in->nreasons) {
		if (in->nreasons == INGEST_REASONS) {
			in->other_reasons++;
			return;
		}
		r = &in->reasons[in->nreasons++];
		utf8_copy(r->kind, sizeof r->kind, kind);
		utf8_copy(r->example, sizeof r->example, reason);
		/* adapters cut upstream text by bytes inside their reasons: last_error is JSON */
		utf8_scrub(r->kind);
		utf8_scrub(r->example);
		r->row = row;
	}
	in->reasons[i].count++;
}

static void
ingest_reject(void *ctx, long row, const char *reason)
{
	struct ingest *in = ctx;

	in->rejected++;
	count_reason(in, row, reason);
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

/* Appends "; N × row R: reason" for each kind, commonest first, while err has room. */
static void
append_reasons(const struct ingest *in, char *err)
{
	int done[INGEST_REASONS] = { 0 };
	char one[sizeof in->reasons[0].example + 64];

	for (size_t k = 0; k < in->nreasons; k++) {
		size_t best = INGEST_REASONS, len = strlen(err);

		for (size_t i = 0; i < in->nreasons; i++)
			if (!done[i] && (best == INGEST_REASONS ||
			    in->reasons[i].count > in->reasons[best].count))
				best = i;
		done[best] = 1;
		if (len + 32 >= ERR_MAX)
			return;   /* no room for one more: the log has every row's reason */
		snprintf(one, sizeof one, "%s %lld × row %ld: %s", k == 0 ? ":" : ";",
		    in->reasons[best].count, in->reasons[best].row, in->reasons[best].example);
		utf8_copy(err + len, ERR_MAX - len, one);
	}
}

enum status
ingest_verdict(const struct ingest *in, char *err)
{
	long long valid = in->added + in->changed + in->unchanged;
	long long total = valid + in->rejected;
	int share = in->feed->max_rejected;

	if (valid == 0 && (in->rejected > 0 || in->withdrawn > 0)) {
		err_set(err, "the payload holds no usable row (%lld rejected; %lld figures would "
		    "have been withdrawn): check the upstream's format against the adapter",
		    in->rejected, in->withdrawn);
		append_reasons(in, err);
		return ST_INVALID;
	}
	if (in->rejected * 100 > (long long)share * total) {
		err_set(err, "%lld of %lld rows rejected, more than the feed's %d%% (see the "
		    "reasons; --add-feed %s --max-rejected PERCENT allows more)", in->rejected,
		    total, share, in->feed->code);
		append_reasons(in, err);
		return ST_INVALID;
	}
	return ST_OK;
}

int
ingest_changed(const struct ingest *in)
{
	return in->added > 0 || in->changed > 0 || in->withdrawn > 0;
}
