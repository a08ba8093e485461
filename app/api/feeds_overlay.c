#include "feeds_overlay.h"
#include "../core/log.h"
#include "../core/strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 1 if sb is the file app last read (whatever came of it). */
static int
same_file(const struct app *app, const struct stat *sb)
{
	return app->feeds_read && sb->st_dev == app->feeds_dev && sb->st_ino == app->feeds_ino &&
	    sb->st_size == app->feeds_size && sb->st_mtim.tv_sec == app->feeds_mtime.tv_sec &&
	    sb->st_mtim.tv_nsec == app->feeds_mtime.tv_nsec;
}

void
feeds_overlay_free(struct app *app)
{
	feeds_state_free(&app->feeds);
	app->feeds_read = app->feeds_ok = 0;
}

/* Reads and checks the file open at fd (sb: its fstat) into app->feeds. */
static void
load(struct app *app, int fd, const struct stat *sb, const char *path)
{
	char err[ERR_MAX], *text;
	size_t len = 0;
	ssize_t n;

	feeds_overlay_free(app);
	app->feeds_read = 1;
	app->feeds_dev = sb->st_dev;
	app->feeds_ino = sb->st_ino;
	app->feeds_size = sb->st_size;
	app->feeds_mtime = sb->st_mtim;
	if (sb->st_size > FEEDS_STATE_MAX) {
		log_warn("%s is %lld bytes, more than feeds.json may have: the snapshot's feeds' "
		    "state is served (run figures-refresh --follow again)", path,
		    (long long)sb->st_size);
		return;
	}
	if ((text = malloc((size_t)sb->st_size + 1)) == NULL) {
		log_warn("out of memory reading %s: the snapshot's feeds' state is served", path);
		app->feeds_read = 0;   /* try again on the next request */
		return;
	}
	while (len < (size_t)sb->st_size && (n = read(fd, text + len, (size_t)sb->st_size - len)) > 0)
		len += (size_t)n;
	if (feeds_state_parse(text, len, &app->feeds, err) != ST_OK)
		log_warn("%s: %s: the snapshot's feeds' state is served (run figures-refresh "
		    "--follow again to rewrite it)", path, err);
	else
		app->feeds_ok = 1;
	free(text);
}

const struct feeds_state *
feeds_overlay(struct app *app, const struct data_state *state)
{
	char path[PATH_MAX];
	struct stat sb;
	int fd;

	if (app->db_path == NULL || !feeds_state_path(app->db_path, path, sizeof path))
		return NULL;
	if (stat(path, &sb) != 0) {
		if (app->feeds_read)   /* gone: the writer publishes none (an older one) */
			feeds_overlay_free(app);
		return NULL;
	}
	if (!same_file(app, &sb)) {
		/* what is read is what fstat describes, whatever renames happen meanwhile */
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			if (errno != ENOENT)
				log_warn("cannot read %s: %s: the snapshot's feeds' state is served",
				    path, strerror(errno));
			feeds_overlay_free(app);
			return NULL;
		}
		if (fstat(fd, &sb) == 0)
			load(app, fd, &sb, path);
		close(fd);
	}
	if (!app->feeds_ok || app->feeds.feeds_version <= state->feeds_version)
		return NULL;
	return &app->feeds;
}

enum status
feeds_overlay_stale_count(struct store *s, const char *now, const struct feeds_state *fs,
    long long snapshot_feeds_version, long long *n, char *err)
{
	struct feed_status_row row;
	struct cursor *c;
	time_t t = iso_time(now);
	enum status rs;

	if (fs == NULL)
		return store_feeds_stale_count(s, now, n, err);
	*n = 0;
	c = store_feeds(s, now);
	while (store_feeds_next(c, &row)) {
		feeds_state_overlay(fs, snapshot_feeds_version, &row, t);
		*n += row.stale;
	}
	if ((rs = store_cursor_close(c)) != ST_OK)
		err_set(err, "counting the stale feeds: %s", store_errmsg(s));
	return rs;
}
