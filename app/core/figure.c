#include "figure.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define FIELD(f) { #f, offsetof(struct claim, f) }
const struct claim_field claim_fields[] = {
	FIELD(key), FIELD(metric), FIELD(value), FIELD(qualifier), FIELD(group),
	FIELD(unit), FIELD(cause), FIELD(males), FIELD(females),
	FIELD(country), FIELD(country_name), FIELD(adm1_code), FIELD(adm1_name),
	FIELD(adm2_code), FIELD(adm2_name), FIELD(adm3_code), FIELD(adm3_name),
	FIELD(adm4_code), FIELD(adm4_name), FIELD(adm5_code), FIELD(adm5_name), FIELD(loc_code), FIELD(loc_name), FIELD(loc_type),
	FIELD(origin_country), FIELD(origin_country_name), FIELD(origin_adm1_code),
	FIELD(origin_adm1_name), FIELD(origin_adm2_code), FIELD(origin_adm2_name),
	FIELD(as_of), FIELD(period_start), FIELD(period_end), FIELD(reported_on),
	FIELD(source_code), FIELD(source_name), FIELD(source_org), FIELD(source_type),
	FIELD(source_url), FIELD(licence), FIELD(via), FIELD(url), FIELD(quote),
};
#undef FIELD

const char *
claim_text(const struct claim *c, size_t i)
{
	return *(const char *const *)((const char *)c + claim_fields[i].off);
}

void
claim_set_text(struct claim *c, size_t i, const char *v)
{
	*(const char **)((char *)c + claim_fields[i].off) = v;
}

const char *
qualifier_parse(const char *s)
{
	static const struct { const char *word, *canonical; } words[] = {
		{ "exact", "exact" },         { "exactly", "exact" },
		{ "about", "about" },         { "approximately", "about" },
		{ "around", "about" },        { "some", "about" },
		{ "almost", "almost" },       { "nearly", "almost" },
		{ "at_least", "at_least" },   { "at least", "at_least" },
		{ "more_than", "more_than" }, { "more than", "more_than" },
		{ "over", "more_than" },
		{ "up_to", "up_to" },         { "up to", "up_to" },
	};

	if (s == NULL || *s == '\0')
		return "exact";
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcasecmp(s, words[i].word) == 0)
			return words[i].canonical;
	return NULL;
}

int
cause_parse(const char *s, char out[CAUSE_MAX])
{
	static const char *const words[] = { "conflict", "violence", "disaster", "other" };
	unsigned seen = 0;
	size_t n = 0;

	while (*s != '\0') {
		size_t len, i;

		while (*s == ' ' || *s == '+' || *s == ';' || *s == ',')
			s++;
		if (*s == '\0')
			break;
		for (len = 0; s[len] != '\0' && strchr(" +;,", s[len]) == NULL; len++)
			;
		for (i = 0; i < 4; i++)
			if (strlen(words[i]) == len && strncasecmp(s, words[i], len) == 0)
				break;
		if (i == 4)
			return 0;
		seen |= 1u << i;
		s += len;
	}
	if (seen == 0)
		return 0;
	for (size_t i = 0; i < 4; i++)
		if (seen & (1u << i))
			n += (size_t)snprintf(out + n, CAUSE_MAX - n, "%s%s", n ? "+" : "",
			    words[i]);
	return 1;
}

const char *const source_types[] = {
	"un", "ngo", "government", "monitor", "media", "armed_group", "other", NULL,
};

const char *const metric_categories[] = {
	"displacement", "detention", "casualties", NULL,
};

int
source_type_valid(const char *s)
{
	if (s == NULL)
		return 0;
	for (size_t i = 0; source_types[i] != NULL; i++)
		if (strcmp(s, source_types[i]) == 0)
			return 1;
	return 0;
}
