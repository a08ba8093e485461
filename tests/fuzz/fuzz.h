/*
 * fuzz.h: what the libFuzzer targets in tests/fuzz share (fuzz_util.c).
 *
 * Every target is one file, fuzz_<name>.c, defining LLVMFuzzerTestOneInput
 * over one parser of outside input; the adapters' targets (fuzz_hapi, ...)
 * are one file, fuzz_adapter.c, compiled once per adapter. Beyond "does not
 * crash", a target checks what the parser's header promises (a valid cursor
 * re-encodes to itself, a slug has no leading '-', …) with FUZZ_CHECK, which
 * aborts, so a broken promise is a crash libFuzzer keeps like any other.
 *
 * Targets are deterministic (no clock, no randomness, no environment) and
 * free everything they allocate: the fuzzer runs with -detect_leaks=1.
 */
#ifndef FIGURES_FUZZ_H
#define FIGURES_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry point; declared here for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Prints where a promise was broken and aborts. */
void fuzz_fail(const char *file, int line, const char *what)
	__attribute__((noreturn));

#define FUZZ_CHECK(cond) \
	do { if (!(cond)) fuzz_fail(__FILE__, __LINE__, #cond); } while (0)

/*
 * A NUL-terminated heap copy of data[0..size), cut at its first NUL byte and
 * after at most cap bytes: the shape of a C string from outside. The caller
 * frees it. Aborts when out of memory (the fuzzer's RSS limit is the bound).
 */
char *fuzz_cstr(const uint8_t *data, size_t size, size_t cap);

/* malloc that aborts instead of returning NULL. */
void *fuzz_malloc(size_t n);

#endif
