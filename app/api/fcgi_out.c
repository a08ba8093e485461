#include "fcgi_out.h"

#include <errno.h>
#include <fastcgi.h>
#include <limits.h>
#include <sys/uio.h>

/* A record's content at most: FastCGI's 65535 rounded down to 8 (libfcgi's alignment). */
#define RECORD_MAX (FCGI_MAX_LENGTH & ~7)
#define BATCH 64   /* records a writev() is given at most (3 pieces each) */

static void
header(FCGI_Header *h, int id, size_t len)
{
	h->version = FCGI_VERSION_1;
	h->type = FCGI_STDOUT;
	h->requestIdB1 = (unsigned char)((id >> 8) & 0xff);
	h->requestIdB0 = (unsigned char)(id & 0xff);
	h->contentLengthB1 = (unsigned char)((len >> 8) & 0xff);
	h->contentLengthB0 = (unsigned char)(len & 0xff);
	h->paddingLength = 0;
	h->reserved = 0;
}

/* Writes iov[0..n) whole, resuming after a short write or a signal. */
static int
write_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {   /* (a blocking socket does not do this) not a loop forever */
			errno = EIO;
			return -1;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

int
fcgi_out_write(int fd, int id, const char *head, size_t hlen, const char *body, size_t blen)
{
	FCGI_Header h[BATCH];
	struct iovec iov[BATCH * 3];
	size_t done = 0, total = hlen + blen;

	while (done < total) {
		int n = 0, r = 0;

		for (; r < BATCH && done < total; r++) {
			size_t len = total - done < RECORD_MAX ? total - done : RECORD_MAX;
			size_t end = done + len;

			header(&h[r], id, len);
			iov[n++] = (struct iovec){ &h[r], FCGI_HEADER_LEN };
			if (done < hlen) {
				size_t part = (end < hlen ? end : hlen) - done;

				iov[n++] = (struct iovec){ (char *)head + done, part };
				done += part;
			}
			if (done < end) {
				iov[n++] = (struct iovec){ (char *)body + (done - hlen), end - done };
				done = end;
			}
		}
		if (write_all(fd, iov, n) != 0)
			return -1;
	}
	return 0;
}
