/*
 * figures-refresh: creates and upgrades the database, registers feeds, and
 * refreshes them. The only program that writes the database. See --help.
 *
 * A refresh: take the lock, pick the feeds that are due, fetch them all in
 * parallel (fetch.c: each page through its adapter into a spool), and write
 * each feed in its own transaction (payload.c, ingest.c) as soon as its own
 * fetch ends, while the others are still fetched: one slow feed holds no
 * other's data back. One writer connection, one write at a time; one log line
 * per feed. A feed's fetch has a deadline (--feed-deadline), so a run ends.
 *
 * Exit status (for cron): 0 all feeds fine, 1 some feed failed (its last good
 * data kept), 2 usage or database error.
 */
#include "adapter.h"
#include "fetch.h"
#include "follow.h"
#include "gazetteer.h"
#include "payload.h"
#include "url.h"
#include "../core/log.h"
#include "../core/strutil.h"
#include "../store/db.h"
#include "../store/snapshot.h"
#include "../store/write.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#define EXIT_FEED_FAILED 1
#define EXIT_USAGE       2

enum mode { MODE_REFRESH, MODE_MIGRATE_ONLY, MODE_ADD_FEED, MODE_ENABLE, MODE_DISABLE,
	MODE_LIST, MODE_IMPORT, MODE_RECOUNT, MODE_REMOVE, MODE_REPLACE, MODE_FOLLOW };

struct options {
	const char       *db;
	enum mode         mode;
	int               modes;        /* how many mode options were given */
	int               migrate;
	const char       *feed;         /* --add-feed, --enable, --disable, --remove-feed, --feed */
	const char       *import;
	const char       *replace;      /* --replace FILE */
	const char       *publish;      /* --publish DIR */
	long long         keep;         /* --keep N: versions left in DIR */
	const char       *follow;       /* --follow URL */
	long long         follow_max_age;
	int               max_bytes_set;
	const char       *only;
	const char       *adapter, *url, *name, *organisation, *type;
	long long         interval;
	int               disabled;
	int               max_rejected, max_rejected_set;   /* --max-rejected PERCENT */
	const char       *country;      /* --country ISO3 (upper-cased in country_buf), "" */
	char              country_buf[4];
	int               force, dry_run, quiet, if_empty;
	struct fetch_opts fetch;
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: figures-refresh --db FILE [--only ID] [--force] [--dry-run] [--quiet]\n"
	    "       figures-refresh --db FILE --migrate\n"
	    "       figures-refresh --db FILE --add-feed ID --adapter NAME --url URL [--name TEXT]\n"
	    "                       [--organisation TEXT] [--type TYPE] [--interval SECONDS] [--disabled]\n"
	    "                       [--max-rejected PERCENT] [--country ISO3]\n"
	    "       figures-refresh --db FILE --enable ID | --disable ID | --remove-feed ID\n"
	    "       figures-refresh --db FILE --list-feeds | --recount | --replace NEW\n"
	    "       figures-refresh --db FILE [command] --publish DIR [--keep N]\n"
	    "       figures-refresh --db LINK --follow URL [--follow-max-age SECONDS]\n"
	    "       figures-refresh --db FILE --import FILE --feed ID [--adapter NAME]\n"
	    "                       [--organisation TEXT] [--type TYPE] [--max-rejected PERCENT]\n"
	    "                       [--country ISO3] [--if-empty]\n"
	    "\n"
	    "Creates, upgrades and fills the figures database; the only program that writes it.\n"
	    "Without a command, refreshes every enabled feed that is due, all in parallel.\n"
	    "\n"
	    "  --db FILE            the SQLite database\n"
	    "  --migrate            create the schema or apply newer migrations (harmless twice);\n"
	    "                       combines with any command, and runs first; alone, with the\n"
	    "                       schema current, it needs no lock (a running refresh is fine)\n"
	    "  --only ID            refresh this feed only, due or not (even if disabled)\n"
	    "  --force              refresh every enabled feed, due or not\n"
	    "  --dry-run            fetch and validate, write nothing\n"
	    "  --add-feed ID        register a feed, or update the fields given for an existing one:\n"
	    "    --adapter NAME     how to read it:");
	for (size_t i = 0; adapters[i] != NULL; i++)
		fprintf(out, " %s", adapters[i]->name);
	fprintf(out, "\n"
	    "    --url URL          http:, https: or file:; ${NAME} is taken from the environment\n"
	    "                       at fetch time (keep secrets out of the database)\n"
	    "    --name TEXT        a human name\n"
	    "    --organisation TEXT  who said the figures of rows that name no source\n"
	    "    --type TYPE        that source's type: un ngo government monitor media armed_group other\n"
	    "    --interval SECONDS how often it is due (60 to 31536000; default 86400)\n"
	    "    --disabled         register a new feed disabled (--enable ID later); an\n"
	    "                       existing feed keeps its state\n"
	    "    --max-rejected PERCENT  the share of a payload's rows the feed may reject\n"
	    "                       (0 to 100; default 50): past it, or with no usable row,\n"
	    "                       the payload fails and the last good data is kept\n"
	    "    --country ISO3     the feed's country (ISO 3166-1 alpha-3), for an upstream\n"
	    "                       whose rows do not name theirs (reliefweb); \"\" clears it\n"
	    "  --enable ID, --disable ID   switch a feed on or off\n"
	    "  --remove-feed ID     remove a feed registered by mistake: its figures are withdrawn\n"
	    "                       (kept, with their revisions), the feed is switched off for\n"
	    "                       good and listed as removed; its id is not reused\n"
	    "  --replace NEW        put the database NEW (a file on the same file system, of this\n"
	    "                       schema, that nothing writes) in FILE's place, atomically; the\n"
	    "                       workers serve it from their next request\n"
	    "  --publish DIR        after the run (a refresh, or any command), publish the data\n"
	    "                       for read nodes if DIR's manifest.json is of another version:\n"
	    "                       DIR/figures-VERSION.db (a consistent copy, VACUUM INTO) then\n"
	    "                       DIR/manifest.json (version, data_as_of, size, sha256); and\n"
	    "                       DIR/feeds.json, the feeds' fetch state, whenever it changed\n"
	    "                       (a failed refresh too); serve DIR over HTTP (scripts/serve:\n"
	    "                       FIGURES_PUBLISH_DIR)\n"
	    "    --keep N           versions left in DIR (default 3; 1 to 100)\n"
	    "  --follow URL         make this a read node: fetch the manifest at URL (conditional\n"
	    "                       GET) and, if it names a newer version, download it into\n"
	    "                       LINK.versions/, check size, sha256, PRAGMA quick_check and\n"
	    "                       schema, then point the link LINK at it (the workers'\n"
	    "                       --db); then fetch feeds.json beside the manifest into\n"
	    "                       LINK.feeds.json (the feeds' state, newer than the\n"
	    "                       snapshot's); state in LINK.follow.json, shown by\n"
	    "                       /v1/health; exit 1 if it failed (the version served is kept)\n"
	    "    --follow-max-age SECONDS  /v1/health is degraded when the last good follow is\n"
	    "                       older (default 900)\n"
	    "  --list-feeds         print every feed and its fetch state\n"
	    "  --recount            recount the totals the API reports (after writing the\n"
	    "                       database by other means; refreshes move them by the\n"
	    "                       rows they change)\n"
	    "  --import FILE        load a local file as the feed --feed ID through the same\n"
	    "                       adapter and validation as a fetch (registers the feed if new)\n"
	    "    --if-empty         only if the database has no feed yet (first run); with feeds\n"
	    "                       there, it does nothing and needs no lock\n"
	    "  --quiet              print errors only\n"
	    "  --timeout SECONDS    per request, start to end (default 300)\n"
	    "  --connect-timeout SECONDS (default 30)\n"
	    "  --retries N          further attempts after a timeout, 408, 429 or 5xx (default 3)\n"
	    "  --retry-delay SECONDS  before the first retry, doubling (default 1)\n"
	    "  --max-bytes N        the most one response may carry (default 67108864)\n"
	    "  --feed-deadline SECONDS  the longest a feed's fetch may take, every page and\n"
	    "                       retry included (default 600; 1 to 86400): a feed still\n"
	    "                       fetching then fails, its last good data kept, and so does\n"
	    "                       one whose server asks to wait (Retry-After) beyond it\n"
	    "  --help, --version\n"
	    "\n"
	    "Exit status: 0 all feeds fine, 1 some feed failed (its last good data kept),\n"
	    "2 usage or database error, or another refresh holds the lock.\n");
}

