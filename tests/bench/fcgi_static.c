/*
 * fcgi_static.c: the benchmark's FastCGI ceiling. A minimal libfcgi responder
 * that answers /fcgi-baseline/<name> with the bytes of DIR/<name>, read once
 * on first use, touching no database: what the worker's answers cost at the very
 * least on the same nginx and socket. Prefork like figures-fcgi, keeping
 * nginx's connections between requests as figures-fcgi does (app/api/main.c,
 * keep_or_close: until nginx closes them, or 10 s idle).
 *
 * SIGTERM or SIGINT stops the workers and waits for them; a worker whose
 * parent dies (even by SIGKILL) is sent SIGTERM (PR_SET_PDEATHSIG), so none
 * outlives a benchmark or a test run.
 *
 *   fcgi_static DIR SOCKET WORKERS
 */
#include <errno.h>
#include <fcgiapp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct file {
	char   name[128];
	char  *data;
	size_t len;
};

static struct file files[64];
static size_t nfiles;
static const char *dir;

/*
 * The file called name, read from DIR the first time it is asked for: the
 * benchmark writes each answer's bytes after the responders have started, so
 * reading DIR only at start would answer 404 to everything (it did, and the
 * ceiling measured empty 404s instead of the answers' bytes).
 */
static const struct file *
find(const char *name)
{
	char path[1024];
	struct file *f;
	struct stat sb;
	FILE *in;

	for (size_t i = 0; i < nfiles; i++)
		if (strcmp(files[i].name, name) == 0)
			return &files[i];
	if (name[0] == '\0' || name[0] == '.' || strchr(name, '/') != NULL ||
	    strlen(name) >= sizeof files[0].name || nfiles == sizeof files / sizeof files[0])
		return NULL;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || (in = fopen(path, "rb")) == NULL)
		return NULL;
	f = &files[nfiles];
	if ((f->data = malloc((size_t)sb.st_size + 1)) == NULL) {
		fclose(in);
		return NULL;
	}
	f->len = fread(f->data, 1, (size_t)sb.st_size, in);
	fclose(in);
	snprintf(f->name, sizeof f->name, "%s", name);
	nfiles++;
	return f;
}

/* figures-fcgi's keep_or_close (app/api/main.c), the same rule */
static void
keep_or_close(FCGX_Request *req)
{
	struct pollfd p = { .fd = req->ipcFd, .events = POLLIN };

	if (poll(&p, 1, 10000) > 0 && !(p.revents & POLLNVAL))
		return;
	close(req->ipcFd);
	req->ipcFd = -1;
	req->keepConnection = 0;
}

static void
serve(int sock, pid_t parent)
{
	FCGX_Request req;
	sigset_t none;

	/* dies with the parent, however it dies; it may be gone already */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(0);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	FCGX_InitRequest(&req, sock, 0);
	for (;;) {
		if (req.ipcFd >= 0)
			keep_or_close(&req);
		if (FCGX_Accept_r(&req) < 0)
			break;
		const char *uri = FCGX_GetParam("DOCUMENT_URI", req.envp);
		/* nginx passes the param empty when the header is absent */
		const char *inm = FCGX_GetParam("HTTP_IF_NONE_MATCH", req.envp);
		const char *name = uri != NULL && strrchr(uri, '/') ? strrchr(uri, '/') + 1 : "";
		const struct file *f = find(name);
		char head[256];
		int n;

		if (f == NULL)
			n = snprintf(head, sizeof head, "Status: 404 Not Found\r\n\r\n");
		else if (inm != NULL && inm[0] != '\0')
			n = snprintf(head, sizeof head, "Status: 304 Not Modified\r\nETag: \"b\"\r\n\r\n");
		else
			n = snprintf(head, sizeof head, "Status: 200 OK\r\nContent-Type: %s\r\n"
			    "Content-Length: %lu\r\nETag: \"b\"\r\n\r\n",
			    strstr(name, ".csv") ? "text/csv; charset=utf-8" :
			    "application/json; charset=utf-8", (unsigned long)f->len);
		FCGX_PutStr(head, n, req.out);
		if (f != NULL && (inm == NULL || inm[0] == '\0'))
			FCGX_PutStr(f->data, (int)f->len, req.out);
		/* closed as figures-fcgi closes: stdin read to its end, no lingering close */
		while (FCGX_GetStr(head, sizeof head, req.in) > 0)
			;
		FCGX_Detach(&req);
		FCGX_Finish_r(&req);
	}
	_exit(0);
}

int
main(int argc, char **argv)
{
	static pid_t pids[256];
	sigset_t set;
	pid_t self;
	char *end;
	long n;
	int sock, workers;

	if (argc != 4) {
		fprintf(stderr, "usage: fcgi_static DIR SOCKET WORKERS\n");
		return 2;
	}
	dir = argv[1];
	/* strtol, not atoi: "4x" or "" is a usage error, not 4 or 0 */
	errno = 0;
	n = strtol(argv[3], &end, 10);
	if (errno != 0 || end == argv[3] || *end != '\0' || n < 1 || n > 256) {
		fprintf(stderr, "fcgi_static: WORKERS must be a whole number from 1 to 256: %s\n",
		    argv[3]);
		return 2;
	}
	workers = (int)n;
	FCGX_Init();
	unlink(argv[2]);
	if ((sock = FCGX_OpenSocket(argv[2], 1024)) < 0) {
		perror(argv[2]);
		return 1;
	}
	chmod(argv[2], 0666);
	/*
	 * Until 2026-12 the parent died of SIGTERM and its workers lived on (four
	 * fcgi_static processes after every test run). Now it takes the signal,
	 * passes it on and waits for every worker.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	self = getpid();
	for (int i = 0; i < workers; i++) {
		if ((pids[i] = fork()) == 0)
			serve(sock, self);
		if (pids[i] < 0) {
			perror("fork");
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
	return 0;
}
