/*
 * figures-fcgi: the FastCGI worker. A supervisor process opens the unix
 * socket and forks N worker processes that accept on it (prefork: a slow
 * request or a crash takes one worker, not the service); the supervisor
 * restarts workers that die and stops them all on SIGTERM or SIGINT.
 *
 * Each worker opens the database read-only on first use, prepares its
 * statements once, and answers requests one at a time:
 *   FCGX_Accept_r → struct request → dispatch() → headers + body → FCGX_Finish_r
 */
#include "api.h"
#include "fcgi_out.h"
#include "feeds_overlay.h"
#include "../core/arena.h"
#include "../core/base_url.h"
#include "../core/log.h"
#include "../core/strutil.h"

#include <errno.h>
#include <fcgiapp.h>
#include <getopt.h>
#include <malloc.h>
#include <poll.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WORKERS_MAX 64
#define ARENA_SIZE  (8 * 1024 * 1024)   /* a 1000-figure page's tree and text fit */
#define WORKER_AS   (1024L * 1024 * 1024)  /* address space a worker may map */
#define BACKLOG     1024
#define WORKER_MMAP_THRESHOLD (1024 * 1024)      /* malloc: a block this large is mapped */
#define WORKER_TRIM_THRESHOLD (8 * 1024 * 1024)  /* malloc: free heap kept, at most */
#define KEEP_IDLE_MS 10000   /* a kept connection idle this long is closed (nginx: 5 s) */

struct options {
	const char *db;
	const char *socket;
	const char *group;
	const char *user;             /* drop to this user in each worker */
	long long   workers;
	long long   mode;
	int         explain;
	int         routes;
};

/* --public-url in its normal form; "" when not given (workers inherit it) */
static char public_url[BASE_URL_MAX + 1];
static char build_id[64];    /* build_identity(), before the workers are forked */

static volatile sig_atomic_t worker_stop;

static void
print_plan(void *ctx, int stmt, const char *sql, const char *plan)
{
	int *last = ctx;

	if (*last != stmt)
		printf("\n[%d] %s\n", stmt, sql);
	*last = stmt;
	printf("    %s\n", plan);
}

/* --explain: each statement and its plan, for people and the index test. */
static int
explain(const char *db)
{
	struct store *s = NULL;
	char err[ERR_MAX];
	int last = -1;

	if (store_open(db, &s, err) != ST_OK || store_explain(s, print_plan, &last, err) != ST_OK) {
		fprintf(stderr, "figures-fcgi: %s\n", err);
		store_close(s);
		return 1;
	}
	store_close(s);
	return 0;
}

