/*
 * figures-refresh: creates and upgrades the database, and loads feeds into it.
 * The only program that writes the database. See --help.
 *
 * Exit status (for cron): 0 all feeds fine, 1 some feed failed (its last
 * good data kept), 2 usage or database error.
 */
#include "adapter.h"
#include "payload.h"
#include "../core/log.h"
#include "../core/strutil.h"
#include "../store/db.h"
#include "../store/write.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#ifndef FIGURES_VERSION
#define FIGURES_VERSION "0.0.0"
#endif

#define EXIT_FEED_FAILED 1
#define EXIT_USAGE       2

struct options {
	const char *db;
	const char *import;
	const char *feed;
	const char *adapter;
	const char *name;
	int         migrate;
	int         if_empty;
	int         dry_run;
	int         quiet;
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: figures-refresh --db FILE --migrate\n"
	    "       figures-refresh --db FILE --import FILE.csv --feed ID [--adapter NAME]\n"
	    "                       [--name TEXT] [--dry-run]\n"
	    "\n"
	    "Creates, upgrades and fills the figures database; the only program that writes it.\n"
	    "\n"
	    "  --db FILE          the SQLite database (created by --migrate)\n"
	    "  --migrate          create the schema or apply newer migrations; harmless twice\n"
	    "  --import FILE      load FILE (an HXL-tagged CSV by default) as the feed ID,\n"
	    "                     registering the feed if needed; each row's #meta+source\n"
	    "                     names who said it\n"
	    "  --feed ID          the feed's id: 1-64 letters, digits, '.', '_' or '-'\n"
	    "  --adapter NAME     how to read FILE (default: the feed's, else hxl):");
	for (size_t i = 0; adapters[i] != NULL; i++)
		fprintf(out, " %s", adapters[i]->name);
	fprintf(out, "\n"
	    "  --name TEXT        a human name for a new feed\n"
	    "  --if-empty         import only if the database holds no feed yet (first run)\n"
	    "  --dry-run          read and validate, write nothing\n"
	    "  --quiet            print errors only\n"
	    "  --help, --version\n"
	    "\n"
	    "Exit status: 0 all feeds fine, 1 a feed failed (its last good data kept),\n"
	    "2 usage or database error.\n");
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "migrate", no_argument, NULL, 'm' },
		{ "import", required_argument, NULL, 'i' },
		{ "feed", required_argument, NULL, 'f' },
		{ "adapter", required_argument, NULL, 'a' },
		{ "name", required_argument, NULL, 'n' },
		{ "dry-run", no_argument, NULL, 'N' },
		{ "if-empty", no_argument, NULL, 'E' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof *o);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'm': o->migrate = 1; break;
		case 'i': o->import = optarg; break;
		case 'f': o->feed = optarg; break;
		case 'a': o->adapter = optarg; break;
		case 'n': o->name = optarg; break;
		case 'N': o->dry_run = 1; break;
		case 'E': o->if_empty = 1; break;
		case 'q': o->quiet = 1; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("figures-refresh %s\n", FIGURES_VERSION); exit(0);
		default:
			fprintf(stderr, "figures-refresh: unknown or incomplete option '%s'; "
			    "see --help\n", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "figures-refresh: unexpected argument '%s'; see --help\n",
		    argv[optind]);
		return -1;
	}
	if (o->db == NULL) {
		fprintf(stderr, "figures-refresh: --db FILE is required; see --help\n");
		return -1;
	}
	if (!o->migrate && o->import == NULL) {
		fprintf(stderr, "figures-refresh: nothing to do: give --migrate or --import; "
		    "see --help\n");
		return -1;
	}
	if (o->import != NULL && o->feed == NULL) {
		fprintf(stderr, "figures-refresh: --import needs --feed ID\n");
		return -1;
	}
	if (o->feed != NULL && !code_valid(o->feed)) {
		fprintf(stderr, "figures-refresh: --feed '%s' is not 1-64 letters, digits, "
		    "'.', '_' or '-'\n", o->feed);
		return -1;
	}
	if (o->adapter != NULL && adapter_find(o->adapter) == NULL) {
		fprintf(stderr, "figures-refresh: unknown --adapter '%s'; see --help for the "
		    "list\n", o->adapter);
		return -1;
	}
	return 0;
}

/*
 * Takes the database's refresh lock (DB.lock, flock), so two refreshers never
 * write one database at once. The kernel drops it when the process dies.
 */
