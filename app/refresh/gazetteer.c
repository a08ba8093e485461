#include "gazetteer.h"
#include "../core/log.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_BYTES GAZETTEER_NAME_MAX   /* a longer "name" is not one */
#define FILE_MAX       (8 << 20)       /* iso-codes' files are well under 1 MB, CLDR's 2 MB */
#define LINE_BYTES     4096            /* CLDR's lines are well under 1 KB; a longer one is skipped */
#define ALPHA2         (26 * 26)

struct entry {
	char *key;          /* the folded name */
	char  code[4];      /* alpha-3; "" when two countries share the name */
};

struct gazetteer {
	struct entry *e;
	size_t        n, cap;
	char          note[ERR_MAX];   /* what it could not read, and what to install; "" */
};

/* s trimmed, runs of white space made one space, ASCII upper case lowered; 0 if empty. */
static size_t
fold(const char *s, char out[NAME_MAX_BYTES])
{
	size_t o = 0;
	int space = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = o > 0;
			continue;
		}
		if (o + (size_t)space + 1 >= NAME_MAX_BYTES)
			return 0;
		if (space)
			out[o++] = ' ';
		space = 0;
		out[o++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	out[o] = '\0';
	return o;
}

static int
add(struct gazetteer *g, const char *name, const char *code)
{
	char key[NAME_MAX_BYTES];

	if (name == NULL || fold(name, key) == 0)
		return 0;
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 1024;
		struct entry *e = realloc(g->e, cap * sizeof *e);

		if (e == NULL)
			return -1;
		g->e = e;
		g->cap = cap;
	}
	if ((g->e[g->n].key = strdup(key)) == NULL)
		return -1;
	memcpy(g->e[g->n].code, code, 4);
	g->n++;
	return 0;
}

