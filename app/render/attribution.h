/*
 * attribution.h: a ready-to-paste sentence that attributes a figure, in
 * English, Arabic, French or Spanish (render/words.h): who said it, the
 * qualifier, what (the metric in words, households when so, the group, the
 * origin, the cause), where, as of when (or over which period), and through
 * whom:
 *
 *   Kurdish authorities said almost 800 people (foreigners affiliated with
 *   IS) had escaped from Ain Issa camp, as of 13 October 2019 (via BBC News).
 *
 * Never inventing: a part the figure lacks is left out, not guessed (no
 * date: no "as of"; no via: no "(via …)"; no group: no parentheses). A
 * summary item's sentence sets its sources' claims side by side, with the
 * verdict: "Sources disagree on how many people … : according to A, 100;
 * according to B, almost 800, as of 13 October 2019." (each claim keeps its
 * own sentence too).
 *
 * Pure: from the row and a language, no database, no clock. The text forms
 * are plain UTF-8 (JSON and CSV escape them as they escape any text); the
 * HTML forms escape every value from a source and isolate it in <bdi>.
 */
#ifndef FIGURES_ATTRIBUTION_H
#define FIGURES_ATTRIBUTION_H

#include "../core/buf.h"
#include "../core/rows.h"

/*
 * The most claims a summary's sentence names: of a longer item, the lowest
 * and the highest ATTRIBUTION_CLAIMS_MAX / 2, and how many are between.
 */
#define ATTRIBUTION_CLAIMS_MAX 10
/* Bytes that always hold a sentence: its names are bounded at ingest. */
#define ATTRIBUTION_MAX (64 * 1024)

/* lang: "en", "ar", "fr" or "es"; NULL or any other is English. */
enum status attribution_figure(struct buf *b, const struct figure_row *fig, const char *lang);
enum status attribution_summary(struct buf *b, const struct summary_item *item,
    const char *lang);
enum status attribution_figure_html(struct buf *b, const struct figure_row *fig,
    const char *lang);
enum status attribution_summary_html(struct buf *b, const struct summary_item *item,
    const char *lang);

#endif
