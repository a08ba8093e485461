/*
 * test_fcgi_out.c: a response written as FastCGI STDOUT records
 * (api/fcgi_out.h), read back from the other end of a socket and taken apart
 * record by record as nginx reads them: every record well formed and of this
 * request, none longer than the protocol allows, and their contents, joined,
 * the headers then the body, byte for byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fastcgi.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api/fcgi_out.h"

struct got {
	unsigned char *content;   /* the records' contents, joined */
	size_t         len;
	size_t         records;
};

/* Reads fd to its end, slowly when pause_us, into a buffer (freed by the caller). */
static unsigned char *
read_all(int fd, size_t *len, unsigned pause_us)
{
	size_t cap = 1 << 16, n = 0;
	unsigned char *p = malloc(cap);
	ssize_t r;

	assert_non_null(p);
	for (;;) {
		if (n + 4096 > cap)
			assert_non_null(p = realloc(p, cap *= 2));
		if ((r = read(fd, p + n, pause_us ? 4096 : cap - n)) == 0)
			break;
		if (r < 0 && errno == EINTR)
			continue;
		assert_true(r > 0);
		n += (size_t)r;
		if (pause_us)
			usleep(pause_us);
	}
	*len = n;
	return p;
}

/* The records in raw[0..n), checked one by one, their contents joined. */
static struct got
records_of(const unsigned char *raw, size_t n, int id)
{
	struct got g = { malloc(n + 1), 0, 0 };
	size_t at = 0;

	assert_non_null(g.content);
	while (at < n) {
		const FCGI_Header *h = (const FCGI_Header *)(raw + at);
		size_t clen;

		assert_true(at + FCGI_HEADER_LEN <= n);
		clen = (size_t)h->contentLengthB1 << 8 | h->contentLengthB0;
		assert_int_equal(h->version, FCGI_VERSION_1);
		assert_int_equal(h->type, FCGI_STDOUT);
		assert_int_equal((int)h->requestIdB1 << 8 | h->requestIdB0, id);
		assert_int_equal(h->paddingLength, 0);
		/* an empty STDOUT record would end the stream: libfcgi writes that one */
		assert_true(clen > 0 && clen <= FCGI_MAX_LENGTH);
		at += FCGI_HEADER_LEN;
		assert_true(at + clen <= n);
		memcpy(g.content + g.len, raw + at, clen);
		g.len += clen;
		at += clen;
		g.records++;
	}
	return g;
}

static void
on_alarm(int sig)
{
	(void)sig;
}

/* How many records of the largest content n bytes take. */
static size_t
records_for(size_t n)
{
	size_t max = FCGI_MAX_LENGTH & ~(size_t)7;

	return (n + max - 1) / max;
}

/*
 * Writes head and a body of blen bytes as request id through a socket pair (a
 * child writes, this process reads, slowly when pause_us) and checks what
 * arrives; returns how many records it took.
 */
static size_t
round_trip(int id, const char *head, size_t blen, unsigned pause_us, int interrupt)
{
	unsigned char *body = malloc(blen + 1), *raw;
	int sv[2], status;
	size_t n, records;
	struct got g;
	pid_t pid;

	assert_non_null(body);
	for (size_t i = 0; i < blen; i++)
		body[i] = (unsigned char)(i * 131 + i / 251);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	if ((pid = fork()) == 0) {
		close(sv[0]);
		if (interrupt) {
			/* a signal every millisecond, without SA_RESTART: writev comes back short */
			struct sigaction sa = { .sa_handler = on_alarm };
			struct itimerval it = { { 0, 1000 }, { 0, 1000 } };

			sigemptyset(&sa.sa_mask);
			sigaction(SIGALRM, &sa, NULL);
			setitimer(ITIMER_REAL, &it, NULL);
		}
		_exit(fcgi_out_write(sv[1], id, head, strlen(head), (const char *)body, blen) == 0 ?
		    0 : 1);
	}
	assert_true(pid > 0);
	close(sv[1]);
	raw = read_all(sv[0], &n, pause_us);
	close(sv[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	g = records_of(raw, n, id);
	assert_int_equal(g.len, strlen(head) + blen);
	assert_memory_equal(g.content, head, strlen(head));
	if (blen > 0)
		assert_memory_equal(g.content + strlen(head), body, blen);
	records = g.records;
	free(g.content);
	free(raw);
	free(body);
	return records;
}

#define HEAD "Status: 200 OK\r\nContent-Type: application/json\r\n\r\n"

static void
small_answer_is_one_record(void **state)
{
	(void)state;
	assert_int_equal(round_trip(1, HEAD, 0, 0, 0), 1);
	assert_int_equal(round_trip(1, HEAD, 1, 0, 0), 1);
	assert_int_equal(round_trip(7, HEAD, 2000, 0, 0), 1);
}

static void
request_id_both_bytes(void **state)
{
	(void)state;
	assert_int_equal(round_trip(0x1234, HEAD, 100, 0, 0), 1);
	assert_int_equal(round_trip(0xffff, HEAD, 100, 0, 0), 1);
}

/* Around the record's largest content: the headers and the body may share a record. */
static void
records_split_at_their_largest(void **state)
{
	size_t h = strlen(HEAD), max = FCGI_MAX_LENGTH & ~(size_t)7;

	(void)state;
	assert_int_equal(round_trip(1, HEAD, max - h, 0, 0), 1);
	assert_int_equal(round_trip(1, HEAD, max - h + 1, 0, 0), 2);
	assert_int_equal(round_trip(1, HEAD, 2 * max - h, 0, 0), 2);
	assert_int_equal(round_trip(1, HEAD, 2 * max - h + 1, 0, 0), 3);
	/* a 106 KB summary: two records, where libfcgi's 8 KB stream wrote fourteen */
	assert_int_equal(round_trip(1, HEAD, 106 * 1024, 0, 0), 2);
}

/* More records than one writev() is given (an export of megabytes), to a slow reader. */
static void
large_answer_to_a_slow_reader(void **state)
{
	(void)state;
	assert_int_equal(round_trip(3, HEAD, 6 * 1024 * 1024, 0, 0),
	    records_for(6 * 1024 * 1024 + strlen(HEAD)));
	assert_int_equal(round_trip(3, HEAD, 1024 * 1024, 20, 0),
	    records_for(1024 * 1024 + strlen(HEAD)));
}

/* Signals stop writev() part way: what was not written is written after. */
static void
short_writes_resume(void **state)
{
	(void)state;
	assert_int_equal(round_trip(5, HEAD, 3 * 1024 * 1024, 50, 1),
	    records_for(3 * 1024 * 1024 + strlen(HEAD)));
}

/* A reader that went away (nginx gave up): -1, no crash, nothing more written. */
static void
closed_socket_fails(void **state)
{
	char body[100000];
	int sv[2];
	void (*was)(int) = signal(SIGPIPE, SIG_IGN);

	(void)state;
	memset(body, 'x', sizeof body);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[0]);
	assert_int_equal(fcgi_out_write(sv[1], 1, HEAD, strlen(HEAD), body, sizeof body), -1);
	assert_int_equal(errno, EPIPE);
	close(sv[1]);
	signal(SIGPIPE, was);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(small_answer_is_one_record),
		cmocka_unit_test(request_id_both_bytes),
		cmocka_unit_test(records_split_at_their_largest),
		cmocka_unit_test(large_answer_to_a_slow_reader),
		cmocka_unit_test(short_writes_resume),
		cmocka_unit_test(closed_socket_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