static int
by_key(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

/* Sorts, and keeps one entry per name: its code, or "" if countries disagree on it. */
static void
settle(struct gazetteer *g)
{
	size_t o = 0;

	if (g->n == 0)
		return;   /* and g->e may be NULL, which qsort must not get */
	qsort(g->e, g->n, sizeof *g->e, by_key);
	for (size_t i = 0; i < g->n; i++) {
		if (o > 0 && strcmp(g->e[o - 1].key, g->e[i].key) == 0) {
			if (strcmp(g->e[o - 1].code, g->e[i].code) != 0)
				g->e[o - 1].code[0] = '\0';
			free(g->e[i].key);
			continue;
		}
		g->e[o++] = g->e[i];
	}
	g->n = o;
}

static const struct entry *
find(const struct gazetteer *g, const char *s)
{
	char key[NAME_MAX_BYTES];
	struct entry k = { .key = key };

	if (g == NULL || g->n == 0 || s == NULL || fold(s, key) == 0)
		return NULL;
	return bsearch(&k, g->e, g->n, sizeof *g->e, by_key);
}

int
gazetteer_country(const struct gazetteer *g, const char *s, char out[4])
{
	const struct entry *e = find(g, s);

	if (e == NULL || e->code[0] == '\0')
		return 0;
	memcpy(out, e->code, 4);
	return 1;
}

size_t
gazetteer_size(const struct gazetteer *g)
{
	return g != NULL ? g->n : 0;
}

const char *
gazetteer_note(const struct gazetteer *g)
{
	return g != NULL && g->note[0] != '\0' ? g->note : NULL;
}

void
gazetteer_free(struct gazetteer *g)
{
	if (g == NULL)
		return;
	for (size_t i = 0; i < g->n; i++)
		free(g->e[i].key);
	free(g->e);
	free(g);
}

/* The whole file, NUL-terminated, in *out (free it); its length in *len. */
static int
slurp(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (f == NULL)
		return -1;
	do {
		if (n + 65536 + 1 > cap) {
			char *more;

			cap = cap ? cap * 2 : 131072;
			if (cap > FILE_MAX || (more = realloc(buf, cap)) == NULL)
				goto fail;
			buf = more;
		}
		got = fread(buf + n, 1, 65536, f);
		n += got;
	} while (got > 0);
	if (ferror(f))
		goto fail;
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
fail:
	fclose(f);
	free(buf);
	return -1;
}

static uint32_t
u32(const unsigned char *p, int swap)
{
	return swap ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3] :
	    (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* String i of the table at off in a .mo file (NULL if out of bounds or not terminated). */
static const char *
mo_string(const unsigned char *mo, size_t len, uint32_t table, uint32_t i, int swap)
{
	size_t at = (size_t)table + (size_t)i * 8, slen, soff;

	if (at + 8 > len)
		return NULL;
	slen = u32(mo + at, swap);
	soff = u32(mo + at + 4, swap);
	if (soff > len || slen >= len - soff || mo[soff + slen] != '\0')
		return NULL;
	return (const char *)mo + soff;
}

/*
 * Adds each translation in a GNU .mo file of ISO 3166-1 names: msgid is an
 * English name base knows, msgstr the same country's name in that language.
 * A file that is not a .mo is skipped.
 */
static int
add_translations(struct gazetteer *g, const struct gazetteer *base, const char *path)
{
	unsigned char *mo;
	size_t len;
	uint32_t n, orig, trans;
	int swap, rc = 0;

	if (slurp(path, (char **)&mo, &len) != 0)
		return 0;
	if (len < 20 || (u32(mo, 0) != 0x950412de && u32(mo, 1) != 0x950412de))
		goto done;
	swap = u32(mo, 0) != 0x950412de;
	n = u32(mo + 8, swap);
	orig = u32(mo + 12, swap);
	trans = u32(mo + 16, swap);
	for (uint32_t i = 0; i < n && rc == 0; i++) {
		const char *id = mo_string(mo, len, orig, i, swap);
		const char *str = mo_string(mo, len, trans, i, swap);
		const struct entry *e;

		if (id == NULL || str == NULL || *id == '\0' || strchr(id, '\x04') != NULL)
			continue;   /* the header, a context, or a broken entry */
		if ((e = find(base, id)) != NULL && e->code[0] != '\0')
			rc = add(g, str, e->code);
	}
done:
	free(mo);
	return rc;
}

/* Index of a two-letter upper-case code in a table of ALPHA2, or -1 if s is not one. */
static int
alpha2_index(const char *s)
{
	if (s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' || s[2] != '\0')
		return -1;
	return (s[0] - 'A') * 26 + (s[1] - 'A');
}

/* 1 if folded name key is two ASCII letters, as a code is. */
static int
two_letters(const char *key)
{
	return key[0] >= 'a' && key[0] <= 'z' && key[1] >= 'a' && key[1] <= 'z' && key[2] == '\0';
}

/* The attributes of a CLDR <territory> element that matter here. */
struct territory_tag {
	char type[8];    /* "SY"; "001" a region */
	char alt[16];    /* "", "short", "variant" */
	char draft[16];  /* "", "approved", "contributed", "provisional", "unconfirmed" */
};

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == ':' || c == '-' || c == '.';
}

/*
 * Reads the attributes of a start tag from p (just after its name) to its
 * '>' into t: the position after the '>', or NULL if the tag is malformed,
 * empty (<territory type="NA"/>) or runs past the line, or a value that
 * matters is too long to be one CLDR writes.
 */
static const char *
territory_attrs(const char *p, struct territory_tag *t)
{
	memset(t, 0, sizeof *t);
	for (;;) {
		const char *name = p, *val;
		char quote, *dst = NULL;
		size_t nlen, vlen, cap = 0;

		while (is_space(*p))
			p++;
		if (*p == '>')
			return p + 1;
		if (p == name)   /* attributes are separated by white space */
			return NULL;
		for (name = p; is_name_char(*p); p++)
			;
		if ((nlen = (size_t)(p - name)) == 0)
			return NULL;   /* "/>", or not XML */
		while (is_space(*p))
			p++;
		if (*p++ != '=')
			return NULL;
		while (is_space(*p))
			p++;
		if (*p != '"' && *p != '\'')
			return NULL;
		quote = *p++;
		for (val = p; *p != quote && *p != '\0' && *p != '<'; p++)
			;
		if (*p != quote)
			return NULL;
		vlen = (size_t)(p++ - val);
		if (nlen == 4 && memcmp(name, "type", 4) == 0)
			dst = t->type, cap = sizeof t->type;
		else if (nlen == 3 && memcmp(name, "alt", 3) == 0)
			dst = t->alt, cap = sizeof t->alt;
		else if (nlen == 5 && memcmp(name, "draft", 5) == 0)
			dst = t->draft, cap = sizeof t->draft;
		if (dst != NULL) {
			if (vlen >= cap)
				return NULL;
			memcpy(dst, val, vlen);
			dst[vlen] = '\0';
		}
	}
}

/* Code point cp as UTF-8 at out (room for 4): its length, or 0 if XML allows no such character. */
static size_t
utf8_put(unsigned long cp, char *out)
{
	if (cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp < 0x80)) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp >= 0x80 && cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if ((cp >= 0x800 && cp < 0xD800) || (cp >= 0xE000 && cp <= 0xFFFD)) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp >= 0x10000 && cp <= 0x10FFFF) {
		out[0] = (char)(0xF0 | cp >> 18);
		out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		return 4;
	}
	return 0;
}

