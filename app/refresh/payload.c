#include "payload.h"
#include "../core/strutil.h"

#include <stdlib.h>
#include <string.h>

struct payload {
	struct writer *w;
	struct ingest  ingest;
	struct sink    sink;
	int            open;    /* the transaction is open */
};

struct payload *
payload_begin(struct writer *w, const struct feed_row *feed, const char *now, char *err)
{
	struct payload *p;

	if ((p = calloc(1, sizeof *p)) == NULL) {
		err_set(err, "out of memory");
		return NULL;
	}
	p->w = w;
	ingest_init(&p->ingest, w, feed, now);
	p->sink = ingest_sink(&p->ingest);
	if (writer_begin(w, err) != ST_OK) {
		free(p);
		return NULL;
	}
	p->open = 1;
	return p;
}

const struct sink *
payload_sink(struct payload *p)
{
	return &p->sink;
}

enum status
payload_status(struct payload *p, enum status st, char *err)
{
	if (p->ingest.fatal != ST_OK) {
		err_set(err, "%s", p->ingest.fatal_err);
		return p->ingest.fatal;
	}
	return st;
}

enum status
payload_commit(struct payload *p, int dry_run, const char *etag, const char *last_modified,
    const char *hash, char *err)
{
	struct feed_success r;
	enum status st;
	char now[21];

	if ((st = ingest_finish(&p->ingest, err)) != ST_OK)
		return st;
	if ((st = ingest_verdict(&p->ingest, err)) != ST_OK)
		return st;   /* rolled back by payload_free: nothing withdrawn */
	if (dry_run) {
		writer_rollback(p->w);
		p->open = 0;
		return ST_OK;
	}
	r = (struct feed_success){ .added = p->ingest.added, .changed = p->ingest.changed,
	    .unchanged = p->ingest.unchanged, .rejected = p->ingest.rejected,
	    .etag = etag, .last_modified = last_modified,
	    /* rejected rows may pass with the next build: only a clean payload is skipped */
	    .payload_hash = p->ingest.rejected == 0 ? hash : NULL };
	time_now_iso(now);
	if ((st = writer_feed_success(p->w, p->ingest.feed->id, now, &r, err)) != ST_OK)
		return st;
	if ((st = writer_commit(p->w, ingest_changed(&p->ingest), err)) != ST_OK)
		return st;
	p->open = 0;
	return ST_OK;
}

const struct ingest *
payload_counts(const struct payload *p)
{
	return &p->ingest;
}

void
payload_free(struct payload *p)
{
	if (p == NULL)
		return;
	if (p->open)
		writer_rollback(p->w);
	free(p);
}
