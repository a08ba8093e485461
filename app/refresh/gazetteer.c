#include "gazetteer.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_BYTES 256             /* a longer "name" is not one */
#define FILE_MAX       (8 << 20)       /* iso-codes' files are well under 1 MB */

struct entry {
	char *key;          /* the folded name */
	char  code[4];      /* alpha-3; "" when two countries share the name */
};

struct gazetteer {
	struct entry *e;
	size_t        n, cap;
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

	if (g == NULL || s == NULL || fold(s, key) == 0)
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

struct gazetteer *
gazetteer_load(const char *json, const char *locale_dir, char *err)
{
	struct gazetteer *g = calloc(1, sizeof *g), *tr = NULL;
	const cJSON *list, *c;
	cJSON *root = NULL;
	char *text = NULL;
	size_t len;
	char *known = NULL;   /* known[i]: translation i is already a code or English name */
	DIR *d = NULL;

	if (g == NULL || (tr = calloc(1, sizeof *tr)) == NULL) {
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

		if (!cJSON_IsString(a3) || strlen(a3->valuestring) != 3)
			continue;
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
	/*
	 * A translation never overrides a code or an English name (one language's
	 * word for a country may be another's English name); translations that
	 * disagree among themselves stay, as names of no country.
	 */
	settle(tr);
	if ((known = calloc(tr->n + 1, 1)) == NULL) {
		err_set(err, "gazetteer: out of memory");
		goto fail;
	}
	for (size_t i = 0; i < tr->n; i++)   /* before g grows: find needs it sorted */
		known[i] = find(g, tr->e[i].key) != NULL;
	for (size_t i = 0; i < tr->n; i++) {
		if (known[i])
			continue;
		if (add(g, tr->e[i].key, tr->e[i].code) != 0) {
			err_set(err, "gazetteer: out of memory");
			goto fail;
		}
	}
	settle(g);
	free(known);
	gazetteer_free(tr);
	cJSON_Delete(root);
	free(text);
	return g;
fail:
	if (d != NULL)
		closedir(d);
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
		    reason);
	}
	if (g == NULL && why != NULL)
		*why = reason;
	return g;
}
