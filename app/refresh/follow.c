#include "follow.h"
#include "../core/feeds_state.h"
#include "../core/follow_state.h"
#include "../core/log.h"
#include "../core/manifest.h"
#include "../core/strutil.h"
#include "../store/db.h"
#include "../store/snapshot.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct run {
	const struct follow_opts *o;
	struct follow_state       st;
	char                      state_path[PATH_MAX];
	char                      versions[PATH_MAX];   /* PATH.versions */
	char                      current[PATH_MAX];    /* the link's target's file name, or "" */
};

static void
fail(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail(struct run *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->st.last_error, sizeof r->st.last_error, fmt, ap);
	va_end(ap);
}

/*
 * What PATH is now: 0 and r->current the file name it links to under
 * PATH.versions ("" when there is no link yet, or its file is gone); -1 if
 * PATH is something else (the run stops).
 */
static int
read_link(struct run *r)
{
	char target[PATH_MAX], *name;
	struct stat sb;
	ssize_t n;

	r->current[0] = '\0';
	if (lstat(r->o->db, &sb) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISLNK(sb.st_mode)) {
		fail(r, "%s is not a link a follower made (a %s): a read node's database is a "
		    "link to the version it serves; move it away or give --db another path",
		    r->o->db, S_ISREG(sb.st_mode) ? "regular file" : "file of another kind");
		return -1;
	}
	if ((n = readlink(r->o->db, target, sizeof target - 1)) < 0)
		return -1;
	target[n] = '\0';
	name = strrchr(target, '/');
	name = name != NULL ? name + 1 : target;
	if (stat(r->o->db, &sb) == 0 && manifest_file_name_valid(name))
		snprintf(r->current, sizeof r->current, "%s", name);
	return 0;
}

/* The snapshot's URL: the manifest's file name resolved against the manifest's URL. */
static int
snapshot_url(const char *base, const char *file, char *out, size_t size, char *err)
{
	CURLU *u = curl_url();
	char *full = NULL;
	int ok = 0;

	if (u != NULL && curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, file, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &full, 0) == CURLUE_OK && strlen(full) < size) {
		snprintf(out, size, "%s", full);
		ok = 1;
	} else
		err_set(err, "cannot resolve the snapshot's address %s against %s", file, base);
	curl_free(full);
	curl_url_cleanup(u);
	return ok;
}

/*
 * Checks the downloaded database at path: whole (quick_check), of this build's
 * schema, in rollback-journal mode (a worker opens it read-only with nothing
 * beside it), of the manifest's version. Reads its data_as_of.
 */
static int
check_db(struct run *r, const char *path, const struct manifest *m, char as_of[21])
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	const char *text;
	int ok = 0, v;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fail(r, "the snapshot %s cannot be opened: %s", m->file,
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
		goto done;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW || (text = (const char *)sqlite3_column_text(st, 0)) ==
	    NULL || strcmp(text, "ok") != 0) {
		fail(r, "the snapshot %s is not a whole database (PRAGMA quick_check: %.200s)",
		    m->file, st != NULL &&
		    sqlite3_column_text(st, 0) != NULL ? (const char *)sqlite3_column_text(st, 0) :
		    sqlite3_errmsg(db));
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((v = db_schema_version(db)) != db_latest_version()) {
		fail(r, "the snapshot %s has schema version %d, this build serves %d: %s", m->file,
		    v, db_latest_version(), v > db_latest_version() ? "upgrade figures on this node" :
		    "upgrade figures on the writer");
		goto done;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0) {
		fail(r, "the snapshot %s is in WAL mode: workers could not open it read-only "
		    "alone; publish it with figures-refresh --publish", m->file);
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT data_version, data_changed_at FROM state WHERE id = 1",
	    -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_int64(st, 0) != m->version) {
		fail(r, "the snapshot %s is not of data version %lld as its manifest says (%s)",
		    m->file, m->version, sqlite3_errmsg(db));
		goto done;
	}
	snprintf(as_of, 21, "%s", (const char *)sqlite3_column_text(st, 1));
	ok = 1;
done:
	sqlite3_finalize(st);
	sqlite3_close_v2(db);
	return ok;
}

