/*
 * inproc.c: the worker's answers without nginx or FastCGI, for measuring
 * and for checking that a change keeps every answer byte-identical.
 *
 *   bench_inproc --db FILE --urls FILE [--out FILE] [--repeat N]
 *
 * Each line of --urls is a request target ("/v1/summary?country=SDN"). Each
 * is answered as the worker answers it (dispatch, then respond_headers), with
 * the same per-request arena. --out writes, per request, the target, the
 * headers and the body (each record starts with the byte 0x1e), so two builds'
 * files compare with cmp
 * (tests/bench/answers). --repeat answers the whole list N times and prints
 * the mean worker time per request (run under callgrind for instructions:
 * `valgrind --tool=callgrind --toggle-collect='pass*' bench_inproc ...`: the
 * requests answered once, after a first one has prepared the statements).
 *
 * The clock is fixed (time() below), so meta.generated_at is the same in
 * every run: this program's time() is the one the library's calls reach.
 * Not installed, not part of the service.
 */
#include "api/api.h"
#include "core/arena.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ARENA_SIZE (8 * 1024 * 1024)   /* as the worker's (app/api/main.c) */
#define URLS_MAX   100000

/* 2026-01-01T00:00:00Z, always: answers of two runs compare byte for byte */
time_t
time(time_t *t)
{
	if (t != NULL)
		*t = 1767225600;
	return 1767225600;
}

static int
answer(struct app *app, char *target, FILE *out)
{
	struct request rq = { .method = "GET", .host = "bench.example", .scheme = "http" };
	struct response resp;
	char head[LINK_MAX + 2048];
	char *q = strchr(target, '?');
	size_t n;
	int status;

	if (q != NULL)
		*q = '\0';
	rq.path = target;
	rq.query = q != NULL ? q + 1 : "";
	dispatch(app, &rq, &resp);
	n = respond_headers(&resp, head, sizeof head);
	if (out != NULL) {
		fprintf(out, "\x1e%s%s%s\n", target, q != NULL ? "?" : "", q != NULL ? q + 1 : "");
		fwrite(head, 1, n, out);
		fwrite(resp.body != NULL ? resp.body : "", 1, resp.len, out);
		fputs("\n", out);
	}
	if (q != NULL)
		*q = '?';
	status = resp.status;
	response_free(&resp);
	arena_reset();
	return status;
}

/*
 * Answers every request once; with --out, writes them. Its own function so that
 * callgrind can count it alone (--toggle-collect=pass), after a first request
 * has opened the store and prepared its statements.
 */
static __attribute__((noinline)) int
pass(struct app *app, char **list, size_t nurls, FILE *out)
{
	for (size_t i = 0; i < nurls; i++) {
		int status = answer(app, list[i], out);

		if (status >= 500) {
			fprintf(stderr, "bench_inproc: %s answered %d\n", list[i], status);
			return 1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *db = NULL, *urls = NULL, *outp = NULL;
	static char *list[URLS_MAX];
	char line[8192];
	size_t nurls = 0;
	long repeat = 0;
	struct app app;
	struct timespec t0, t1;
	FILE *in, *out = NULL;
	cJSON_Hooks hooks = { .malloc_fn = arena_malloc, .free_fn = arena_free };

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--db") == 0)
			db = argv[i + 1];
		else if (strcmp(argv[i], "--urls") == 0)
			urls = argv[i + 1];
		else if (strcmp(argv[i], "--out") == 0)
			outp = argv[i + 1];
		else if (strcmp(argv[i], "--repeat") == 0)
			repeat = strtol(argv[i + 1], NULL, 10);
	}
	if (db == NULL || urls == NULL) {
		fprintf(stderr, "usage: bench_inproc --db FILE --urls FILE [--out FILE] "
		    "[--repeat N]\n");
		return 2;
	}
	if ((in = fopen(urls, "r")) == NULL) {
		perror(urls);
		return 1;
	}
	while (nurls < URLS_MAX && fgets(line, sizeof line, in) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '/' && (list[nurls] = strdup(line)) != NULL)
			nurls++;
	}
	fclose(in);
	if (outp != NULL && (out = fopen(outp, "w")) == NULL) {
		perror(outp);
		return 1;
	}
#ifndef FIGURES_NO_ARENA
	/* as the worker: not in a sanitized build, where each allocation is its own */
	if (arena_init(ARENA_SIZE) == 0)
		cJSON_InitHooks(&hooks);
#else
	(void)hooks;
#endif
	memset(&app, 0, sizeof app);
	app.db_path = db;
	if (nurls > 0)
		answer(&app, list[0], NULL);   /* opens the store, prepares the statements */
	if (pass(&app, list, nurls, out) != 0)
		return 1;
	if (out != NULL && fclose(out) != 0) {
		perror(outp);
		return 1;
	}
	if (repeat > 0) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (long r = 0; r < repeat; r++)
			pass(&app, list, nurls, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("%zu requests x %ld: %.1f us per request\n", nurls, repeat,
		    ((double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3) /
		    ((double)nurls * (double)repeat));
	}
	app_close(&app);
	for (size_t i = 0; i < nurls; i++)
		free(list[i]);
	return 0;
}
