/*
 * prefork.h: the process model of the benchmark's FastCGI responders
 * (fcgi_static.c, fcgi_rows.c), as figures-fcgi's: one listening socket,
 * WORKERS processes forked to accept on it, and a parent that only
 * supervises them.
 *
 * SIGTERM or SIGINT to the parent is passed on to every worker, and the
 * parent waits for them all before it returns; it returns too once every
 * worker has ended by itself. A worker whose parent dies, even by SIGKILL,
 * is sent SIGTERM (PR_SET_PDEATHSIG): none outlives a benchmark or a test run
 * (tests/e2e/test_processes.py).
 */
#ifndef FIGURES_BENCH_PREFORK_H
#define FIGURES_BENCH_PREFORK_H

#define PREFORK_WORKERS_MAX 256

/*
 * What each worker runs: serve(sock, arg), sock the listening FastCGI socket
 * (for FCGX_InitRequest), arg the command line's first argument. SIGTERM and
 * SIGINT are at their default (they end the worker); what it returns is the
 * worker's exit status.
 */
typedef int (*prefork_serve)(int sock, const char *arg);

/*
 * Runs the command line `prog ARG SOCKET WORKERS` (argv[1..3]): checks
 * WORKERS (a whole number from 1 to PREFORK_WORKERS_MAX), opens SOCKET (a
 * Unix socket path: an old file there is removed, the new one is made
 * 0666 for nginx) and forks WORKERS workers running serve; arg_name is
 * ARG in the usage line ("DIR", "DB"). Returns main's exit status: 0 once
 * the workers are gone (SOCKET removed), 1 if SOCKET cannot be opened or no
 * worker forked, 2 for a usage error; each failure says what on stderr.
 */
int prefork_main(int argc, char **argv, const char *prog, const char *arg_name,
    prefork_serve serve);

#endif
