/*
 * arena.h: per-request memory for the worker. A request's JSON tree and its
 * printed text all die when the answer has been written, so they are carved
 * from one block by bumping a pointer and released at once by arena_reset,
 * instead of hundreds of malloc/free pairs per request (perf showed a third
 * of a filtered page's time in libc's allocator).
 *
 * Not thread-safe: one arena per worker process. Without arena_init, or when
 * the block is full, allocations fall back to malloc; arena_free tells the
 * two apart, so any pointer from arena_malloc may be passed to it.
 */
#ifndef FIGURES_ARENA_H
#define FIGURES_ARENA_H

#include <stddef.h>

/* Sets up a block of size bytes (touched only as it is used). 0 on success. */
int arena_init(size_t size);
void *arena_malloc(size_t n);
/* Frees p if it came from malloc; a pointer into the block waits for arena_reset. */
void arena_free(void *p);
/* Forgets everything carved from the block. Call between requests only. */
void arena_reset(void);

#endif