static int
number_arg(const char *opt, const char *arg, long long min, long long max, long long *out)
{
	if (parse_int64(arg, min, max, out))
		return 0;
	fprintf(stderr, "figures-refresh: %s '%s' must be a whole number from %lld to %lld\n",
	    opt, arg, min, max);
	return -1;
}

static void
set_mode(struct options *o, enum mode m)
{
	o->mode = m;
	o->modes++;
}

/*
 * Checks --country: "" (no country), or an ISO 3166-1 alpha-3 code the
 * gazetteer knows as one (any case; kept upper-cased). Without iso-codes only
 * the code's form can be checked, and a warning says so.
 */
static int
country_arg(struct options *o)
{
	const struct gazetteer *g;
	const char *why = NULL;
	char got[4];

	if (o->mode != MODE_ADD_FEED && o->mode != MODE_IMPORT) {
		fprintf(stderr, "figures-refresh: --country sets a feed's country: give it with "
		    "--add-feed ID or --import FILE --feed ID\n");
		return -1;
	}
	if (*o->country == '\0')
		return 0;
	if (strlen(o->country) != 3 || !country_code(o->country, 3, o->country_buf)) {
		fprintf(stderr, "figures-refresh: --country '%s' is not an ISO 3166-1 alpha-3 "
		    "code (three letters, such as SYR)\n", o->country);
		return -1;
	}
	o->country = o->country_buf;
	if ((g = gazetteer_system(&why)) == NULL) {
		fprintf(stderr, "figures-refresh: warning: cannot check that --country %s names a "
		    "country: %s\n", o->country, why != NULL ? why : "no gazetteer");
		return 0;
	}
	if (!gazetteer_country(g, o->country, got) || strcmp(got, o->country) != 0) {
		fprintf(stderr, "figures-refresh: --country '%s' is no ISO 3166-1 alpha-3 code "
		    "(see /usr/share/iso-codes/json/iso_3166-1.json)\n", o->country);
		return -1;
	}
	return 0;
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "migrate", no_argument, NULL, 'm' },
		{ "only", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'F' },
		{ "dry-run", no_argument, NULL, 'N' },
		{ "add-feed", required_argument, NULL, 'A' },
		{ "adapter", required_argument, NULL, 'a' },
		{ "url", required_argument, NULL, 'u' },
		{ "name", required_argument, NULL, 'n' },
		{ "organisation", required_argument, NULL, 'O' },
		{ "organization", required_argument, NULL, 'O' },
		{ "type", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, 'I' },
		{ "disabled", no_argument, NULL, 'D' },
		{ "max-rejected", required_argument, NULL, 'j' },
		{ "country", required_argument, NULL, 'Y' },
		{ "enable", required_argument, NULL, 'e' },
		{ "disable", required_argument, NULL, 'x' },
		{ "remove-feed", required_argument, NULL, 'r' },
		{ "replace", required_argument, NULL, 'P' },
		{ "list-feeds", no_argument, NULL, 'L' },
		{ "recount", no_argument, NULL, 'K' },
		{ "import", required_argument, NULL, 'i' },
		{ "feed", required_argument, NULL, 'f' },
		{ "if-empty", no_argument, NULL, 'E' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "connect-timeout", required_argument, NULL, 'C' },
		{ "retries", required_argument, NULL, 'R' },
		{ "retry-delay", required_argument, NULL, 'W' },
		{ "max-bytes", required_argument, NULL, 'B' },
		{ "feed-deadline", required_argument, NULL, 'X' },
		{ "publish", required_argument, NULL, 'p' },
		{ "keep", required_argument, NULL, 'k' },
		{ "follow", required_argument, NULL, 'w' },
		{ "follow-max-age", required_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	long long v;
	char *end;
	int c;

	memset(o, 0, sizeof *o);
	fetch_defaults(&o->fetch);
	o->keep = SNAPSHOT_KEEP;
	o->follow_max_age = FOLLOW_MAX_AGE_DEFAULT;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'm': o->migrate = 1; break;
		case 'o': o->only = optarg; break;
		case 'F': o->force = 1; break;
		case 'N': o->dry_run = 1; break;
		case 'A': set_mode(o, MODE_ADD_FEED); o->feed = optarg; break;
		case 'a': o->adapter = optarg; break;
		case 'u': o->url = optarg; break;
		case 'n': o->name = optarg; break;
		case 'O': o->organisation = optarg; break;
		case 't': o->type = optarg; break;
		case 'I':
			if (number_arg("--interval", optarg, 60, 31536000, &o->interval) != 0)
				return -1;
			break;
		case 'D': o->disabled = 1; break;
		case 'j':
			if (number_arg("--max-rejected", optarg, 0, 100, &v) != 0)
				return -1;
			o->max_rejected = (int)v;
			o->max_rejected_set = 1;
			break;
		case 'Y': o->country = optarg; break;
		case 'e': set_mode(o, MODE_ENABLE); o->feed = optarg; break;
		case 'x': set_mode(o, MODE_DISABLE); o->feed = optarg; break;
		case 'r': set_mode(o, MODE_REMOVE); o->feed = optarg; break;
		case 'P': set_mode(o, MODE_REPLACE); o->replace = optarg; break;
		case 'w': set_mode(o, MODE_FOLLOW); o->follow = optarg; break;
		case 'p': o->publish = optarg; break;
		case 'k':
			if (number_arg("--keep", optarg, 1, 100, &o->keep) != 0)
				return -1;
			break;
		case 'G':
			if (number_arg("--follow-max-age", optarg, 1, 31536000, &o->follow_max_age) != 0)
				return -1;
			break;
		case 'L': set_mode(o, MODE_LIST); break;
		case 'K': set_mode(o, MODE_RECOUNT); break;
		case 'i': set_mode(o, MODE_IMPORT); o->import = optarg; break;
		case 'f': o->feed = optarg; break;
		case 'E': o->if_empty = 1; break;
		case 'q': o->quiet = 1; break;
		case 'T':
			if (number_arg("--timeout", optarg, 1, 86400, &v) != 0)
				return -1;
			o->fetch.timeout = (long)v;
			/* a stalled transfer should not outlive the whole request's budget */
			if (o->fetch.low_speed_time > o->fetch.timeout)
				o->fetch.low_speed_time = o->fetch.timeout;
			break;
		case 'C':
			if (number_arg("--connect-timeout", optarg, 1, 3600, &v) != 0)
				return -1;
			o->fetch.connect_timeout = (long)v;
			break;
		case 'R':
			if (number_arg("--retries", optarg, 0, 10, &v) != 0)
				return -1;
			o->fetch.retries = (int)v;
			break;
		case 'W':
			errno = 0;
			o->fetch.retry_delay = strtod(optarg, &end);
			if (errno || *optarg == '\0' || *end != '\0' || o->fetch.retry_delay < 0 ||
			    o->fetch.retry_delay > 600) {
				fprintf(stderr, "figures-refresh: --retry-delay '%s' must be seconds "
				    "from 0 to 600\n", optarg);
				return -1;
			}
			break;
		case 'B':
			if (number_arg("--max-bytes", optarg, 1024, 1LL << 40, &o->fetch.max_bytes) != 0)
				return -1;
			o->max_bytes_set = 1;
			break;
		case 'X':
			if (number_arg("--feed-deadline", optarg, 1, 86400, &v) != 0)
				return -1;
			o->fetch.deadline = (double)v;
			break;
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
	if (o->modes > 1) {
		fprintf(stderr, "figures-refresh: give one of --add-feed, --enable, --disable, "
		    "--remove-feed, --list-feeds, --import, --recount, --replace, --follow at a time\n");
		return -1;
	}
	if (o->mode == MODE_FOLLOW) {
		if (o->migrate || o->publish != NULL || o->only != NULL || o->force || o->dry_run) {
			fprintf(stderr, "figures-refresh: --follow makes a read node, which takes its "
			    "data from the writer: it goes with no --migrate, --publish, --only, "
			    "--force or --dry-run\n");
			return -1;
		}
		if (strncmp(o->follow, "http://", 7) != 0 && strncmp(o->follow, "https://", 8) != 0 &&
		    strncmp(o->follow, "file://", 7) != 0) {
			fprintf(stderr, "figures-refresh: --follow '%s' must be the manifest's "
			    "http://, https:// or file:// URL\n", o->follow);
			return -1;
		}
		if (strlen(o->follow) >= 2048) {
			fprintf(stderr, "figures-refresh: --follow URL is longer than 2047 bytes\n");
			return -1;
		}
		/* a snapshot is the whole database: bounded by its manifest, and by this */
		if (!o->max_bytes_set)
			o->fetch.max_bytes = 1LL << 40;
	}
	if (o->publish != NULL && (o->mode == MODE_REPLACE || o->dry_run)) {
		fprintf(stderr, "figures-refresh: --publish goes with a refresh or a command that "
		    "writes the database, not with --replace or --dry-run (publish after it, "
		    "alone)\n");
		return -1;
	}
	if (o->modes == 0 && o->migrate && o->only == NULL && !o->force)
		o->mode = MODE_MIGRATE_ONLY;
	if (o->mode == MODE_REPLACE && o->migrate) {
		fprintf(stderr, "figures-refresh: --replace takes a database of this schema: run "
		    "--migrate on it (--db NEW --migrate) first, not with --replace\n");
		return -1;
	}
	if (o->feed != NULL && !code_valid(o->feed)) {
		fprintf(stderr, "figures-refresh: feed id '%s' is not 1-64 letters, digits, "
		    "'.', '_' or '-'\n", o->feed);
		return -1;
	}
	if (o->only != NULL && (o->mode != MODE_REFRESH || !code_valid(o->only))) {
		fprintf(stderr, "figures-refresh: --only ID refreshes one feed and goes with no "
		    "other command\n");
		return -1;
	}
	if (o->adapter != NULL && adapter_find(o->adapter) == NULL) {
		fprintf(stderr, "figures-refresh: unknown --adapter '%s'; see --help for the "
		    "list\n", o->adapter);
		return -1;
	}
	if (o->mode == MODE_IMPORT && o->feed == NULL) {
		fprintf(stderr, "figures-refresh: --import needs --feed ID\n");
		return -1;
	}
	if (o->type != NULL && !source_type_valid(o->type)) {
		fprintf(stderr, "figures-refresh: --type '%s' is not one of un, ngo, "
		    "government, monitor, media, armed_group, other\n", o->type);
		return -1;
	}
	if (o->type != NULL && o->organisation == NULL) {
		fprintf(stderr, "figures-refresh: --type describes the default source: "
		    "give --organisation too\n");
		return -1;
	}
	if (o->country != NULL && country_arg(o) != 0)
		return -1;
	if (o->mode == MODE_ADD_FEED) {
		if (o->url != NULL && strncmp(o->url, "http://", 7) != 0 &&
		    strncmp(o->url, "https://", 8) != 0 && strncmp(o->url, "file://", 7) != 0) {
			fprintf(stderr, "figures-refresh: --url '%s' must start with http://, "
			    "https:// or file://\n", o->url);
			return -1;
		}
		if (o->url != NULL && strlen(o->url) >= 2048) {
			fprintf(stderr, "figures-refresh: --url is longer than 2047 bytes\n");
			return -1;
		}
	}
	return 0;
}

