/*
 * fcgi_static.c: the benchmark's FastCGI ceiling. A minimal libfcgi responder
 * that answers /fcgi-baseline/<name> with the bytes of DIR/<name>, read once
 * on first use, touching no database: what the worker's answers cost at the very
 * least on the same nginx and socket. Prefork like figures-fcgi (prefork.h:
 * SIGTERM stops the workers too, and none outlives its parent), keeping
 * nginx's connections between requests as figures-fcgi does (app/api/main.c,
 * keep_or_close: until nginx closes them, or 10 s idle).
 *
 *   fcgi_static DIR SOCKET WORKERS
 */
#include "api/fcgi_out.h"
#include "prefork.h"

#include <fcgiapp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* A worker (prefork.h): answers until accepting fails. */
static int
serve(int sock, const char *files_dir)
{
	FCGX_Request req;

	dir = files_dir;
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
		/* written as figures-fcgi writes (api/fcgi_out.h): one writev() */
		if (f != NULL && (inm == NULL || inm[0] == '\0'))
			fcgi_out_write(req.ipcFd, req.requestId, head, (size_t)n, f->data, f->len);
		else
			fcgi_out_write(req.ipcFd, req.requestId, head, (size_t)n, NULL, 0);
		/* closed as figures-fcgi closes: stdin read to its end, no lingering close */
		while (FCGX_GetStr(head, sizeof head, req.in) > 0)
			;
		FCGX_Detach(&req);
		FCGX_Finish_r(&req);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	return prefork_main(argc, argv, "fcgi_static", "DIR", serve);
}
