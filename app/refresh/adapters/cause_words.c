#include "cause_words.h"
#include "../../core/strutil.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/*
 * Each word an upstream writes (compared case-insensitively) and our cause;
 * NULL: the word says there is no cause. IOM DTM's are the first five.
 */
static const struct {
	const char *word, *cause;
} cause_words[] = {
	{ "Conflict",                            "conflict" },
	{ "Insecurity",                          "violence" },
	{ "Natural disaster",                    "disaster" },
	{ "Other reason",                        "other" },
	{ "No reason for displacement reported", NULL },
	{ "Not reported",                        NULL },
	{ "Unknown",                             NULL },
	{ "Violence",                            "violence" },
	{ "Generalised violence",                "violence" },
	{ "Generalized violence",                "violence" },
	{ "Disaster",                            "disaster" },
	{ "Natural disasters",                   "disaster" },
	{ "Other",                               "other" },
};
#define NWORDS (sizeof cause_words / sizeof cause_words[0])

int
cause_from_words(const char *text, char out[CAUSE_MAX], char *why, size_t size)
{
	char causes[CAUSE_MAX * 4] = "", word[256], shown[64], whole[96];
	size_t len = 0;
	int none = 0;

	out[0] = '\0';
	if (text == NULL || *text == '\0')
		return 1;
	for (const char *p = text; ; p++) {
		const char *w = p, *end = p + strcspn(p, ";");
		size_t k;

		while (w < end && (*w == ' ' || *w == '\t'))
			w++;
		p = end;
		while (end > w && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		for (k = 0; k < NWORDS; k++)
			if (strlen(cause_words[k].word) == (size_t)(end - w) &&
			    strncasecmp(w, cause_words[k].word, (size_t)(end - w)) == 0)
				break;
		if (k == NWORDS) {
			strlcpy_n(word, sizeof word, w, (size_t)(end - w));
			utf8_copy(shown, sizeof shown, word);
			utf8_copy(whole, sizeof whole, text);
			snprintf(why, size, "cause '%s' (in '%s') is not in the table of cause words "
			    "(Conflict, Insecurity, Natural disaster, Other reason, No reason for "
			    "displacement reported…; app/refresh/adapters/cause_words.c): refused "
			    "rather than guessed", shown, whole);
			return 0;
		}
		if (cause_words[k].cause == NULL)
			none = 1;
		else if (len + strlen(cause_words[k].cause) + 2 < sizeof causes)
			len += (size_t)snprintf(causes + len, sizeof causes - len, "%s%s",
			    len > 0 ? "+" : "", cause_words[k].cause);
		if (*p == '\0')
			break;
	}
	if (none && len > 0) {
		utf8_copy(whole, sizeof whole, text);
		snprintf(why, size, "cause '%s' gives causes and says there is none", whole);
		return 0;
	}
	/* in our order, each once: cause_parse puts them so */
	return len == 0 || cause_parse(causes, out);
}
