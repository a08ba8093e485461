/*
 * fcgi_static.c: the benchmark's FastCGI ceiling. A minimal libfcgi responder
 * that answers /fcgi-baseline/<name> with the bytes of DIR/<name>, read once
 * on first use, touching no database: what the worker's answers cost at the very
 * least on the same nginx and socket. Prefork like figures-fcgi.
 *
 *   fcgi_static DIR SOCKET WORKERS
 */
#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void
serve(int sock)
{
	FCGX_Request req;

	FCGX_InitRequest(&req, sock, 0);
	while (FCGX_Accept_r(&req) >= 0) {
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
	for (int i = 0; i < workers; i++)
		if (fork() == 0)
			serve(sock);
	signal(SIGTERM, SIG_DFL);
	while (wait(NULL) > 0)
		;
	return 0;
}