/* --routes: the route table as JSON, for people and the OpenAPI test (both ways). */
static int
print_routes(void)
{
	cJSON *all = cJSON_CreateArray();
	char *text;

	for (size_t i = 0; all != NULL && i < nroutes; i++) {
		const struct route *rt = routes[i];
		cJSON *route = cJSON_CreateObject(), *params;
		char path[128];

		snprintf(path, sizeof path, "%s%s", rt->path, rt->has_id ? "{id}" :
		    rt->flags & CODE_ID ? "{code}" : "");
		cJSON_AddItemToArray(all, route);
		cJSON_AddStringToObject(route, "path", path);
		/* a page for people (HTML), not the API's: not in openapi.json */
		cJSON_AddBoolToObject(route, "page", (rt->flags & PAGE) != 0);
		params = cJSON_AddArrayToObject(route, "parameters");
		for (size_t k = 0; k < rt->nparams; k++) {
			cJSON *p = cJSON_CreateObject();

			cJSON_AddItemToArray(params, p);
			cJSON_AddStringToObject(p, "name", rt->params[k].name);
			cJSON_AddBoolToObject(p, "required", rt->params[k].required);
		}
	}
	if (all == NULL || (text = cJSON_Print(all)) == NULL) {
		fprintf(stderr, "figures-fcgi: out of memory\n");
		return 1;
	}
	puts(text);
	cJSON_free(text);
	cJSON_Delete(all);
	return 0;
}

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: figures-fcgi --db FILE --socket PATH [--workers N] [--public-url URL] [...]\n"
	    "\n"
	    "Answers the figures API over FastCGI on a unix socket, reading FILE read-only.\n"
	    "\n"
	    "  --db FILE          the SQLite database figures-refresh writes\n"
	    "  --socket PATH      the unix socket to create (nginx's fastcgi_pass)\n"
	    "  --workers N        worker processes, 1-%d (default: one per core, at least 2)\n"
	    "  --socket-mode MODE the socket's permissions, octal (default 0660); nginx's\n"
	    "                     user must be able to write it\n"
	    "  --socket-group NAME the socket's group (e.g. nginx's www-data)\n"
	    "  --explain          print every query's plan on FILE (EXPLAIN QUERY PLAN) and exit\n"
	    "  --routes           print the routes and their parameters as JSON, and exit\n"
	    "  --public-url URL   the address clients reach the service at, such as\n"
	    "                     https://figures.example.org[/prefix] behind a CDN or a TLS\n"
	    "                     proxy: every absolute address an answer gives out (oEmbed,\n"
	    "                     Atom, embed codes) starts with it, whatever the request's\n"
	    "                     Host and scheme; without it, http://Host, or https://Host\n"
	    "                     when nginx says the request came over TLS\n"
	    "  --user NAME        the user workers run as; required when started as root: the\n"
	    "                     supervisor creates the socket, each worker opens the database,\n"
	    "                     then drops to NAME before answering anything\n"
	    "  --help, --version\n"
	    "\n"
	    "Stops on SIGTERM or SIGINT, finishing the requests under way.\n", WORKERS_MAX);
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "socket", required_argument, NULL, 's' },
		{ "workers", required_argument, NULL, 'w' },
		{ "socket-mode", required_argument, NULL, 'm' },
		{ "socket-group", required_argument, NULL, 'g' },
		{ "explain", no_argument, NULL, 'E' },
		{ "routes", no_argument, NULL, 'R' },
		{ "user", required_argument, NULL, 'u' },
		{ "public-url", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	char *end;
	int c;

	memset(o, 0, sizeof *o);
	o->workers = cores > 2 ? cores : 2;
	o->mode = 0660;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 's': o->socket = optarg; break;
		case 'w':
			if (!parse_int64(optarg, 1, WORKERS_MAX, &o->workers)) {
				fprintf(stderr, "figures-fcgi: --workers '%s' is not a number from 1 "
				    "to %d\n", optarg, WORKERS_MAX);
				return -1;
			}
			break;
		case 'm':
			errno = 0;
			o->mode = strtol(optarg, &end, 8);
			if (errno || *optarg == '\0' || *end != '\0' || o->mode < 0 || o->mode > 0777) {
				fprintf(stderr, "figures-fcgi: --socket-mode '%s' is not an octal mode "
				    "such as 0660\n", optarg);
				return -1;
			}
			break;
		case 'g': o->group = optarg; break;
		case 'E': o->explain = 1; break;
		case 'R': o->routes = 1; break;
		case 'u': o->user = optarg; break;
		case 'P': {
			char err[ERR_MAX];

			if (base_url_parse(optarg, public_url, sizeof public_url, err) != ST_OK) {
				fprintf(stderr, "figures-fcgi: --public-url '%s': %s\n", optarg, err);
				return -1;
			}
			break;
		}
		case 'h': usage(stdout); exit(0);
		case 'V': printf("figures-fcgi %s\n", FIGURES_VERSION); exit(0);
		default:
			fprintf(stderr, "figures-fcgi: unknown or incomplete option '%s'; see --help\n",
			    argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "figures-fcgi: unexpected argument '%s'; see --help\n", argv[optind]);
		return -1;
	}
	if ((o->db != NULL && o->explain) || o->routes)
		return 0;
	if (o->db == NULL || o->socket == NULL) {
		fprintf(stderr, "figures-fcgi: --db FILE and --socket PATH are required; see --help\n");
		return -1;
	}
	if (geteuid() == 0 && o->user == NULL) {
		fprintf(stderr, "figures-fcgi: refusing to run as root: give --user NAME (such as "
		    "www-data) for the workers to drop to\n");
		return -1;
	}
	if (o->user != NULL && getpwnam(o->user) == NULL) {
		fprintf(stderr, "figures-fcgi: --user %s: no such user\n", o->user);
		return -1;
	}
	return 0;
}

static void
on_worker_signal(int sig)
{
	(void)sig;
	worker_stop = 1;
}

