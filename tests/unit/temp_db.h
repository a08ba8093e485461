/*
 * temp_db.h: a temporary SQLite database, created and migrated as the
 * refresher would, with a writer on it, for unit tests that write figures.
 * Include after <cmocka.h>.
 */
#ifndef FIGURES_TEMP_DB_H
#define FIGURES_TEMP_DB_H

#include <sqlite3.h>

#include "store/write.h"

struct temp_db {
	char           path[64];
	sqlite3       *db;
	struct writer *w;
};

/*
 * Creates /tmp/figures-test-<tag>-XXXXXX, opens it read-write, migrates it and
 * makes a writer on it. 0 on success; -1 after printing what failed, with
 * everything undone.
 */
int temp_db_open(struct temp_db *t, const char *tag);

/* Rolls back what is open, frees the writer, closes the database and removes its files. */
void temp_db_close(struct temp_db *t);

/*
 * A cmocka teardown for a fixture allocated with malloc whose first member is
 * a struct temp_db (check it with _Static_assert and offsetof): closes the
 * database and frees the fixture. A NULL state (a setup that failed) is fine.
 */
int temp_db_teardown(void **state);

#endif
