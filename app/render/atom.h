/*
 * atom.h: changes to claims (core/rows.h, struct change_row) as an Atom 1.0
 * feed (RFC 4287), for live blogs and alert tools that subscribe to
 * /v1/changes.atom, and the words both that feed and /v1/changes use.
 *
 * Every value goes through atom_text: XML's five special characters are
 * escaped, CR is kept as a reference, and what XML 1.0 cannot hold at all
 * (C0 controls but tab and line feeds, U+FFFE, U+FFFF, bytes that are not
 * UTF-8) becomes U+FFFD, so a hostile value never breaks the document.
 */
#ifndef FIGURES_ATOM_H
#define FIGURES_ATOM_H

#include "../core/buf.h"
#include "../core/rows.h"

/* Appends s as XML character data or attribute value (NULL appends nothing). */
enum status atom_text(struct buf *b, const char *s);

/* "added", "revised" or "withdrawn". */
const char *change_kind_name(enum change_kind kind);

/*
 * The change's id, stable for as long as the change is listed: "r<revision
 * id>" for an addition or revision, "w<figure id>.<YYYYMMDDThhmmssZ>" for a
 * withdrawal (a figure withdrawn, carried again and withdrawn again is a
 * second withdrawal).
 */
#define CHANGE_ID_MAX 48
void change_id(const struct change_row *c, char out[CHANGE_ID_MAX]);

/*
 * The change in words, plain text: "Kurdish authorities: escaped, Ain Issa
 * camp, revised from 785 to almost 800" (the group after the place when
 * there is one; "added: 800"; "withdrawn (was 800)").
 */
enum status atom_change_title(struct buf *b, const struct change_row *c);

struct atom_feed {
	const char *base;      /* "http://host": the absolute prefix of every link and id */
	const char *self;      /* this feed's path and query ("/v1/changes.atom?..."), unescaped */
	const char *title;     /* plain text */
	const char *updated;   /* YYYY-MM-DDThh:mm:ssZ: when the data last changed */
};

/* The feed's head: <feed>, its id (its own address), title, updated, links, author. */
enum status atom_feed_begin(struct buf *b, const struct atom_feed *f);
/*
 * One entry: its id (the figure's address with the change id as fragment),
 * title (atom_change_title), updated (when it changed), author (the source),
 * links to the figure's card (alternate: what a reader opens) and its JSON
 * (related), a category per kind and metric, and
 * the change in text.
 */
enum status atom_entry(struct buf *b, const struct atom_feed *f, const struct change_row *c);
enum status atom_feed_end(struct buf *b);

#endif