/*
 * Takes the database's refresh lock (DB.lock, flock), so two refreshers never
 * write one database at once. The kernel drops it when the process dies.
 * -2 when another process holds it (the caller says so), -1 on another error.
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
		close(fd);
		return -2;
	}
	return fd;
}

/*
 * With the lock held by a refresh: 1 if this run has nothing to do anyway, so
 * it needs no lock: --migrate alone on a database of this schema, or
 * --if-empty --import on one that has feeds (what scripts/serve runs on every
 * start, which must not wait for, or fail on, a cron refresh). Read-only.
 */
static int
nothing_to_do(const struct options *o)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char err[ERR_MAX];
	int idle = 0;

	if (o->mode != MODE_MIGRATE_ONLY && !(o->mode == MODE_IMPORT && o->if_empty))
		return 0;
	if (db_open_ro(o->db, &db, err) != ST_OK)
		return 0;   /* missing, unreadable, or another schema: there is work */
	if (o->mode == MODE_MIGRATE_ONLY)
		idle = 1;
	else if (sqlite3_prepare_v2(db, "SELECT count(*) FROM feed", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		idle = sqlite3_column_int64(st, 0) > 0;
	sqlite3_finalize(st);
	sqlite3_close_v2(db);
	if (idle && !o->quiet)
		log_info("database %s: %s; another figures-refresh holds the lock, and this run "
		    "has nothing to do", o->db, o->mode == MODE_MIGRATE_ONLY ?
		    "schema current" : "it has feeds (--if-empty)");
	return idle;
}

/*
 * 1 if the feed should be fetched now: never tried, or its interval has
 * passed since the last attempt. A failing feed is retried sooner: 5 minutes
 * after the first failure, doubling, never later than its interval.
 */
static int
feed_due(const struct feed_row *f, time_t now)
{
	time_t last = iso_time(f->last_attempt);
	long long wait = f->interval;

	if (last == (time_t)-1)
		return 1;
	if (f->consecutive_failures > 0) {
		long long backoff = 300LL << (f->consecutive_failures > 10 ? 10 :
		    f->consecutive_failures - 1);

		if (backoff < wait)
			wait = backoff;
	}
	return (long long)(now - last) >= wait;
}

static int progress_shown;

/* The progress line on a terminal: how far the fetching has come. */
static void
show_progress(void *ctx, const struct fetch_job *jobs, size_t n)
{
	long long bytes = 0;
	size_t done = 0;
	int pages = 0;

	(void)ctx;
	for (size_t i = 0; i < n; i++) {
		bytes += jobs[i].bytes;
		pages += jobs[i].pages;
		done += jobs[i].outcome != FETCH_PENDING;
	}
	fprintf(stderr, "\r\033[Kfetching: %zu of %zu feeds done, %d pages, %.1f MB",
	    done, n, pages, (double)bytes / 1e6);
	progress_shown = 1;
}

static void
clear_progress(void)
{
	if (progress_shown)
		fprintf(stderr, "\r\033[K");
	progress_shown = 0;
}

static const char *
http_text(long status, const char *url, char *buf, size_t size)
{
	if (status == 0)
		return strncmp(url, "file:", 5) == 0 ? "file" : "no HTTP response";
	snprintf(buf, size, "HTTP %ld", status);
	return buf;
}

/* Writes one fetched feed; returns 0, EXIT_FEED_FAILED or EXIT_USAGE (database). */
static int
write_feed(struct writer *w, struct feed_row *feed, struct fetch_job *job,
    const struct options *o)
{
	struct payload *p = NULL;
	const struct ingest *n;
	struct timespec t0, t1;
	char err[ERR_MAX] = "", now[21], buf[32];
	const char *http;
	enum status st;
	double secs;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	time_now_iso(now);
	http = http_text(job->http_status, job->url, buf, sizeof buf);
	if (job->outcome == FETCH_UNCHANGED) {
		if (!o->dry_run &&
		    writer_feed_not_modified(w, feed->id, now, job->new_etag,
		    job->new_last_modified, err) != ST_OK) {
			log_error("feed %s: %s", feed->code, err);
			return EXIT_USAGE;
		}
		if (!o->quiet)
			log_info("feed %s: not modified (%s): nothing to write; %.2f s",
			    feed->code, http, job->seconds);
		return 0;
	}
	if (job->outcome != FETCH_OK) {
		snprintf(err, sizeof err, "%s", job->err);
		st = ST_IO;
		goto fail;
	}
	/*
	 * The same bytes as the last payload written: the same claims. Nothing to
	 * validate or write; the feed is fresh.
	 */
	if (!o->dry_run && job->payload_hash[0] != '\0' &&
	    strcmp(job->payload_hash, feed->payload_hash) == 0 && feed->consecutive_failures == 0) {
		if (writer_feed_not_modified(w, feed->id, now, job->new_etag, job->new_last_modified,
		    err) != ST_OK) {
			log_error("feed %s: %s", feed->code, err);
			return EXIT_USAGE;
		}
		if (!o->quiet)
			log_info("feed %s: ok: the payload is the same as the last one written: nothing "
			    "to write; %d page%s, %lld bytes, %s, %.2f s", feed->code, job->pages,
			    job->pages == 1 ? "" : "s", job->bytes, http, job->seconds);
		return 0;
	}
	if ((p = payload_begin(w, feed, now, err)) == NULL) {
		st = ST_DB;
		goto fail;
	}
	st = spool_replay(job->spool, payload_sink(p), err);
	if ((st = payload_status(p, st, err)) != ST_OK)
		goto fail;
	if ((st = payload_commit(p, o->dry_run, job->new_etag, job->new_last_modified,
	    job->payload_hash, err)) != ST_OK)
		goto fail;
	n = payload_counts(p);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = job->seconds + (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (!o->quiet)
		log_info("feed %s: %s: %lld added, %lld changed, %lld unchanged, %lld rejected, "
		    "%lld withdrawn; %d page%s, %lld bytes, %s, %.2f s", feed->code,
		    o->dry_run ? "dry run, nothing written" : "ok", n->added, n->changed,
		    n->unchanged, n->rejected, n->withdrawn, job->pages, job->pages == 1 ? "" : "s",
		    job->bytes, http, secs);
	payload_free(p);
	return 0;
fail:
	payload_free(p);
	log_error("feed %s: failed, its last good data kept: %s (%s, %d attempt%s, %lld bytes, "
	    "%.2f s)", feed->code, err, http, job->attempts, job->attempts == 1 ? "" : "s",
	    job->bytes, job->seconds);
	if (st == ST_DB || st == ST_BUSY)
		return EXIT_USAGE;
	if (!o->dry_run) {
		char ferr[ERR_MAX];

		if (writer_feed_failure(w, feed->id, now, err, ferr) != ST_OK) {
			log_error("feed %s: %s", feed->code, ferr);
			return EXIT_USAGE;
		}
	}
	return EXIT_FEED_FAILED;
}

/* One refresh's writing side: where fetched feeds go, and the worst exit status. */
struct refresh_run {
	struct writer         *w;
	const struct options  *o;
	int                    rc;
};

/*
 * A feed's fetch ended (fetch_run's done, or a failure before fetching):
 * write it now, in its own transaction, and free what it held.
 */
static void
feed_fetched(void *ctx, struct fetch_job *job)
{
	struct refresh_run *run = ctx;
	int r;

	clear_progress();
	r = write_feed(run->w, job->user, job, run->o);
	if (r > run->rc)
		run->rc = r;
	fetch_job_free(job);
}

/* Fetches feeds[0..n) in parallel, writing each as it ends. url_override: for --import. */
static int
refresh(struct writer *w, struct feed_row *feeds, size_t n, const char *url_override,
    const struct options *o)
{
	struct refresh_run run = { .w = w, .o = o, .rc = 0 };
	struct fetch_job *jobs;
	struct fetch_opts fo = o->fetch;
	char err[ERR_MAX];

	if (n == 0) {
		if (!o->quiet)
			log_info("no feed is due; --force refreshes them all");
		return 0;
	}
	if ((jobs = calloc(n, sizeof *jobs)) == NULL) {
		log_error("out of memory");
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++) {
		struct fetch_job *j = &jobs[i];

		j->code = feeds[i].code;
		j->user = &feeds[i];
		j->etag = feeds[i].etag;
		j->last_modified = feeds[i].last_modified;
		j->country = feeds[i].country[0] ? feeds[i].country : NULL;
		if ((j->adapter = adapter_find(o->adapter != NULL && url_override != NULL ?
		    o->adapter : feeds[i].adapter)) == NULL) {
			j->outcome = FETCH_FAILED;
			snprintf(j->err, sizeof j->err, "the feed names adapter '%s', which this "
			    "build does not have", feeds[i].adapter);
		} else if (url_override != NULL)
			snprintf(j->url, sizeof j->url, "%s", url_override);
		else if (url_expand(feeds[i].url, j->url, sizeof j->url, j->err) != ST_OK)
			j->outcome = FETCH_FAILED;
		/* a feed that failed before fetching is written (its failure) at once */
		if (j->outcome != FETCH_PENDING)
			feed_fetched(&run, j);
	}
	if (isatty(STDERR_FILENO) && !o->quiet)
		fo.progress = show_progress;
	fo.done = feed_fetched;
	fo.done_ctx = &run;
	if (fetch_run(jobs, n, &fo, err) != ST_OK) {
		clear_progress();
		log_error("%s", err);
		run.rc = EXIT_USAGE;
	}
	clear_progress();
	/* feeds fetch_run could not start (libcurl unusable): nothing to record */
	for (size_t i = 0; i < n; i++)
		fetch_job_free(&jobs[i]);
	free(jobs);
	return run.rc;
}

static int
run_refresh(struct writer *w, const struct options *o)
{
	struct feed_row *all = NULL, *due;
	size_t n = 0, m = 0;
	char err[ERR_MAX];
	time_t now = time(NULL);
	int rc;

	if (writer_read_feeds(w, &all, &n, err) != ST_OK) {
		log_error("%s", err);
		return EXIT_USAGE;
	}
	due = all;
	for (size_t i = 0; i < n; i++) {
		if (o->only != NULL) {
			if (strcmp(all[i].code, o->only) != 0)
				continue;
			if (all[i].removed_at[0] != '\0') {
				log_error("feed %s was removed at %s: it is not fetched again",
				    all[i].code, all[i].removed_at);
				free(all);
				return EXIT_USAGE;
			}
			if (!all[i].enabled && !o->quiet)
				log_info("feed %s is disabled; fetching it because --only names it",
				    all[i].code);
		} else if (!all[i].enabled || (!o->force && !feed_due(&all[i], now)))
			continue;
		due[m++] = all[i];
	}
	if (o->only != NULL && m == 0) {
		log_error("no feed %s: see --list-feeds", o->only);
		free(all);
		return EXIT_USAGE;
	}
	rc = refresh(w, due, m, NULL, o);
	free(all);
	return rc;
}

/* The source --organisation and --type describe, found or created; 0 if none given. */
static int
default_source(struct writer *w, const struct options *o, long long *id)
{
	struct source_in src = { .name = o->organisation, .organisation = o->organisation,
	    .type = o->type != NULL ? o->type : "other" };
	char err[ERR_MAX], slug[256];

	*id = 0;
	if (o->organisation == NULL)
		return 0;
	if (slugify(o->organisation, slug, sizeof slug) == 0) {
		log_error("--organisation '%s' gives no usable code", o->organisation);
		return -1;
	}
	slug_shorten(slug, 64);
	src.code = slug;
	if (writer_source(w, &src, id, err) != ST_OK) {
		log_error("%s", err);
		return -1;
	}
	return 0;
}

static int
run_add_feed(struct writer *w, const struct options *o)
{
	struct feed_in in = { .code = o->feed, .name = o->name, .url = o->url,
	    .adapter = o->adapter, .interval = o->interval, .enabled = o->disabled ? 0 : -1,
	    .max_rejected = o->max_rejected_set ? &o->max_rejected : NULL,
	    .country = o->country };
	struct feed_row feed;
	char err[ERR_MAX];
	enum status st;

	st = writer_read_feed(w, o->feed, &feed, NULL);
	if (st == ST_NOT_FOUND && (o->adapter == NULL || o->url == NULL)) {
		log_error("a new feed needs --adapter NAME and --url URL");
		return EXIT_USAGE;
	}
	if (default_source(w, o, &in.default_source_id) != 0)
		return EXIT_USAGE;
	/* --disabled registers a new feed switched off; an existing one keeps its state */
	if (st == ST_OK)
		in.enabled = -1;
	if (writer_feed_put(w, &in, &feed, err) != ST_OK) {
		log_error("%s", err);
		return EXIT_USAGE;
	}
	if (!o->quiet)
		log_info("feed %s: %s (%s, %s, every %lld s, %s, rejects at most %d%%%s%s)",
		    feed.code, st == ST_NOT_FOUND ? "registered" : "updated", feed.adapter,
		    feed.url, feed.interval, feed.enabled ? "enabled" : "disabled",
		    feed.max_rejected, feed.country[0] ? ", country " : "", feed.country);
	return 0;
}

static int
run_enable(struct writer *w, const struct options *o, int enabled)
{
	char err[ERR_MAX];

	if (writer_feed_enable(w, o->feed, enabled, err) != ST_OK) {
		log_error("%s", err);
		return EXIT_USAGE;
	}
	if (!o->quiet)
		log_info("feed %s: %s", o->feed, enabled ? "enabled" : "disabled");
	return 0;
}

static int
run_remove(struct writer *w, const struct options *o)
{
	char err[ERR_MAX], now[21];
	long long withdrawn = 0;
	enum status rs;

	time_now_iso(now);
	if ((rs = writer_begin(w, err)) == ST_OK &&
	    (rs = writer_feed_remove(w, o->feed, now, &withdrawn, err)) != ST_OK)
		writer_rollback(w);
	/* a change: the totals follow the withdrawn figures, the data version is bumped */
	if (rs == ST_OK)
		rs = writer_commit(w, 1, err);
	if (rs != ST_OK) {
		log_error("removing feed %s: %s", o->feed, err);
		return EXIT_USAGE;
	}
	if (!o->quiet)
		log_info("feed %s: removed; %lld figure(s) withdrawn (kept with their revisions: "
		    "include=withdrawn shows them)", o->feed, withdrawn);
	return 0;
}

static int
run_replace(const struct options *o)
{
	char err[ERR_MAX];

	if (db_replace(o->db, o->replace, err) != ST_OK) {
		log_error("%s", err);
		return EXIT_USAGE;
	}
	if (!o->quiet)
		log_info("database %s replaced by %s; the workers serve it from their next request",
		    o->db, o->replace);
	return 0;
}

static int
run_list(struct writer *w)
{
	struct feed_row *all = NULL;
	size_t n = 0;
	char err[ERR_MAX];
	time_t now = time(NULL);

	if (writer_read_feeds(w, &all, &n, err) != ST_OK) {
		log_error("%s", err);
		return EXIT_USAGE;
	}
	printf("%-28s %-10s %-8s %9s  %-20s %-8s %s\n", "ID", "ADAPTER", "ENABLED", "INTERVAL",
	    "LAST SUCCESS", "FAILURES", "STATE");
	for (size_t i = 0; i < n; i++) {
		const struct feed_row *f = &all[i];

		printf("%-28s %-10s %-8s %9lld  %-20s %-8lld %s\n", f->code, f->adapter,
		    f->enabled ? "yes" : "no", f->interval, f->last_success[0] ? f->last_success :
		    "never", f->consecutive_failures, f->removed_at[0] ? "removed" :
		    !f->enabled ? "off" :
		    f->consecutive_failures > 0 ? "failing" : feed_due(f, now) ? "due" : "fresh");
		printf("    %s\n", f->url);
		printf("    rejects at most %d%% of a payload's rows\n", f->max_rejected);
		if (f->country[0])
			printf("    country: %s\n", f->country);
		if (f->removed_at[0])
			printf("    removed at %s (its figures withdrawn)\n", f->removed_at);
		if (f->default_source[0])
			printf("    default source: %s\n", f->default_source);
		if (f->last_success[0])
			printf("    last rows: %lld added, %lld changed, %lld unchanged, %lld rejected\n",
			    f->rows_added, f->rows_changed, f->rows_unchanged, f->rows_rejected);
		if (f->last_error[0])
			printf("    last error: %s\n", f->last_error);
	}
	free(all);
	return 0;
}

static int
run_import(struct writer *w, const struct options *o)
{
	struct feed_row feed;
	char err[ERR_MAX], real[PATH_MAX], url[PATH_MAX + 8];
	enum status st;

	if (o->if_empty) {
		long long feeds = writer_feed_count(w);

		if (feeds < 0) {
			log_error("counting feeds failed");
			return EXIT_USAGE;
		}
		if (feeds > 0) {
			if (!o->quiet)
				log_info("the database already has %lld feed(s); --if-empty: "
				    "not importing %s", feeds, o->import);
			return 0;
		}
	}
	if (realpath(o->import, real) == NULL) {
		log_error("cannot find %s: %s", o->import, strerror(errno));
		return EXIT_USAGE;
	}
	snprintf(url, sizeof url, "file://%s", real);
	st = writer_read_feed(w, o->feed, &feed, err);
	if (st == ST_OK && feed.removed_at[0] != '\0') {
		log_error("feed %s was removed at %s: import under another feed id", o->feed,
		    feed.removed_at);
		return EXIT_USAGE;
	}
	if (st == ST_OK && (o->max_rejected_set || o->country != NULL)) {
		struct feed_in in = { .code = o->feed, .enabled = -1,
		    .max_rejected = o->max_rejected_set ? &o->max_rejected : NULL,
		    .country = o->country };

		if (writer_feed_put(w, &in, &feed, err) != ST_OK) {
			log_error("updating feed %s: %s", o->feed, err);
			return EXIT_USAGE;
		}
	} else if (st == ST_NOT_FOUND) {
		struct feed_in in = { .code = o->feed, .name = o->name, .url = url,
		    .adapter = o->adapter != NULL ? o->adapter : "hxl", .enabled = -1,
		    .max_rejected = o->max_rejected_set ? &o->max_rejected : NULL,
		    .country = o->country };

		if (default_source(w, o, &in.default_source_id) != 0)
			return EXIT_USAGE;
		if (writer_feed_put(w, &in, &feed, err) != ST_OK) {
			log_error("registering feed %s: %s", o->feed, err);
			return EXIT_USAGE;
		}
		if (!o->quiet)
			log_info("feed %s: registered (%s, %s)", feed.code, feed.adapter, feed.url);
	} else if (st != ST_OK) {
		log_error("%s", err);
		return EXIT_USAGE;
	}
	/* A local file has no validators worth trusting: always read it. */
	feed.etag[0] = feed.last_modified[0] = '\0';
	return refresh(w, &feed, 1, url, o);
}

/* --publish DIR: after the run, a snapshot for read nodes if the data is new there. */
static int
publish(sqlite3 *db, const struct options *o)
{
	struct manifest m;
	char err[ERR_MAX];
	long long feeds_version;
	int published = 0, written = 0;

	if (snapshot_publish(db, o->publish, (int)o->keep, &m, &published, err) != ST_OK) {
		log_error("publishing %s into %s: %s", o->db, o->publish, err);
		return -1;
	}
	if (!o->quiet && published)
		log_info("published version %lld (data as of %s, %lld bytes) as %s/%s", m.version,
		    m.data_as_of, m.size, o->publish, m.file);
	else if (!o->quiet)
		log_info("%s/manifest.json is already at version %lld: nothing to publish",
		    o->publish, m.version);
	/* after the manifest: a failed refresh changes the feeds' state alone */
	if (snapshot_publish_feeds(db, o->publish, &written, &feeds_version, err) != ST_OK) {
		log_error("publishing the feeds' state of %s into %s/feeds.json: %s", o->db,
		    o->publish, err);
		return -1;
	}
	if (!o->quiet && written)
		log_info("published the feeds' state %lld as %s/feeds.json", feeds_version,
		    o->publish);
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct writer *w = NULL;
	sqlite3 *db = NULL;
	char err[ERR_MAX];
	int lock = -1, rc = EXIT_USAGE, from = 0, to = 0;

	if (parse_options(argc, argv, &o) != 0)
		return EXIT_USAGE;
	log_init("figures-refresh", o.quiet ? LOG_ERROR : LOG_INFO);
	/*
	 * A full disk or a file-size limit must be an error we report (SQLite
	 * says SQLITE_FULL and rolls back), not a signal that kills us mid-write.
	 */
	signal(SIGXFSZ, SIG_IGN);
	if ((lock = take_lock(o.db)) < 0) {
		if (lock == -2 && nothing_to_do(&o))
			return 0;
		if (lock == -2)
			log_error("another figures-refresh is working on %s (lock %s.lock is held); "
			    "this run does nothing", o.db, o.db);
		return EXIT_USAGE;
	}
	if (o.mode == MODE_REPLACE) {
		rc = run_replace(&o);
		goto done;
	}
	if (o.mode == MODE_FOLLOW) {
		struct follow_opts fo = { .url = o.follow, .db = o.db, .max_age = o.follow_max_age,
		    .quiet = o.quiet, .fetch = o.fetch };

		rc = follow_run(&fo);
		goto done;
	}
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
	if ((w = writer_new(db, err)) == NULL) {
		log_error("%s", err);
		goto done;
	}
	/* an upgraded database may have gained derived tables (totals): fill them */
	if (o.migrate && from > 0 && from != to &&
	    (writer_begin(w, err) != ST_OK || writer_recount(w, err) != ST_OK ||
	    writer_commit(w, 1, err) != ST_OK)) {
		log_error("recounting after the upgrade: %s", err);
		goto done;
	}
	if (o.mode == MODE_MIGRATE_ONLY && o.publish == NULL) {
		rc = 0;
		goto done;
	}
	switch (o.mode) {
	case MODE_REFRESH:      rc = run_refresh(w, &o); break;
	case MODE_ADD_FEED:     rc = run_add_feed(w, &o); break;
	case MODE_ENABLE:       rc = run_enable(w, &o, 1); break;
	case MODE_DISABLE:      rc = run_enable(w, &o, 0); break;
	case MODE_REMOVE:       rc = run_remove(w, &o); break;
	case MODE_REPLACE:      /* done above */
	case MODE_FOLLOW:       rc = EXIT_USAGE; break;
	case MODE_LIST:         rc = run_list(w); break;
	case MODE_IMPORT:       rc = run_import(w, &o); break;
	case MODE_RECOUNT:
		rc = writer_begin(w, err) == ST_OK && writer_recount(w, err) == ST_OK &&
		    writer_commit(w, 1, err) == ST_OK ? 0 : EXIT_USAGE;
		if (rc != 0)
			log_error("recounting: %s", err);
		break;
	case MODE_MIGRATE_ONLY: rc = 0; break;
	}
	/*
	 * After a refresh: keep the planner's statistics current (cheap unless the
	 * data changed a lot). After any run: fold the WAL back and empty it, so
	 * long readers cannot starve checkpoints, and so a database renamed over
	 * this one (--replace, or by hand while no refresh runs) never inherits
	 * frames of this one through the -wal file that stays at the path.
	 */
	if (o.mode == MODE_REFRESH || o.mode == MODE_IMPORT || o.migrate)
		sqlite3_exec(db, "PRAGMA analysis_limit=1000; PRAGMA optimize", NULL, NULL, NULL);
	sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	if (o.publish != NULL && rc != EXIT_USAGE && publish(db, &o) != 0)
		rc = EXIT_USAGE;
done:
	writer_free(w);
	if (db != NULL)
		sqlite3_close_v2(db);
	if (lock >= 0)
		close(lock);
	return rc;
}
