#include "follow_state.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
follow_state_path(const char *db, char *out, size_t size)
{
	return snprintf(out, size, "%s.follow.json", db) < (int)size;
}

static void
get_text(const cJSON *o, const char *name, char *out, size_t size)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	out[0] = '\0';
	if (cJSON_IsString(v) && v->valuestring != NULL)
		snprintf(out, size, "%s", v->valuestring);
}

static long long
get_number(const cJSON *o, const char *name, long long fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) && v->valuedouble >= -1 && v->valuedouble < 9e15 ?
	    (long long)v->valuedouble : fallback;
}

enum status
follow_state_read(const char *path, struct follow_state *st, char *err)
{
	char *text;
	ssize_t n;
	size_t len = 0;
	cJSON *root;
	int fd;

	memset(st, 0, sizeof *st);
	st->version = -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return ST_NOT_FOUND;
		err_set(err, "cannot read %s: %s", path, strerror(errno));
		return ST_IO;
	}
	if ((text = malloc(FOLLOW_STATE_MAX)) == NULL) {
		close(fd);
		err_set(err, "out of memory reading %s", path);
		return ST_NOMEM;
	}
	while (len < FOLLOW_STATE_MAX && (n = read(fd, text + len, FOLLOW_STATE_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	root = cJSON_ParseWithLength(text, len);
	free(text);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		err_set(err, "%s is not the follower's state (a JSON object): run figures-refresh "
		    "--follow again to rewrite it", path);
		return ST_INVALID;
	}
	get_text(root, "url", st->url, sizeof st->url);
	st->version = get_number(root, "version", -1);
	get_text(root, "data_as_of", st->data_as_of, sizeof st->data_as_of);
	get_text(root, "file", st->file, sizeof st->file);
	get_text(root, "sha256", st->sha256, sizeof st->sha256);
	get_text(root, "etag", st->etag, sizeof st->etag);
	get_text(root, "last_modified", st->last_modified, sizeof st->last_modified);
	get_text(root, "feeds_etag", st->feeds_etag, sizeof st->feeds_etag);
	get_text(root, "feeds_last_modified", st->feeds_last_modified,
	    sizeof st->feeds_last_modified);
	get_text(root, "last_success", st->last_success, sizeof st->last_success);
	get_text(root, "last_attempt", st->last_attempt, sizeof st->last_attempt);
	get_text(root, "last_error", st->last_error, sizeof st->last_error);
	st->max_age = get_number(root, "max_age", 0);
	cJSON_Delete(root);
	return ST_OK;
}

enum status
follow_state_write(const char *path, const struct follow_state *st, char *err)
{
	char tmp[FOLLOW_URL_MAX + 16];
	cJSON *root = cJSON_CreateObject();
	char *text = NULL;
	size_t len;
	int fd = -1;
	enum status rs = ST_IO;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (root == NULL ||
	    cJSON_AddStringToObject(root, "url", st->url) == NULL ||
	    cJSON_AddNumberToObject(root, "version", (double)st->version) == NULL ||
	    cJSON_AddStringToObject(root, "data_as_of", st->data_as_of) == NULL ||
	    cJSON_AddStringToObject(root, "file", st->file) == NULL ||
	    cJSON_AddStringToObject(root, "sha256", st->sha256) == NULL ||
	    cJSON_AddStringToObject(root, "etag", st->etag) == NULL ||
	    cJSON_AddStringToObject(root, "last_modified", st->last_modified) == NULL ||
	    cJSON_AddStringToObject(root, "feeds_etag", st->feeds_etag) == NULL ||
	    cJSON_AddStringToObject(root, "feeds_last_modified", st->feeds_last_modified) == NULL ||
	    cJSON_AddStringToObject(root, "last_success", st->last_success) == NULL ||
	    cJSON_AddStringToObject(root, "last_attempt", st->last_attempt) == NULL ||
	    cJSON_AddStringToObject(root, "last_error", st->last_error) == NULL ||
	    cJSON_AddNumberToObject(root, "max_age", (double)st->max_age) == NULL ||
	    (text = cJSON_Print(root)) == NULL) {
		err_set(err, "out of memory writing %s", path);
		rs = ST_NOMEM;
		goto done;
	}
	len = strlen(text);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0 ||
	    write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1 || fsync(fd) != 0) {
		err_set(err, "cannot write %s: %s (is its directory writable, the disk full?)", tmp,
		    strerror(errno));
		goto done;
	}
	close(fd);
	fd = -1;
	if (rename(tmp, path) != 0) {
		err_set(err, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
		goto done;
	}
	rs = ST_OK;
done:
	if (fd >= 0)
		close(fd);
	if (rs != ST_OK)
		unlink(tmp);
	cJSON_free(text);
	cJSON_Delete(root);
	return rs;
}