/* Points PATH at PATH.versions/name: a new link, renamed over the old one. */
static int
switch_link(struct run *r, const char *name)
{
	char copy[PATH_MAX], target[PATH_MAX], tmp[PATH_MAX];

	snprintf(copy, sizeof copy, "%s", r->o->db);
	/* relative, so the directory may move or be mounted elsewhere */
	if (snprintf(target, sizeof target, "%s.versions/%s", basename(copy), name) >=
	    (int)sizeof target) {
		fail(r, "the path %s is too long", r->o->db);
		return 0;
	}
	snprintf(tmp, sizeof tmp, "%s.link.tmp", r->o->db);
	unlink(tmp);
	if (symlink(target, tmp) != 0 || rename(tmp, r->o->db) != 0) {
		fail(r, "cannot point %s at %s: %s", r->o->db, target, strerror(errno));
		unlink(tmp);
		return 0;
	}
	db_sync_dir(r->o->db);
	return 1;
}

/*
 * Removes every version but the current one that no worker holds: an
 * exclusive flock, had at once, says none does (workers hold a shared one on
 * the file they have open). Leftover downloads go too.
 */
static void
prune(struct run *r)
{
	DIR *d = opendir(r->versions);
	struct dirent *e;
	char path[PATH_MAX * 2];
	int fd, kept = 0;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || strcmp(e->d_name, "..") == 0))
			continue;
		if (strcmp(e->d_name, r->current) == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", r->versions, e->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			unlink(path);
		else
			kept++;
		close(fd);
	}
	closedir(d);
	if (kept > 0 && !r->o->quiet)
		log_info("%s: %d older version%s kept: a worker still reads %s", r->versions, kept,
		    kept == 1 ? "" : "s", kept == 1 ? "it" : "them");
}