/*
 * Decodes the XML entity at p ('&' ... ';': &amp; &lt; &gt; &quot; &apos;,
 * &#NNN; or &#xHHH;) into out (room for 4): its length, with *end after the
 * ';'; 0 if it is none of those.
 */
static size_t
xml_entity(const char *p, const char **end, char *out)
{
	static const struct { const char *name; char c; } named[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' },
	};
	unsigned long cp = 0;
	int base = 10, digits = 0;

	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (strncmp(p, named[i].name, strlen(named[i].name)) == 0) {
			*end = p + strlen(named[i].name);
			out[0] = named[i].c;
			return 1;
		}
	if (p[1] != '#')
		return 0;
	p += 2;
	if (*p == 'x') {
		base = 16;
		p++;
	}
	for (; *p != ';'; p++, digits++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' :
		    base == 16 && *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 :
		    base == 16 && *p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : -1;

		if (d < 0 || digits >= 8)
			return 0;
		cp = cp * (unsigned long)base + (unsigned long)d;
	}
	if (digits == 0)
		return 0;
	*end = p + 1;
	return utf8_put(cp, out);
}

/*
 * The element's text from p to its "</territory>" on the same line, XML
 * entities decoded, in out (cap bytes): 1, or 0 if it is not text alone
 * (markup, an unknown entity, no end tag on the line), is empty or does not fit.
 */
static int
territory_text(const char *p, char *out, size_t cap)
{
	size_t o = 0;

	while (*p != '<') {
		char c[4];
		size_t n = 1;

		if (*p == '\0')
			return 0;
		if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			return 0;   /* a character XML forbids: not XML */
		if (*p == '&') {
			if ((n = xml_entity(p, &p, c)) == 0)
				return 0;
		} else
			c[0] = *p++;
		if (o + n >= cap)
			return 0;
		memcpy(out + o, c, n);
		o += n;
	}
	out[o] = '\0';
	return o > 0 && strncmp(p, "</territory>", 12) == 0;
}

int
gazetteer_cldr_line(const char *line, char type[3], char name[GAZETTEER_NAME_MAX])
{
	struct territory_tag t;
	const char *p = line;

	name[0] = '\0';
	while (is_space(*p))
		p++;
	if (strncmp(p, "<territory", 10) != 0 || !is_space(p[10]))
		return 0;
	if ((p = territory_attrs(p + 10, &t)) == NULL)
		return 0;
	if (alpha2_index(t.type) < 0 ||
	    (t.alt[0] != '\0' && strcmp(t.alt, "short") != 0 && strcmp(t.alt, "variant") != 0) ||
	    (t.draft[0] != '\0' && strcmp(t.draft, "approved") != 0 &&
	    strcmp(t.draft, "contributed") != 0) ||
	    !territory_text(p, name, GAZETTEER_NAME_MAX)) {
		name[0] = '\0';
		return 0;
	}
	memcpy(type, t.type, 3);
	return 1;
}

