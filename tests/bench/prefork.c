/*
 * prefork.c: start WORKERS FastCGI workers on one socket, supervise them,
 * pass SIGTERM on (prefork.h).
 */
#include "prefork.h"

#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* In a worker just forked: dies with the parent, takes SIGTERM again, serves. */
static void
worker(int sock, pid_t parent, const char *arg, prefork_serve serve)
{
	sigset_t none;

	/* dies with the parent, however it dies; it may be gone already */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(0);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	_exit(serve(sock, arg));
}

int
prefork_main(int argc, char **argv, const char *prog, const char *arg_name,
    prefork_serve serve)
{
	static pid_t pids[PREFORK_WORKERS_MAX];
	sigset_t set;
	pid_t self;
	char *end;
	long n;
	int sock, workers;

	if (argc != 4) {
		fprintf(stderr, "usage: %s %s SOCKET WORKERS\n", prog, arg_name);
		return 2;
	}
	/* strtol, not atoi: "4x" or "" is a usage error, not 4 or 0 */
	errno = 0;
	n = strtol(argv[3], &end, 10);
	if (errno != 0 || end == argv[3] || *end != '\0' || n < 1 || n > PREFORK_WORKERS_MAX) {
		fprintf(stderr, "%s: WORKERS must be a whole number from 1 to %d: %s\n", prog,
		    PREFORK_WORKERS_MAX, argv[3]);
		return 2;
	}
	workers = (int)n;
	FCGX_Init();
	unlink(argv[2]);
	errno = 0;
	if ((sock = FCGX_OpenSocket(argv[2], 1024)) < 0) {
		fprintf(stderr, "%s: cannot listen on %s: %s; is its directory there and "
		    "writable?\n", prog, argv[2], errno != 0 ? strerror(errno) : "failed");
		return 1;
	}
	chmod(argv[2], 0666);
	/*
	 * Until 2026-12 fcgi_static's parent died of SIGTERM and its workers
	 * lived on (four of them after every test run). The parent takes the
	 * signals, passes them on and waits for every worker.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	self = getpid();
	for (int i = 0; i < workers; i++) {
		if ((pids[i] = fork()) == 0)
			worker(sock, self, argv[1], serve);
		if (pids[i] < 0) {
			fprintf(stderr, "%s: cannot fork worker %d of %d: %s; going on with %d\n",
			    prog, i + 1, workers, strerror(errno), i);
			workers = i;
			break;
		}
	}
	for (int alive = workers; alive > 0;) {
		int sig = sigwaitinfo(&set, NULL);
		pid_t pid;

		if (sig == SIGTERM || sig == SIGINT)
			break;
		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
			for (int i = 0; i < workers; i++)
				if (pids[i] == pid) {
					pids[i] = 0;
					alive--;
				}
	}
	for (int i = 0; i < workers; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	unlink(argv[2]);
	return workers > 0 ? 0 : 1;
}
