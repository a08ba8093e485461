/*
 * sha256.h: SHA-256 (FIPS 180-4), for the snapshots' checksums: the
 * publisher writes a snapshot's digest into its manifest and a read node
 * checks the bytes it downloaded against it. Streaming: init, update any
 * number of times, final.
 */
#ifndef FIGURES_SHA256_H
#define FIGURES_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX 65   /* 64 lower-case hex digits and a NUL */

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;
	unsigned char block[64];
	size_t   used;      /* bytes in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
/* Writes the digest as 64 lower-case hex digits and a NUL into hex. */
void sha256_final_hex(struct sha256 *s, char hex[SHA256_HEX]);

#endif
