#include "snapshot.h"
#include "db.h"
#include "../core/strutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

char *
snapshot_read_small(const char *path, size_t max, size_t *len, char *err)
{
	char *text;
	ssize_t n;
	int fd;

	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		err_set(err, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	if ((text = malloc(max + 1)) == NULL) {
		close(fd);
		err_set(err, "out of memory reading %s", path);
		return NULL;
	}
	while (*len <= max && (n = read(fd, text + *len, max + 1 - *len)) > 0)
		*len += (size_t)n;
	close(fd);
	if (*len > max) {
		free(text);
		err_set(err, "%s is larger than %zu bytes", path, max);
		return NULL;
	}
	text[*len] = '\0';
	return text;
}

/*
 * nginx's validators of a static file are its mtime, in whole seconds, and
 * its size: a manifest replaced within the second by one of the same size
 * would look unchanged to a read node's conditional GET (304), and the new
 * version would be missed until the next. So a replacement's mtime is always
 * past the file's it replaces, by a second if need be. Compared with the
 * written file's own mtime, not the clock read after it: a write stamped at
 * the end of one second and a clock read in the next looked like "a second
 * later already", and the replacement kept the old file's validators (a
 * read node's test once missed a version that way).
 */
static void
mtime_after(int fd, const char *path)
{
	struct timespec t[2];
	struct stat old, written;

	if (stat(path, &old) != 0 || fstat(fd, &written) != 0 ||
	    written.st_mtim.tv_sec > old.st_mtim.tv_sec)
		return;
	t[0].tv_sec = t[1].tv_sec = old.st_mtim.tv_sec + 1;
	t[0].tv_nsec = t[1].tv_nsec = 0;
	futimens(fd, t);
}

enum status
snapshot_write_atomic(const char *path, const char *data, size_t len, char *err)
{
	char tmp[PATH_MAX];
	int fd;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		err_set(err, "the path %s is too long", path);
		return ST_INVALID;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0 ||
	    write(fd, data, len) != (ssize_t)len || (mtime_after(fd, path), fsync(fd)) != 0) {
		err_set(err, "cannot write %s: %s (is the directory writable, the disk full?)", tmp,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		return ST_IO;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		err_set(err, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
		return ST_IO;
	}
	db_sync_dir(path);
	return ST_OK;
}

enum status
snapshot_digest(const char *path, char hex[SHA256_HEX], long long *size, char *err)
{
	static unsigned char block[65536];
	struct sha256 s;
	ssize_t n;
	int fd;

	*size = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		err_set(err, "cannot read %s: %s", path, strerror(errno));
		return ST_IO;
	}
	sha256_init(&s);
	while ((n = read(fd, block, sizeof block)) > 0) {
		sha256_update(&s, block, (size_t)n);
		*size += n;
	}
	if (n < 0) {
		err_set(err, "cannot read %s: %s", path, strerror(errno));
		close(fd);
		return ST_IO;
	}
	close(fd);
	sha256_final_hex(&s, hex);
	return ST_OK;
}

/* The data version and its time, from db's state row. */
static enum status
data_state(sqlite3 *db, long long *version, char as_of[21], char *err)
{
	sqlite3_stmt *st = NULL;
	enum status rs = ST_DB;

	if (sqlite3_prepare_v2(db, "SELECT data_version, data_changed_at FROM state WHERE id = 1",
	    -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 1);

		*version = sqlite3_column_int64(st, 0);
		snprintf(as_of, 21, "%s", t != NULL ? t : "");
		rs = ST_OK;
		if (iso_time(as_of) == (time_t)-1) {
			err_set(err, "the database's data_changed_at '%s' is not a time", as_of);
			rs = ST_INVALID;
		}
	} else
		err_set(err, "cannot read the database's data version: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rs;
}

/*
 * Makes the copy at path a file a worker opens read-only with nothing beside
 * it: rollback journal (VACUUM INTO writes one; said here, not assumed), and
 * of the version it was made for.
 */
static enum status
copy_ready(const char *path, long long version, char *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char as_of[21];
	long long v = -1;
	enum status rs = ST_DB;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		err_set(err, "cannot open the copy %s: %s", path, db ? sqlite3_errmsg(db) : "no memory");
		goto done;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=DELETE", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "delete") != 0) {
		err_set(err, "cannot put the copy %s in rollback-journal mode: %s", path,
		    sqlite3_errmsg(db));
		goto done;
	}
	if ((rs = data_state(db, &v, as_of, err)) != ST_OK)
		goto done;
	if (v != version) {
		err_set(err, "the copy %s is of data version %lld, not %lld: did something else "
		    "write the database?", path, v, version);
		rs = ST_INVALID;
	}
done:
	sqlite3_finalize(st);
	sqlite3_close_v2(db);
	return rs;
}

/* "figures-<n>.db": 1 and n. */
static int
snapshot_name(const char *name, long long *n)
{
	size_t len = strlen(name);
	char digits[24];

	if (len < 12 || len - 11 >= sizeof digits || strncmp(name, "figures-", 8) != 0 ||
	    strcmp(name + len - 3, ".db") != 0)
		return 0;
	snprintf(digits, sizeof digits, "%.*s", (int)(len - 11), name + 8);
	return parse_int64(digits, 0, 1LL << 53, n);
}

/* Removes the snapshots of dir older than the newest keep ones. */
static void
prune(const char *dir, int keep, long long newest)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX];
	long long n, *all = NULL;
	size_t count = 0, cap = 0;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!snapshot_name(e->d_name, &n) || n > newest)
			continue;
		if (count == cap) {
			long long *more = realloc(all, (cap = cap ? cap * 2 : 16) * sizeof *all);

			if (more == NULL)
				break;
			all = more;
		}
		all[count++] = n;
	}
	closedir(d);
	/* the newest keep versions stay: remove each that has keep newer ones */
	for (size_t i = 0; i < count; i++) {
		int newer = 0;

		for (size_t k = 0; k < count; k++)
			newer += all[k] > all[i];
		if (newer < keep)
			continue;
		snprintf(path, sizeof path, "%s/figures-%lld.db", dir, all[i]);
		unlink(path);
	}
	free(all);
}

