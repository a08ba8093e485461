/*
 * fcgi_static.c: the benchmark's FastCGI ceiling. A minimal libfcgi responder
 * that answers /fcgi-baseline/<name> with the bytes of DIR/<name>, read once
 * at start, touching no database: what the worker's answers cost at the very
 * least on the same nginx and socket. Prefork like figures-fcgi.
 *
 *   fcgi_static DIR SOCKET WORKERS
 */
#include <dirent.h>
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

static void
load(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL) {
		perror(dir);
		exit(1);
	}
	while ((e = readdir(d)) != NULL && nfiles < sizeof files / sizeof files[0]) {
		char path[1024];
		struct stat sb;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &sb) != 0 || (f = fopen(path, "rb")) == NULL)
			continue;
		files[nfiles].data = malloc((size_t)sb.st_size + 1);
		files[nfiles].len = fread(files[nfiles].data, 1, (size_t)sb.st_size, f);
		snprintf(files[nfiles].name, sizeof files[nfiles].name, "%.127s", e->d_name);
		fclose(f);
		nfiles++;
	}
	closedir(d);
}

static void
serve(int sock)
{
	FCGX_Request req;

	FCGX_InitRequest(&req, sock, 0);
	while (FCGX_Accept_r(&req) >= 0) {
		const char *uri = FCGX_GetParam("DOCUMENT_URI", req.envp);
		const char *inm = FCGX_GetParam("HTTP_IF_NONE_MATCH", req.envp);
		const char *name = uri != NULL && strrchr(uri, '/') ? strrchr(uri, '/') + 1 : "";
		const struct file *f = NULL;
		char head[256];
		int n;

		for (size_t i = 0; i < nfiles; i++)
			if (strcmp(files[i].name, name) == 0)
				f = &files[i];
		if (f == NULL)
			n = snprintf(head, sizeof head, "Status: 404 Not Found\r\n\r\n");
		else if (inm != NULL)
			n = snprintf(head, sizeof head, "Status: 304 Not Modified\r\nETag: \"b\"\r\n\r\n");
		else
			n = snprintf(head, sizeof head, "Status: 200 OK\r\nContent-Type: %s\r\n"
			    "Content-Length: %lu\r\nETag: \"b\"\r\n\r\n",
			    strstr(name, ".csv") ? "text/csv; charset=utf-8" :
			    "application/json; charset=utf-8", (unsigned long)f->len);
		FCGX_PutStr(head, n, req.out);
		if (f != NULL && inm == NULL)
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
	int sock, workers;

	if (argc != 4) {
		fprintf(stderr, "usage: fcgi_static DIR SOCKET WORKERS\n");
		return 2;
	}
	load(argv[1]);
	workers = atoi(argv[3]) > 0 ? atoi(argv[3]) : 2;
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
