/*
 * cause_words.h: what upstreams write for the cause of a displacement ("Conflict;
 * Natural disaster", IOM DTM's displacementReason and HXL's #cause), read onto
 * our causes (docs/DESIGN.md, "What a figure counts") through one explicit
 * table: the DTM adapter and the HXL adapter read the same words the same way.
 */
#ifndef FIGURES_CAUSE_WORDS_H
#define FIGURES_CAUSE_WORDS_H

#include "../../core/figure.h"

#include <stddef.h>

/*
 * Reads text, words separated by ';' (case and surrounding spaces ignored),
 * into the canonical cause in out ("conflict+disaster"; "" when the text says
 * there is none: "No reason for displacement reported", "Not reported",
 * "Unknown", or nothing at all). Returns 0 with why (size bytes) naming the
 * word when a word is not in the table, a part between separators is empty,
 * or the text gives causes and says there is none.
 */
int cause_from_words(const char *text, char out[CAUSE_MAX], char *why, size_t size);

#endif