/*
 * Adds the name on one line of a CLDR locale file's <territories>
 * (gazetteer_cldr_line) if its territory is a country iso-codes lists (a2:
 * alpha-2 to alpha-3): not one iso-codes does not know ("XK", "EZ").
 */
static int
add_cldr_line(struct gazetteer *tr, const char a2[][4], const char *line)
{
	char type[3], name[GAZETTEER_NAME_MAX];
	int i;

	if (!gazetteer_cldr_line(line, type, name) || (i = alpha2_index(type)) < 0 ||
	    a2[i][0] == '\0')
		return 0;
	return add(tr, name, a2[i]);
}

/*
 * Adds the territory names of one CLDR locale file (common/main/fr.xml):
 * the lines inside its <territories>, read no further than </territories>
 * (they come early in the file) nor than FILE_MAX bytes. A line longer than
 * LINE_BYTES is skipped; a file that cannot be opened adds nothing.
 */
static int
add_cldr_file(struct gazetteer *tr, const char a2[][4], const char *path)
{
	FILE *f = fopen(path, "r");
	char line[LINE_BYTES];
	size_t bytes = 0;
	int in = 0, rc = 0, c;

	if (f == NULL)
		return 0;
	while (rc == 0 && bytes <= FILE_MAX && fgets(line, sizeof line, f) != NULL) {
		size_t len = strlen(line);

		bytes += len;
		if (len == sizeof line - 1 && line[len - 1] != '\n') {
			while ((c = getc(f)) != EOF && c != '\n')
				bytes++;
			continue;
		}
		if (!in)
			in = strstr(line, "<territories>") != NULL;
		else if (strstr(line, "</territories>") != NULL)
			break;
		else
			rc = add_cldr_line(tr, a2, line);
	}
	fclose(f);
	return rc;
}

/*
 * Adds the territory names of every locale file (*.xml) in CLDR's directory
 * dir (common/main); the number of files in *files. -1 if out of memory; a
 * directory that cannot be read adds nothing (and *files is 0).
 */
static int
add_cldr(struct gazetteer *tr, const char a2[][4], const char *dir, size_t *files)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];
	int rc = 0;

	*files = 0;
	if (d == NULL)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".xml") != 0)
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= sizeof path)
			continue;
		rc = add_cldr_file(tr, a2, path);
		++*files;
	}
	closedir(d);
	return rc;
}