static int
take_lock(const char *db)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof path, "%s.lock", db);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		log_error("cannot open lock file %s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		log_error("another figures-refresh is working on %s (lock %s is held); "
		    "this run does nothing", db, path);
		close(fd);
		return -1;
	}
	return fd;
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Streams a local file through the feed's adapter into one transaction. */
static enum status
import_file(struct writer *w, const struct feed_row *feed, const struct adapter *a,
    const char *path, const struct options *o)
{
	struct payload *p = NULL;
	const struct ingest *n;
	struct timespec t0;
	char err[ERR_MAX] = "", next[16], now[21], buf[65536];
	size_t bytes = 0, got;
	enum status st = ST_IO;
	FILE *f;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	time_now_iso(now);
	if ((f = fopen(path, "rb")) == NULL) {
		err_set(err, "cannot read %s: %s", path, strerror(errno));
		goto fail;
	}
	if ((p = payload_begin(w, feed, a, now, err)) == NULL) {
		st = ST_DB;
		goto fail;
	}
	if ((st = payload_page_begin(p, feed->url, err)) != ST_OK)
		goto fail;
	while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
		bytes += got;
		if ((st = payload_write(p, buf, got, err)) != ST_OK)
			goto fail;
	}
	if (ferror(f)) {
		err_set(err, "reading %s: %s", path, strerror(errno));
		st = ST_IO;
		goto fail;
	}
	if ((st = payload_page_end(p, next, sizeof next, err)) != ST_OK ||
	    (st = payload_commit(p, o->dry_run, NULL, NULL, err)) != ST_OK)
		goto fail;
	n = payload_counts(p);
	if (!o->quiet)
		log_info("feed %s: %s: %lld added, %lld changed, %lld unchanged, %lld rejected, "
		    "%lld withdrawn, %zu bytes, %.2f s", feed->code,
		    o->dry_run ? "dry run, nothing written" : "ok", n->added, n->changed,
		    n->unchanged, n->rejected, n->withdrawn, bytes, seconds_since(&t0));
	payload_free(p);
	fclose(f);
	return ST_OK;
fail:
	payload_free(p);
	if (f != NULL)
		fclose(f);
	log_error("feed %s: failed, its last good data kept: %s", feed->code, err);
	if (!o->dry_run && st != ST_DB) {
		char ferr[ERR_MAX];

		time_now_iso(now);
		if (writer_feed_failure(w, feed->id, now, err, ferr) != ST_OK)
			log_error("feed %s: %s", feed->code, ferr);
	}
	return st;
}

static int
run_import(sqlite3 *db, const struct options *o)
{
	struct writer *w = NULL;
	struct feed_row feed;
	const struct adapter *a;
	char err[ERR_MAX], real[PATH_MAX], url[PATH_MAX + 8];
	enum status st;
	int rc = EXIT_USAGE;

	if ((w = writer_new(db, err)) == NULL) {
		log_error("%s", err);
		goto done;
	}
	if (o->if_empty) {
		long long feeds = writer_feed_count(w);

		if (feeds < 0) {
			log_error("counting feeds: %s", sqlite3_errmsg(db));
			goto done;
		}
		if (feeds > 0) {
			if (!o->quiet)
				log_info("the database already has %lld feed(s); --if-empty: "
				    "not importing %s", feeds, o->import);
			rc = 0;
			goto done;
		}
	}
	st = writer_feed_get(w, o->feed, &feed, err);
	if (st == ST_NOT_FOUND) {
		struct feed_in in = { .code = o->feed, .name = o->name, .url = url,
		    .adapter = o->adapter != NULL ? o->adapter : "hxl", .enabled = -1 };

		if (realpath(o->import, real) == NULL) {
			log_error("cannot find %s: %s", o->import, strerror(errno));
			goto done;
		}
		snprintf(url, sizeof url, "file://%s", real);
		if ((st = writer_feed_put(w, &in, &feed, err)) != ST_OK) {
			log_error("registering feed %s: %s", o->feed, err);
			goto done;
		}
		if (!o->quiet)
			log_info("feed %s: registered (%s, %s)", feed.code, feed.adapter, feed.url);
	} else if (st != ST_OK) {
		log_error("%s", err);
		goto done;
	}
	if ((a = adapter_find(o->adapter != NULL ? o->adapter : feed.adapter)) == NULL) {
		log_error("feed %s names adapter '%s', which this build does not have",
		    feed.code, feed.adapter);
		goto done;
	}
	st = import_file(w, &feed, a, o->import, o);
	rc = st == ST_OK ? 0 : st == ST_DB || st == ST_BUSY ? EXIT_USAGE : EXIT_FEED_FAILED;
done:
	writer_free(w);
	return rc;
}

int
main(int argc, char **argv)
{
	struct options o;
	sqlite3 *db = NULL;
	char err[ERR_MAX];
	int lock = -1, rc = EXIT_USAGE, from, to;

	if (parse_options(argc, argv, &o) != 0)
		return EXIT_USAGE;
	log_init("figures-refresh", o.quiet ? LOG_ERROR : LOG_INFO);
	if ((lock = take_lock(o.db)) < 0)
		return EXIT_USAGE;
	if (db_open_rw(o.db, &db, err) != ST_OK) {
		log_error("%s", err);
		goto done;
	}
	if (o.migrate) {
		if (db_migrate(db, &from, &to, err) != ST_OK) {
			log_error("migrating %s: %s", o.db, err);
			goto done;
		}
		if (!o.quiet)
			log_info("database %s: schema version %d%s", o.db, to,
			    from == to ? " (already current)" : from == 0 ? " (created)" :
			    " (upgraded)");
	} else if (db_schema_version(db) != db_latest_version()) {
		log_error("database %s has schema version %d, this build needs %d: run "
		    "figures-refresh --db %s --migrate", o.db, db_schema_version(db),
		    db_latest_version(), o.db);
		goto done;
	}
	rc = 0;
	if (o.import != NULL)
		rc = run_import(db, &o);
done:
	if (db != NULL)
		sqlite3_close_v2(db);
	if (lock >= 0)
		close(lock);
	return rc;
}