/*
 * Takes DIR's publish lock (DIR/.publish.lock, held until *fd is closed), so
 * two refreshers never publish into one directory at once: the manifest and
 * feeds.json are each written by one of them. Fails at once, not waiting, when
 * another holds it.
 */
static enum status
publish_lock(const char *dir, int *fd, char *err)
{
	char path[PATH_MAX];

	*fd = -1;
	if (snprintf(path, sizeof path, "%s/.publish.lock", dir) >= (int)sizeof path) {
		err_set(err, "--publish %s: the path is too long", dir);
		return ST_INVALID;
	}
	if ((*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		err_set(err, "cannot lock %s: %s (is the directory writable by figures-refresh?)",
		    path, strerror(errno));
		return ST_IO;
	}
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		err_set(err, "cannot lock %s: held by another process (another figures-refresh "
		    "publishing there?)", path);
		close(*fd);
		*fd = -1;
		return ST_BUSY;
	}
	return ST_OK;
}

enum status
snapshot_publish(sqlite3 *db, const char *dir, int keep, struct manifest *m, int *published,
    char *err)
{
	char mpath[PATH_MAX], tmp[PATH_MAX], final[PATH_MAX], as_of[21];
	char why[ERR_MAX], *text = NULL;
	struct manifest old;
	sqlite3_stmt *st = NULL;
	struct stat sb;
	long long version;
	size_t len;
	int lock = -1, have_old = 0;
	enum status rs;

	*published = 0;
	memset(m, 0, sizeof *m);
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		err_set(err, "--publish %s: not a directory (create it, writable by figures-refresh "
		    "and readable by nginx)", dir);
		return ST_INVALID;
	}
	snprintf(mpath, sizeof mpath, "%s/manifest.json", dir);
	if ((rs = publish_lock(dir, &lock, err)) != ST_OK)
		goto done;
	if ((rs = data_state(db, &version, as_of, err)) != ST_OK)
		goto done;
	if ((text = snapshot_read_small(mpath, MANIFEST_MAX, &len, why)) != NULL) {
		if (manifest_parse(text, len, &old, why) == ST_OK)
			have_old = 1;
		free(text);
		text = NULL;
	}
	if (have_old && old.version > version) {
		err_set(err, "%s is at data version %lld, newer than this database's %lld: it was "
		    "published from another database; read nodes only move forward, so publish "
		    "into an empty directory", mpath, old.version, version);
		rs = ST_INVALID;
		goto done;
	}
	snprintf(final, sizeof final, "%s/figures-%lld.db", dir, version);
	if (have_old && old.version == version && stat(final, &sb) == 0 &&
	    sb.st_size == old.size) {
		*m = old;
		rs = ST_OK;
		goto done;
	}
	snprintf(tmp, sizeof tmp, "%s/.figures-%lld.db.tmp", dir, version);
	unlink(tmp);   /* VACUUM INTO needs a new or empty file; a crashed run's is neither */
	if (sqlite3_prepare_v2(db, "VACUUM INTO ?1", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, tmp, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE) {
		err_set(err, "cannot copy the database into %s (VACUUM INTO): %s (is the disk "
		    "full?)", tmp, sqlite3_errmsg(db));
		rs = ST_DB;
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((rs = copy_ready(tmp, version, err)) != ST_OK ||
	    (rs = snapshot_digest(tmp, m->sha256, &m->size, err)) != ST_OK)
		goto fail;
	{
		int fd = open(tmp, O_RDONLY | O_CLOEXEC);

		if (fd < 0 || fsync(fd) != 0) {
			err_set(err, "cannot fsync %s: %s", tmp, strerror(errno));
			if (fd >= 0)
				close(fd);
			rs = ST_IO;
			goto fail;
		}
		close(fd);
	}
	if (rename(tmp, final) != 0) {
		err_set(err, "cannot rename %s to %s: %s", tmp, final, strerror(errno));
		rs = ST_IO;
		goto fail;
	}
	db_sync_dir(final);
	m->version = version;
	snprintf(m->data_as_of, sizeof m->data_as_of, "%s", as_of);
	snprintf(m->file, sizeof m->file, "figures-%lld.db", version);
	m->schema_version = db_schema_version(db);
	time_now_iso(m->published_at);
	if ((text = manifest_format(m)) == NULL) {
		err_set(err, "out of memory writing %s", mpath);
		rs = ST_NOMEM;
		goto done;
	}
	if ((rs = snapshot_write_atomic(mpath, text, strlen(text), err)) != ST_OK)
		goto done;
	*published = 1;
	prune(dir, keep, version);
	goto done;
fail:
	unlink(tmp);
	snprintf(tmp + strlen(tmp), sizeof tmp - strlen(tmp), "-journal");
	unlink(tmp);
done:
	sqlite3_finalize(st);
	free(text);
	if (lock >= 0)
		close(lock);
	return rs;
}

/* The feeds' fetch state (never their URLs nor upstream validators) into *fs. */
static enum status
read_feeds(sqlite3 *db, struct feeds_state *fs, char *err)
{
	static const char feeds_sql[] =
	    "SELECT code, coalesce(last_attempt, ''), coalesce(last_success, ''), "
	    "coalesce(last_error, ''), consecutive_failures, rows_added, rows_changed, "
	    "rows_unchanged, rows_rejected FROM feed ORDER BY code LIMIT ?1";
	sqlite3_stmt *st = NULL;
	enum status rs = ST_DB;
	size_t cap = 0;
	int step;

	memset(fs, 0, sizeof *fs);
	if (sqlite3_prepare_v2(db, "SELECT data_version, feeds_version FROM state WHERE id = 1",
	    -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		err_set(err, "cannot read the database's feeds version: %s", sqlite3_errmsg(db));
		goto done;
	}
	fs->data_version = sqlite3_column_int64(st, 0);
	fs->feeds_version = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, feeds_sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int(st, 1, FEEDS_STATE_FEEDS + 1) != SQLITE_OK) {
		err_set(err, "cannot read the feeds: %s", sqlite3_errmsg(db));
		goto done;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct feed_fetch *f;

		if (fs->n == FEEDS_STATE_FEEDS) {
			err_set(err, "the database has more than %d feeds, more than feeds.json may "
			    "name: remove some (figures-refresh --remove-feed)", FEEDS_STATE_FEEDS);
			rs = ST_TOO_BIG;
			goto done;
		}
		if (fs->n == cap) {
			struct feed_fetch *more = realloc(fs->feeds, (cap = cap ? cap * 2 : 16) *
			    sizeof *more);

			if (more == NULL) {
				err_set(err, "out of memory reading the feeds");
				rs = ST_NOMEM;
				goto done;
			}
			fs->feeds = more;
		}
		f = &fs->feeds[fs->n++];
		memset(f, 0, sizeof *f);
		snprintf(f->code, sizeof f->code, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(f->last_attempt, sizeof f->last_attempt, "%s",
		    (const char *)sqlite3_column_text(st, 1));
		snprintf(f->last_success, sizeof f->last_success, "%s",
		    (const char *)sqlite3_column_text(st, 2));
		/* cut to what a read node accepts: the start says what failed */
		snprintf(f->last_error, sizeof f->last_error, "%s",
		    (const char *)sqlite3_column_text(st, 3));
		f->consecutive_failures = sqlite3_column_int64(st, 4);
		f->rows_added = sqlite3_column_int64(st, 5);
		f->rows_changed = sqlite3_column_int64(st, 6);
		f->rows_unchanged = sqlite3_column_int64(st, 7);
		f->rows_rejected = sqlite3_column_int64(st, 8);
	}
	if (step != SQLITE_DONE) {
		err_set(err, "cannot read the feeds: %s", sqlite3_errmsg(db));
		goto done;
	}
	rs = ST_OK;
done:
	sqlite3_finalize(st);
	if (rs != ST_OK)
		feeds_state_free(fs);
	return rs;
}

enum status
snapshot_publish_feeds(sqlite3 *db, const char *dir, int *written, long long *feeds_version,
    char *err)
{
	char path[PATH_MAX], why[ERR_MAX], *text = NULL;
	struct feeds_state fs, old;
	size_t len;
	int lock = -1, in_tx = 0;
	enum status rs;

	*written = 0;
	*feeds_version = -1;
	memset(&fs, 0, sizeof fs);
	if (snprintf(path, sizeof path, "%s/feeds.json", dir) >= (int)sizeof path) {
		err_set(err, "--publish %s: the path is too long", dir);
		return ST_INVALID;
	}
	if ((rs = publish_lock(dir, &lock, err)) != ST_OK)
		goto done;
	/* the version and the rows it counts, as of one moment */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		err_set(err, "cannot begin reading the feeds: %s", sqlite3_errmsg(db));
		rs = ST_DB;
		goto done;
	}
	in_tx = 1;
	if ((rs = read_feeds(db, &fs, err)) != ST_OK)
		goto done;
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	in_tx = 0;
	*feeds_version = fs.feeds_version;
	if ((text = snapshot_read_small(path, FEEDS_STATE_MAX, &len, why)) != NULL) {
		int same = feeds_state_parse(text, len, &old, why) == ST_OK &&
		    old.feeds_version == fs.feeds_version;

		feeds_state_free(&old);
		free(text);
		text = NULL;
		if (same) {
			rs = ST_OK;
			goto done;
		}
	}
	time_now_iso(fs.published_at);
	if ((text = feeds_state_format(&fs)) == NULL) {
		err_set(err, "out of memory writing %s", path);
		rs = ST_NOMEM;
		goto done;
	}
	if ((rs = snapshot_write_atomic(path, text, strlen(text), err)) == ST_OK)
		*written = 1;
done:
	if (in_tx)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	free(text);
	feeds_state_free(&fs);
	if (lock >= 0)
		close(lock);
	return rs;
}
