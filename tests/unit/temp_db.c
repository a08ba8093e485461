/* temp_db.c: a temporary migrated database with a writer (temp_db.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "temp_db.h"

/* The database and every file SQLite may have made beside it. */
static void
remove_db_files(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal", ".lock" };
	char name[96];

	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
		unlink(name);
	}
}

int
temp_db_open(struct temp_db *t, const char *tag)
{
	char err[ERR_MAX] = "";
	int fd;

	memset(t, 0, sizeof *t);
	snprintf(t->path, sizeof t->path, "/tmp/figures-test-%s-XXXXXX", tag);
	fd = mkstemp(t->path);
	if (fd < 0) {
		print_error("temp_db: cannot create %s (is /tmp writable?)\n", t->path);
		t->path[0] = '\0';
		return -1;
	}
	close(fd);
	if (db_open_rw(t->path, &t->db, err) != ST_OK ||
	    db_migrate(t->db, NULL, NULL, err) != ST_OK ||
	    (t->w = writer_new(t->db, err)) == NULL) {
		print_error("temp_db: setting up %s: %s\n", t->path, err);
		temp_db_close(t);
		return -1;
	}
	return 0;
}

void
temp_db_close(struct temp_db *t)
{
	if (t->w != NULL) {
		writer_rollback(t->w);
		writer_free(t->w);
		t->w = NULL;
	}
	sqlite3_close_v2(t->db);
	t->db = NULL;
	if (t->path[0] != '\0')
		remove_db_files(t->path);
	t->path[0] = '\0';
}

int
temp_db_teardown(void **state)
{
	struct temp_db *t = *state;

	if (t == NULL)
		return 0;
	temp_db_close(t);
	free(t);
	*state = NULL;
	return 0;
}
