/*
 * fcgi_out.h: a response's bytes to nginx in as few writes as the socket takes.
 * libfcgi's output stream holds 8 KB and writes a record each time it fills:
 * a 64 KB summary went out in eight write()s, and nginx woke and read each.
 * Here the headers and the body go out as STDOUT records of up to 64 KB, in
 * one writev() (more only when the socket takes less). libfcgi still ends the
 * request (FCGX_Finish_r: the empty STDOUT record and END_REQUEST).
 */
#ifndef FIGURES_FCGI_OUT_H
#define FIGURES_FCGI_OUT_H

#include <stddef.h>

/*
 * Writes head[0..hlen) then body[0..blen) on fd as FastCGI STDOUT records of
 * request id. 0 when all was written; -1 and errno when the socket failed
 * (nginx went away: the request is over).
 */
int fcgi_out_write(int fd, int id, const char *head, size_t hlen, const char *body,
    size_t blen);
#endif