static const char *
param(FCGX_Request *req, const char *name)
{
	return FCGX_GetParam(name, req->envp);
}

static void
serve(struct app *app, FCGX_Request *req)
{
	struct request rq;
	struct response resp;
	char head[LINK_MAX + 2048];   /* the longest Link, and every other header */
	size_t n;

	rq.method = param(req, "REQUEST_METHOD");
	rq.path = param(req, "DOCUMENT_URI");
	if (rq.path == NULL)
		rq.path = param(req, "SCRIPT_NAME");
	rq.query = param(req, "QUERY_STRING");
	rq.if_none_match = param(req, "HTTP_IF_NONE_MATCH");
	rq.accept = param(req, "HTTP_ACCEPT");
	rq.host = param(req, "HTTP_HOST");
	rq.scheme = param(req, "REQUEST_SCHEME");
	rq.public_url = app->public_url;
	if (rq.method == NULL)
		rq.method = "";
	if (rq.path == NULL)
		rq.path = "/";
	dispatch(app, &rq, &resp);
	if ((n = respond_headers(&resp, head, sizeof head)) == 0) {
		/* cannot happen (see head): nothing is sent, nginx answers its JSON 503 */
		log_error("%s: response headers longer than %lu bytes", rq.path,
		    (unsigned long)sizeof head);
	} else {
		int body = strcmp(rq.method, "HEAD") != 0 && resp.len > 0 && resp.status != 304;

		/* failed part way (nginx went away): no next request on what is left of it */
		if (fcgi_out_write(req->ipcFd, req->requestId, head, n, body ? resp.body : NULL,
		    body ? resp.len : 0) != 0)
			req->keepConnection = 0;
	}
	response_free(&resp);
	arena_reset();   /* the request's JSON tree and text are gone */
}

/*
 * Ends the request. When nginx asked to keep the connection (fastcgi_keep_conn)
 * it stays open for nginx's next request; otherwise it is closed at once.
 * libfcgi's own close shuts the socket for writing, then waits (up to seconds)
 * for nginx to close its side, reading whatever it still sends, lest unread
 * data turn the close into a reset: perf showed a third of a worker's time in
 * that wait and close, not accepting the next request. So: read stdin to its
 * end (nginx sends no body, fastcgi_pass_request_body off, only the empty
 * record ending stdin), leaving nothing unread, then detach: libfcgi closes a
 * detached request's socket with a plain close().
 */
static void
finish(FCGX_Request *req)
{
	char sink[256];

	while (FCGX_GetStr(sink, sizeof sink, req->in) > 0)
		;
	FCGX_Detach(req);
	FCGX_Finish_r(req);
}

/*
 * Before FCGX_Accept_r reads the next request from a kept connection: waits
 * for one, and closes the connection after KEEP_IDLE_MS without (nginx closes
 * its idle ones first, after 5 s: this is in case it does not) or when the
 * worker is told to stop. Returns 1 when the kept connection has something to
 * read (a request, or nginx's close, which FCGX_Accept_r handles).
 *
 * A worker answers one connection at a time, and waits here on an idle one:
 * that is why nginx keeps fewer idle connections (keepalive, in all its
 * processes) than there are workers (scripts/nginx-conf sees to it), so a new
 * connection always finds a worker to accept it. Closing the kept connection
 * here whenever a new one waited would be no cure: nginx, not yet aware of the
 * close, sends its next request on it (writev() failed (32: Broken pipe) in
 * its log at every such close under load, and 502s when its retry failed too).
 */
static int
keep_or_close(FCGX_Request *req)
{
	struct pollfd p = { .fd = req->ipcFd, .events = POLLIN };

	if (poll(&p, 1, KEEP_IDLE_MS) > 0 && !(p.revents & POLLNVAL))
		return 1;
	close(req->ipcFd);
	req->ipcFd = -1;
	req->keepConnection = 0;
	return 0;
}

/*
 * Gives up what a worker does not need before it reads a byte from a client:
 * root (to user, when set and we are root), the chance to regain privileges
 * (no_new_privs), and unbounded memory (an address-space limit: a worker that
 * a crafted request drives mad fails alone and is restarted). The database
 * and its WAL files are opened first, so the worker keeps reading them.
 */