struct gazetteer *
gazetteer_load(const char *json, const char *locale_dir, const char *cldr_dir, char *err)
{
	struct gazetteer *g = calloc(1, sizeof *g), *tr = NULL;
	char (*a2)[4] = calloc(ALPHA2, sizeof *a2);   /* alpha-2 to alpha-3, as iso-codes lists them */
	size_t files = 0;
	const cJSON *list, *c;
	cJSON *root = NULL;
	char *text = NULL;
	size_t len;
	char *known = NULL;   /* known[i]: translation i is already a code or English name */
	DIR *d = NULL;

	if (g == NULL || a2 == NULL || (tr = calloc(1, sizeof *tr)) == NULL) {
		err_set(err, "gazetteer: out of memory");
		goto fail;
	}
	if (slurp(json, &text, &len) != 0) {
		err_set(err, "gazetteer: cannot read %s: install Debian's iso-codes", json);
		goto fail;
	}
	root = cJSON_ParseWithLength(text, len);
	list = cJSON_GetObjectItemCaseSensitive(root, "3166-1");
	if (!cJSON_IsArray(list)) {
		err_set(err, "gazetteer: %s is not iso-codes' ISO 3166-1 list", json);
		goto fail;
	}
	cJSON_ArrayForEach(c, list) {
		static const char *const fields[] = { "alpha_3", "alpha_2", "numeric", "name",
		    "official_name", "common_name" };
		const cJSON *a3 = cJSON_GetObjectItemCaseSensitive(c, "alpha_3");
		const cJSON *two = cJSON_GetObjectItemCaseSensitive(c, "alpha_2");
		int two_at;

		if (!cJSON_IsString(a3) || strlen(a3->valuestring) != 3)
			continue;
		if (cJSON_IsString(two) && (two_at = alpha2_index(two->valuestring)) >= 0)
			memcpy(a2[two_at], a3->valuestring, 4);
		for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, fields[i]);

			if (cJSON_IsString(v) && add(g, v->valuestring, a3->valuestring) != 0) {
				err_set(err, "gazetteer: out of memory");
				goto fail;
			}
		}
	}
	settle(g);
	if (g->n == 0) {
		err_set(err, "gazetteer: %s lists no country", json);
		goto fail;
	}
	/* translations name what the English names name */
	if (locale_dir != NULL && (d = opendir(locale_dir)) != NULL) {
		struct dirent *de;
		char path[4096];

		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s/LC_MESSAGES/iso_3166-1.mo", locale_dir,
			    de->d_name);
			if (add_translations(tr, g, path) != 0) {
				err_set(err, "gazetteer: out of memory");
				goto fail;
			}
		}
		closedir(d);
		d = NULL;
	}
	/* and so do CLDR's names, short ones included, in each of its locales */
	if (cldr_dir != NULL && add_cldr(tr, (const char (*)[4])a2, cldr_dir, &files) != 0) {
		err_set(err, "gazetteer: out of memory");
		goto fail;
	}
	if (cldr_dir != NULL && files == 0)
		snprintf(g->note, sizeof g->note, "gazetteer: no CLDR locale file in %s: countries "
		    "are known by iso-codes' names alone (not 'Syrie', 'Turquie'): install Debian's "
		    "unicode-cldr-core", cldr_dir);
	/*
	 * A translation (iso-codes' or CLDR's) never overrides a code or an English
	 * name (one language's word for a country may be another's English name);
	 * translations that disagree among themselves stay, as names of no country.
	 * Two letters are read as a code, and codes are iso-codes' alone: a
	 * language's abbreviation ("SU", Breton for the USA; "RA", Gaelic for the
	 * UK) is no name here.
	 */
	settle(tr);
	if ((known = calloc(tr->n + 1, 1)) == NULL) {
		err_set(err, "gazetteer: out of memory");
		goto fail;
	}
	for (size_t i = 0; i < tr->n; i++)   /* before g grows: find needs it sorted */
		known[i] = find(g, tr->e[i].key) != NULL;
	for (size_t i = 0; i < tr->n; i++) {
		if (known[i] || two_letters(tr->e[i].key))
			continue;
		if (add(g, tr->e[i].key, tr->e[i].code) != 0) {
			err_set(err, "gazetteer: out of memory");
			goto fail;
		}
	}
	settle(g);
	free(a2);
	free(known);
	gazetteer_free(tr);
	cJSON_Delete(root);
	free(text);
	return g;
fail:
	if (d != NULL)
		closedir(d);
	free(a2);
	free(known);
	gazetteer_free(tr);
	gazetteer_free(g);
	cJSON_Delete(root);
	free(text);
	return NULL;
}

const struct gazetteer *
gazetteer_system(const char **why)
{
	static struct gazetteer *g;
	static int tried;
	static char reason[ERR_MAX];

	if (!tried) {
		tried = 1;
		g = gazetteer_load("/usr/share/iso-codes/json/iso_3166-1.json", "/usr/share/locale",
		    GAZETTEER_CLDR, reason);
		if (g == NULL)
			log_warn("%s: countries are known by their alpha-3 codes alone", reason);
		else if (gazetteer_note(g) != NULL)
			log_warn("%s", gazetteer_note(g));
	}
	if (g == NULL && why != NULL)
		*why = reason;
	return g;
}
