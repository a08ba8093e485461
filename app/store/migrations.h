/*
 * migrations.h: the SQL files of sql/migrations/, embedded at build time by
 * CMakeLists.txt into migrations_data.c, in order of their number.
 */
#ifndef FIGURES_MIGRATIONS_H
#define FIGURES_MIGRATIONS_H

#include <stddef.h>

struct migration {
	int         version;   /* NNNN from NNNN_name.sql */
	const char *name;
	const char *sql;
};

extern const struct migration migrations[];
extern const size_t migrations_count;

#endif
