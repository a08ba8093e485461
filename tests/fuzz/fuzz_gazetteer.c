/*
 * fuzz_gazetteer.c: the reader of CLDR's locale files the gazetteer uses
 * (refresh/gazetteer.h gazetteer_cldr_line), one line at a time, as the
 * gazetteer reads them (the files come from the system, but are outside
 * input all the same).
 *
 * Input: the C string (cut at the first NUL, at most 4095 bytes: the
 * gazetteer's line buffer) is the line. A line read must give a two-letter
 * upper-case type and a non-empty name shorter than GAZETTEER_NAME_MAX, with
 * no control character XML forbids; valid UTF-8 in, valid UTF-8 out; without
 * an entity in the line the name is a piece of it, and '<' or '&' in a name
 * can only come from one. A line not read leaves the name empty. Twice the
 * same line, twice the same answer.
 */
#include "fuzz.h"
#include "core/strutil.h"
#include "refresh/gazetteer.h"

#include <stdlib.h>
#include <string.h>

/* 1 if s has a C0 control character other than tab, line feed and carriage return. */
static int
has_forbidden_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r')
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_cstr(data, size, 4095);
	char type[3] = "", type2[3] = "", name[GAZETTEER_NAME_MAX], name2[GAZETTEER_NAME_MAX];
	size_t len = strlen(line), nlen;
	int r = gazetteer_cldr_line(line, type, name);

	FUZZ_CHECK(r == 0 || r == 1);
	FUZZ_CHECK(gazetteer_cldr_line(line, type2, name2) == r && strcmp(name, name2) == 0);
	if (r == 0) {
		FUZZ_CHECK(name[0] == '\0');
		free(line);
		return 0;
	}
	nlen = strlen(name);
	FUZZ_CHECK(type[0] >= 'A' && type[0] <= 'Z' && type[1] >= 'A' && type[1] <= 'Z' &&
	    type[2] == '\0' && strcmp(type, type2) == 0);
	FUZZ_CHECK(nlen > 0 && nlen < GAZETTEER_NAME_MAX);
	FUZZ_CHECK(strstr(line, "</territory>") != NULL && strstr(line, "<territory") != NULL);
	FUZZ_CHECK(!has_forbidden_control(name));
	if (utf8_valid(line, len))
		FUZZ_CHECK(utf8_valid(name, nlen));
	if (strchr(line, '&') == NULL)
		FUZZ_CHECK(strstr(line, name) != NULL);
	if (strpbrk(name, "<&") != NULL)
		FUZZ_CHECK(strchr(line, '&') != NULL);
	free(line);
	return 0;
}