/* Downloads, checks and installs the manifest's snapshot. */
static int
install(struct run *r, const struct manifest *m)
{
	struct fetch_file f;
	char url[FOLLOW_URL_MAX], part[PATH_MAX * 2], final[PATH_MAX * 2], err[ERR_MAX];
	char as_of[21] = "", name[64];
	enum fetch_outcome out;
	int fd, ok = 0;

	if (m->schema_version != db_latest_version()) {
		fail(r, "the writer publishes schema version %d, this build serves %d: %s",
		    m->schema_version, db_latest_version(), m->schema_version > db_latest_version() ?
		    "upgrade figures on this node" : "upgrade figures on the writer");
		return 0;
	}
	if (m->size > r->o->fetch.max_bytes) {
		fail(r, "the snapshot is %lld bytes, more than --max-bytes %lld allows", m->size,
		    r->o->fetch.max_bytes);
		return 0;
	}
	if (!snapshot_url(r->o->url, m->file, url, sizeof url, err)) {
		fail(r, "%s", err);
		return 0;
	}
	if (mkdir(r->versions, 0755) != 0 && errno != EEXIST) {
		fail(r, "cannot create %s: %s", r->versions, strerror(errno));
		return 0;
	}
	snprintf(name, sizeof name, "figures-%lld.db", m->version);
	if (strcmp(name, r->current) == 0) {   /* (the state said another version) */
		fail(r, "%s already serves %s: remove %s to start over", r->o->db, name,
		    r->state_path);
		return 0;
	}
	snprintf(part, sizeof part, "%s/.figures-%lld.db.part", r->versions, m->version);
	snprintf(final, sizeof final, "%s/figures-%lld.db", r->versions, m->version);
	if ((fd = open(part, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		fail(r, "cannot create %s: %s", part, strerror(errno));
		return 0;
	}
	memset(&f, 0, sizeof f);
	f.url = url;
	f.fd = fd;
	f.max_bytes = m->size;   /* a byte more than the manifest says is wrong already */
	out = fetch_file(&f, &r->o->fetch);
	if (out != FETCH_OK)
		fail(r, "downloading the snapshot: %s", f.err);
	else if (f.bytes != m->size)
		fail(r, "the snapshot %s is %lld bytes, its manifest says %lld: the download is "
		    "cut or the file changed", url, f.bytes, m->size);
	else if (strcmp(f.sha256, m->sha256) != 0)
		fail(r, "the snapshot %s does not match its manifest's checksum (sha256 %s, "
		    "expected %s): rejected", url, f.sha256, m->sha256);
	else if (fsync(fd) != 0)
		fail(r, "cannot fsync %s: %s", part, strerror(errno));
	else
		ok = 1;
	close(fd);
	if (ok)
		ok = check_db(r, part, m, as_of);
	if (ok && rename(part, final) != 0) {
		fail(r, "cannot rename %s to %s: %s", part, final, strerror(errno));
		ok = 0;
	}
	if (!ok) {
		unlink(part);
		return 0;
	}
	db_sync_dir(final);
	snprintf(name, sizeof name, "figures-%lld.db", m->version);
	if (!switch_link(r, name))
		return 0;
	snprintf(r->current, sizeof r->current, "%s", name);
	r->st.version = m->version;
	snprintf(r->st.data_as_of, sizeof r->st.data_as_of, "%s", as_of);
	snprintf(r->st.file, sizeof r->st.file, "%s", name);
	snprintf(r->st.sha256, sizeof r->st.sha256, "%s", m->sha256);
	if (!r->o->quiet)
		log_info("%s: now serving version %lld (data as of %s, %lld bytes) from %s", r->o->db,
		    m->version, as_of, m->size, url);
	return 1;
}

/* One follow; 1 if the node serves the manifest's version at the end. */
static int
follow_once(struct run *r)
{
	struct fetch_file f;
	struct manifest m;
	char err[ERR_MAX];
	enum fetch_outcome out;
	int have = r->current[0] != '\0', ok = 0;

	memset(&f, 0, sizeof f);
	f.url = r->o->url;
	f.fd = -1;
	f.max_bytes = MANIFEST_MAX;
	/* validators only with a version to keep: without one, the manifest is needed whole */
	f.etag = have ? r->st.etag : "";
	f.last_modified = have ? r->st.last_modified : "";
	out = fetch_file(&f, &r->o->fetch);
	if (out == FETCH_FAILED) {
		fail(r, "fetching the manifest: %s", f.err);
		return 0;
	}
	if (out == FETCH_UNCHANGED) {
		if (!r->o->quiet)
			log_info("%s: the manifest is unchanged (HTTP 304): still version %lld",
			    r->o->db, r->st.version);
		return 1;
	}
	if (manifest_parse(f.body, (size_t)f.bytes, &m, err) != ST_OK) {
		fail(r, "the manifest at %s is unusable: %s",
		    r->o->url, err);
		goto done;
	}
	if (have && m.version < r->st.version) {
		fail(r, "the manifest at %s names version %lld, older than the %lld served here: "
		    "versions only grow (was the writer's database replaced?)", r->o->url, m.version, r->st.version);
		goto done;
	}
	if (have && m.version == r->st.version) {
		if (!r->o->quiet)
			log_info("%s: already at version %lld", r->o->db, m.version);
		ok = 1;
	} else
		ok = install(r, &m);
	if (ok) {
		snprintf(r->st.etag, sizeof r->st.etag, "%s", f.new_etag);
		snprintf(r->st.last_modified, sizeof r->st.last_modified, "%s", f.new_last_modified);
	}
done:
	free(f.body);
	return ok;
}

/*
 * feeds.json beside the manifest (feeds_state.h): a conditional GET, checked
 * whole, written as PATH.feeds.json (a temporary file renamed over the last)
 * for the workers to overlay on the snapshot's feeds. A 404 is a writer from
 * before feeds.json: nothing to overlay (an old copy goes). 1 unless it
 * failed; the snapshot served is never touched.
 */
static int
follow_feeds(struct run *r)
{
	struct fetch_file f;
	struct feeds_state fs;
	struct stat sb;
	char url[FOLLOW_URL_MAX], path[PATH_MAX], err[ERR_MAX], *text = NULL;
	enum fetch_outcome out;
	int have, ok = 0;

	if (!feeds_state_path(r->o->db, path, sizeof path)) {
		fail(r, "the path %s is too long", r->o->db);
		return 0;
	}
	if (!snapshot_url(r->o->url, "feeds.json", url, sizeof url, err)) {
		fail(r, "%s", err);
		return 0;
	}
	have = stat(path, &sb) == 0;
	memset(&f, 0, sizeof f);
	memset(&fs, 0, sizeof fs);
	f.url = url;
	f.fd = -1;
	f.max_bytes = FEEDS_STATE_MAX;
	/* validators only with a copy to keep */
	f.etag = have ? r->st.feeds_etag : "";
	f.last_modified = have ? r->st.feeds_last_modified : "";
	out = fetch_file(&f, &r->o->fetch);
	if (out == FETCH_FAILED && f.http_status == 404) {
		r->st.feeds_etag[0] = r->st.feeds_last_modified[0] = '\0';
		if (have && unlink(path) != 0 && errno != ENOENT) {
			fail(r, "cannot remove %s (the writer publishes no feeds.json): %s", path,
			    strerror(errno));
			return 0;
		}
		if (!r->o->quiet)
			log_info("%s: the writer publishes no feeds.json (HTTP 404): the snapshot's "
			    "feeds' state is served", r->o->db);
		return 1;
	}
	if (out == FETCH_FAILED) {
		fail(r, "fetching the feeds' state: %s", f.err);
		return 0;
	}
	if (out == FETCH_UNCHANGED)
		return 1;
	if (feeds_state_parse(f.body, (size_t)f.bytes, &fs, err) != ST_OK) {
		fail(r, "the feeds' state at %s is unusable, not stored: %s", url, err);
		goto done;
	}
	/* what was checked, written out again: nothing else of the body is kept */
	if ((text = feeds_state_format(&fs)) == NULL) {
		fail(r, "out of memory writing %s", path);
		goto done;
	}
	if (snapshot_write_atomic(path, text, strlen(text), err) != ST_OK) {
		fail(r, "%s", err);
		goto done;
	}
	snprintf(r->st.feeds_etag, sizeof r->st.feeds_etag, "%s", f.new_etag);
	snprintf(r->st.feeds_last_modified, sizeof r->st.feeds_last_modified, "%s",
	    f.new_last_modified);
	if (!r->o->quiet)
		log_info("%s: the feeds' state %lld (%zu feeds) stored in %s", r->o->db,
		    fs.feeds_version, fs.n, path);
	ok = 1;
done:
	free(text);
	feeds_state_free(&fs);
	free(f.body);
	return ok;
}

int
follow_run(const struct follow_opts *o)
{
	struct run r;
	char err[ERR_MAX];
	enum status rs;
	int ok, rc;

	memset(&r, 0, sizeof r);
	r.o = o;
	if (!follow_state_path(o->db, r.state_path, sizeof r.state_path) ||
	    snprintf(r.versions, sizeof r.versions, "%s.versions", o->db) >= (int)sizeof r.versions) {
		log_error("--db %s: the path is too long", o->db);
		return 2;
	}
	rs = follow_state_read(r.state_path, &r.st, err);
	if (rs != ST_OK && rs != ST_NOT_FOUND)
		log_warn("%s; starting from no state", err);
	if (rs != ST_OK)
		memset(&r.st, 0, sizeof r.st);
	if (strcmp(r.st.url, o->url) != 0) {   /* another writer: its validators mean nothing */
		r.st.etag[0] = r.st.last_modified[0] = '\0';
		r.st.feeds_etag[0] = r.st.feeds_last_modified[0] = '\0';
	}
	snprintf(r.st.url, sizeof r.st.url, "%s", o->url);
	r.st.max_age = o->max_age;
	r.st.last_error[0] = '\0';
	time_now_iso(r.st.last_attempt);
	if (read_link(&r) != 0) {
		if (r.st.last_error[0] == '\0')
			fail(&r, "cannot read the link %s: %s", o->db, strerror(errno));
		log_error("%s", r.st.last_error);
		follow_state_write(r.state_path, &r.st, err);
		return 2;
	}
	if (r.current[0] == '\0') {
		r.st.version = -1;
		r.st.data_as_of[0] = r.st.file[0] = r.st.sha256[0] = '\0';
	} else if (strcmp(r.current, r.st.file) != 0 || r.st.version < 0) {
		/*
		 * The state is lost or not the link's (restored from a backup): the
		 * link says the version, or the run would download it again and
		 * rename it over the file the workers have open.
		 */
		char digits[24];
		size_t n = strlen(r.current);
		long long v;

		r.st.version = -1;
		r.st.etag[0] = r.st.last_modified[0] = '\0';
		if (n > 11 && n - 11 < sizeof digits && strncmp(r.current, "figures-", 8) == 0) {
			snprintf(digits, sizeof digits, "%.*s", (int)(n - 11), r.current + 8);
			if (parse_int64(digits, 0, 1LL << 53, &v))
				r.st.version = v;
		}
		snprintf(r.st.file, sizeof r.st.file, "%s", r.current);
	}
	/* the feeds' state after the manifest (304, unchanged or new) */
	ok = follow_once(&r) && follow_feeds(&r);
	if (ok) {
		snprintf(r.st.last_success, sizeof r.st.last_success, "%s", r.st.last_attempt);
		r.st.last_error[0] = '\0';
	}
	rc = ok ? 0 : 1;
	if (!ok) {
		size_t n = strlen(r.st.last_error);

		if (r.st.version >= 0)
			snprintf(r.st.last_error + n, sizeof r.st.last_error - n, "; the version "
			    "served (%lld) is kept", r.st.version);
		else
			snprintf(r.st.last_error + n, sizeof r.st.last_error - n, "; nothing is "
			    "served yet");
		log_error("%s", r.st.last_error);
	}
	if (follow_state_write(r.state_path, &r.st, err) != ST_OK) {
		log_error("%s", err);
		rc = 1;
	}
	prune(&r);
	return rc;
}