static int
drop_privileges(struct app *app, const char *user)
{
	struct data_state state;
	char err[ERR_MAX];

	if (app_store(app, 0) != NULL && store_begin(app->store, &state, err) == ST_OK)
		store_end(app->store);     /* the -wal and -shm files are open now */
	if (geteuid() == 0 && user != NULL) {
		struct passwd *pw = getpwnam(user);

		if (pw == NULL || setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 ||
		    setuid(pw->pw_uid) != 0 || setuid(0) == 0) {
			log_error("cannot drop to user %s: %s", user, strerror(errno));
			return -1;
		}
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		log_error("prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
		return -1;
	}
#ifndef FIGURES_SANITIZED
	/* (the sanitizers reserve terabytes of address space: no limit there) */
	{
		struct rlimit as = { WORKER_AS, WORKER_AS };

		if (setrlimit(RLIMIT_AS, &as) != 0)
			log_warn("setrlimit(RLIMIT_AS): %s", strerror(errno));
	}
#endif
	return 0;
}

/*
 * build_id: the version and a digest of this executable's bytes, read once by
 * the supervisor. The ETags hold it: nginx keeps a copy for as long as a
 * worker answers 304 to its ETag, and a new build with the same version
 * number may write other bytes. Unreadable (no /proc): the version and the
 * start time, so copies and clients revalidate once after each start.
 */
static void
build_identity(void)
{
	unsigned char chunk[65536];
	uint64_t h = FNV1A_OFFSET;
	size_t n;
	FILE *f = fopen("/proc/self/exe", "rb");

	if (f != NULL) {
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			h = fnv1a(h, chunk, n);
		if (!ferror(f)) {
			fclose(f);
			snprintf(build_id, sizeof build_id, "%s+%016llx", FIGURES_VERSION,
			    (unsigned long long)h);
			return;
		}
		fclose(f);
	}
	log_warn("cannot read /proc/self/exe to tell this build's ETags from another's: %s; "
	    "they hold the start time instead (clients and nginx revalidate once after a "
	    "restart)", strerror(errno));
	snprintf(build_id, sizeof build_id, "%s@%lld", FIGURES_VERSION, (long long)time(NULL));
}

/* A worker process: accept and answer until told to stop. Never returns. */
static void
worker(int sock, const char *db, const char *user, pid_t supervisor)
{
	struct app app = { .db_path = db, .held_fd = -1,
			   .public_url = public_url[0] ? public_url : NULL, .build = build_id };
	struct sigaction sa;
	FCGX_Request req;
	sigset_t none;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_worker_signal;   /* no SA_RESTART: accept() returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);           /* nginx may close first; a write fails, no more */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (drop_privileges(&app, user) != 0)
		_exit(1);
	/*
	 * The supervisor stops its workers on SIGTERM; should it die otherwise (a
	 * SIGKILL), each worker is sent SIGTERM too, and none serves on without
	 * it. Set after dropping privileges, which clears it; the supervisor may
	 * be gone already.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0)
		log_warn("prctl(PR_SET_PDEATHSIG): %s", strerror(errno));
	if (getppid() != supervisor)
		_exit(0);

#ifndef FIGURES_SANITIZED
	/*
	 * glibc's malloc keeps what a request frees (mallopt(3)). By default it
	 * moves its thresholds as it goes: after some mixes of requests (2,000
	 * figures and 2,000 filtered pages, then summaries) it gave the top of
	 * the heap back to the kernel after every answer and took it again in
	 * the next, and a country's summary at 1M figures cost the worker ~35%
	 * more CPU (strace: a brk() nearly every request; 2-4 page faults a
	 * request against none; scripts/bench's summary 0.55 of the rows ceiling
	 * against 0.8 with these set). Fixed thresholds: up to 8 MB kept free at
	 * the top of the heap, blocks past 1 MB (exports) mapped on their own.
	 */
	if (mallopt(M_MMAP_THRESHOLD, WORKER_MMAP_THRESHOLD) != 1 ||
	    mallopt(M_TRIM_THRESHOLD, WORKER_TRIM_THRESHOLD) != 1)
		log_warn("mallopt: cannot fix malloc's thresholds; answers may cost more");
#endif
#ifndef FIGURES_NO_ARENA
	/* cJSON's nodes and printed text come from a per-request arena */
	if (arena_init(ARENA_SIZE) == 0) {
		cJSON_Hooks hooks = { .malloc_fn = arena_malloc, .free_fn = arena_free };

		cJSON_InitHooks(&hooks);
	}
#endif
	if (FCGX_InitRequest(&req, sock, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_error("FCGX_InitRequest failed");
		_exit(1);
	}
	while (!worker_stop) {
		if (req.ipcFd >= 0 && !keep_or_close(&req))
			continue;   /* closed: check worker_stop, then accept */
		if (FCGX_Accept_r(&req) < 0) {
			if (!worker_stop) {
				log_warn("FCGX_Accept_r failed: %s", strerror(errno));
				usleep(10000);
			}
			continue;
		}
		serve(&app, &req);
		finish(&req);
	}
	app_close(&app);
	feeds_overlay_free(&app);
	_exit(0);
}

static pid_t
spawn(int sock, const char *db, const char *user)
{
	pid_t self = getpid();
	pid_t pid = fork();

	if (pid == 0)
		worker(sock, db, user, self);
	if (pid < 0)
		log_error("fork: %s", strerror(errno));
	return pid;
}

int
main(int argc, char **argv)
{
	struct options o;
	pid_t pids[WORKERS_MAX] = { 0 };
	time_t started[WORKERS_MAX] = { 0 };
	sigset_t set;
	siginfo_t si;
	int sock, sig, status;

	if (parse_options(argc, argv, &o) != 0)
		return 2;
	if (o.routes)
		return print_routes();
	if (o.explain)
		return explain(o.db);
	log_init("figures-fcgi", LOG_INFO);
	build_identity();
	if (FCGX_Init() != 0) {
		log_error("FCGX_Init failed");
		return 1;
	}
	unlink(o.socket);   /* a stale socket from a killed run */
	if ((sock = FCGX_OpenSocket(o.socket, BACKLOG)) < 0) {
		log_error("cannot listen on %s: %s (does its directory exist and is it writable?)",
		    o.socket, strerror(errno));
		return 1;
	}
	if (o.group != NULL) {
		struct group *gr = getgrnam(o.group);

		if (gr == NULL || chown(o.socket, (uid_t)-1, gr->gr_gid) != 0) {
			log_error("cannot give %s to group %s: %s", o.socket, o.group,
			    gr == NULL ? "no such group" : strerror(errno));
			return 1;
		}
	}
	if (chmod(o.socket, (mode_t)o.mode) != 0) {
		log_error("chmod %s: %s", o.socket, strerror(errno));
		return 1;
	}

	/* The supervisor takes signals synchronously; workers unblock them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);

	for (int i = 0; i < o.workers; i++) {
		pids[i] = spawn(sock, o.db, o.user);
		started[i] = time(NULL);
	}
	log_info("listening on %s with %lld workers, database %s", o.socket, o.workers, o.db);

	for (;;) {
		if ((sig = sigwaitinfo(&set, &si)) < 0)
			continue;
		if (sig != SIGCHLD)
			break;
		for (pid_t pid; (pid = waitpid(-1, &status, WNOHANG)) > 0;) {
			for (int i = 0; i < o.workers; i++) {
				if (pids[i] != pid)
					continue;
				if (WIFSIGNALED(status))
					log_error("worker %ld killed by signal %d; restarting it",
					    (long)pid, WTERMSIG(status));
				else
					log_warn("worker %ld exited with status %d; restarting it",
					    (long)pid, WEXITSTATUS(status));
				/* A worker that dies at once would spin: wait a second. */
				if (time(NULL) - started[i] < 1)
					sleep(1);
				pids[i] = spawn(sock, o.db, o.user);
				started[i] = time(NULL);
			}
		}
	}

	log_info("stopping %lld workers", o.workers);
	for (int i = 0; i < o.workers; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	for (int waited = 0; waited < 50; waited++) {
		int alive = 0;

		for (int i = 0; i < o.workers; i++) {
			if (pids[i] > 0 && waitpid(pids[i], &status, WNOHANG) == pids[i])
				pids[i] = 0;
			alive += pids[i] > 0;
		}
		if (alive == 0)
			break;
		usleep(100000);
	}
	for (int i = 0; i < o.workers; i++)
		if (pids[i] > 0) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], &status, 0);
		}
	close(sock);
	unlink(o.socket);
	return 0;
}
