#include "words.h"
#include "../core/strutil.h"

#include <string.h>

const char *const words_qualifier_codes[WORDS_QUALIFIERS] = {
	"exact", "about", "almost", "at_least", "more_than", "up_to",
};
const char *const words_metric_codes[WORDS_METRICS] = {
	"displaced", "idps", "refugees", "returnees", "detained", "escaped", "released",
	"killed", "injured", "missing", "idp_returnees", "refugee_returnees", "asylum_seekers",
	"killed_injured",
};
const char *const words_cause_codes[WORDS_CAUSES] = {
	"conflict", "violence", "disaster", "other",
};

const char *const words_langs[] = { "en", "ar", "fr", "es", NULL };

/* U+202F NARROW NO-BREAK SPACE: French groups thousands with it. */
#define NNBSP "\xe2\x80\xaf"
/* U+00A0 NO-BREAK SPACE: French puts it before a colon or a semicolon. */
#define NBSP "\xc2\xa0"

static const struct words words[LANG__N] = {
	[LANG_EN] = { LANG_EN, "en", "ltr", "Source", "as of", "date not given", "via",
	    "Source document", "Data", "retrieved", "Sources agree", "Sources disagree", "range",
	    "sources", "one source", "more sources in between",
	    { "", "about", "almost", "at least", "more than", "up to" },
	    { "displaced", "internally displaced", "refugees", "returnees", "detained",
	      "escaped", "released", "killed", "injured", "missing", "IDP returnees",
	      "refugee returnees", "asylum seekers", "killed or injured" },
	    "households", "from", { "conflict", "violence", "disaster", "other causes" },
	    { "January", "February", "March", "April", "May", "June", "July", "August",
	      "September", "October", "November", "December" },
	    ",", 4,
	    "revised on", "no longer published by the feed", "Licence",
	    "Nothing to show here", "These figures cannot be shown right now",
	    "This card cannot be shown", "check the card's address (see /v1/openapi.json)",
	    "it will show again once the service recovers",
	    .page = { .name = "English", .site = "figures",
	      .tagline = "Humanitarian figures, each with who said it",
	      .skip = "Skip to the content", .find = "Find a place",
	      .find_hint = "A name in any script (Ain Issa, عين عيسى) or a code (SYR)",
	      .search = "Search", .home_title = "Find a place and its figures",
	      .home_h1 = "Humanitarian figures and who gave them",
	      .results = "Places matching", .no_results = "No place matches",
	      .by_country = "Latest figures by country",
	      .no_place_figures = "No figures about this place.", .figure_prefix = "Figure:",
	      .one_source = "One source", .counted = "counted", .said = "said",
	      .reported = "reported", .list_sep = ", ", .value = "Value", .date = "Date",
	      .qualifier = "Qualifier", .origin = "Origin", .unit = "Unit", .people = "people",
	      .cause = "Cause", .via = "Via", .reported_on = "reported on", .retrieved = "retrieved",
	      .embed = "Embed", .embed_code = "Embed code: copy it into your page",
	      .oembed = "oEmbed address", .chart_table = "The chart's figures as a table",
	      .chart_desc = "One line per source; each point is a figure at its date.",
	      .revisions = "Revisions", .superseded = "superseded", .current = "current",
	      .withdrawn = "withdrawn by its feed", .data_as_of = "figures last changed",
	      .preview = "Preview the card", .exact = "exact" } },
	[LANG_AR] = { LANG_AR, "ar", "rtl", "المصدر", "حتى تاريخ", "التاريخ غير مذكور", "عبر",
	    "الوثيقة المصدر", "البيانات", "جُمعت في", "المصادر متفقة", "المصادر مختلفة", "النطاق",
	    "مصادر", "مصدر واحد", "مصادر أخرى بينها",
	    { "", "حوالي", "قرابة", "على الأقل", "أكثر من", "حتى" },
	    { "نازحون", "نازحون داخليًا", "لاجئون", "عائدون", "محتجزون", "فارّون",
	      "مُفرج عنهم", "قتلى", "جرحى", "مفقودون", "نازحون داخليًا عائدون", "لاجئون عائدون",
	      "طالبو لجوء", "قتلى وجرحى" },
	    "أسر", "من", { "نزاع", "عنف", "كوارث", "أسباب أخرى" },
	    { "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
	      "أكتوبر", "نوفمبر", "ديسمبر" },
	    ",", 4,
	    "عُدّل في", "لم يعد المصدر ينشره", "الترخيص",
	    "لا شيء لعرضه هنا", "لا يمكن عرض هذه الأرقام الآن", "لا يمكن عرض هذه البطاقة",
	    "تحقّق من عنوان البطاقة (انظر /v1/openapi.json)",
	    "ستظهر من جديد حين تعود الخدمة",
	    .page = { .name = "العربية", .site = "figures",
	      .tagline = "أرقام إنسانية مع مصدر كل منها",
	      .skip = "انتقل إلى المحتوى", .find = "ابحث عن مكان",
	      .find_hint = "اسم بأي كتابة (عين عيسى، Ain Issa) أو رمز (SYR)",
	      .search = "بحث", .home_title = "ابحث عن مكان",
	      .home_h1 = "أرقام إنسانية ومصادرها",
	      .results = "الأماكن المطابقة", .no_results = "لا يوجد مكان مطابق",
	      .by_country = "أحدث الأرقام حسب البلد",
	      .no_place_figures = "لا أرقام عن هذا المكان.", .figure_prefix = "رقم:",
	      .one_source = "مصدر واحد", .counted = "أحصى", .said = "قال",
	      .reported = "ذكر", .list_sep = "، ", .value = "القيمة", .date = "التاريخ",
	      .qualifier = "الدقة", .origin = "المنشأ", .unit = "الوحدة", .people = "أشخاص",
	      .cause = "السبب", .via = "عبر", .reported_on = "نُشر في", .retrieved = "جُمع في",
	      .embed = "التضمين", .embed_code = "رمز التضمين: انسخه إلى صفحتك",
	      .oembed = "عنوان oEmbed", .chart_table = "أرقام الرسم البياني في جدول",
	      .chart_desc = "خط لكل مصدر؛ كل نقطة رقم في تاريخه.",
	      .revisions = "المراجعات", .superseded = "استُبدل", .current = "الحالي",
	      .withdrawn = "سحبه مصدره", .data_as_of = "آخر تغيير للأرقام",
	      .preview = "معاينة البطاقة", .exact = "دقيق" } },
	[LANG_FR] = { LANG_FR, "fr", "ltr", "Source", "au", "date non indiquée", "via",
	    "Document source", "Données", "collecté le", "Les sources concordent",
	    "Les sources divergent", "fourchette", "sources", "une seule source",
	    "autres sources entre les deux",
	    { "", "environ", "près de", "au moins", "plus de", "jusqu’à" },
	    { "déplacés", "déplacés internes", "réfugiés", "rentrés", "détenus", "évadés",
	      "libérés", "tués", "blessés", "disparus", "déplacés internes rentrés",
	      "réfugiés rentrés", "demandeurs d’asile", "tués ou blessés" },
	    "ménages", "originaires de", { "conflit", "violence", "catastrophes", "autres causes" },
	    { "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	      "septembre", "octobre", "novembre", "décembre" },
	    NNBSP, 4,
	    "révisé le", "n’est plus publié par le flux", "Licence",
	    "Rien à afficher ici", "Ces chiffres ne peuvent pas être affichés pour le moment",
	    "Cette carte ne peut pas être affichée",
	    "vérifiez l’adresse de la carte (voir /v1/openapi.json)",
	    "elle s’affichera de nouveau dès que le service sera rétabli",
	    .page = { .name = "Français", .site = "figures",
	      .tagline = "Des chiffres humanitaires, chacun avec sa source",
	      .skip = "Aller au contenu", .find = "Trouver un lieu",
	      .find_hint = "Un nom dans n’importe quelle écriture (Ain Issa, عين عيسى) "
	        "ou un code (SYR)",
	      .search = "Rechercher", .home_title = "Trouver un lieu et ses chiffres",
	      .home_h1 = "Les chiffres humanitaires et qui les a donnés",
	      .results = "Résultats de la recherche", .no_results = "Aucun lieu ne correspond",
	      .by_country = "Derniers chiffres par pays",
	      .no_place_figures = "Aucun chiffre sur ce lieu.", .figure_prefix = "Chiffre" NBSP ":",
	      .one_source = "Une seule source", .counted = "a compté", .said = "a déclaré",
	      .reported = "a signalé", .list_sep = ", ", .value = "Valeur", .date = "Date",
	      .qualifier = "Précision", .origin = "Origine", .unit = "Unité",
	      .people = "personnes", .cause = "Cause", .via = "Via", .reported_on = "publié le",
	      .retrieved = "collecté le", .embed = "Intégrer",
	      .embed_code = "Code d’intégration" NBSP ": copiez-le dans votre page",
	      .oembed = "Adresse oEmbed",
	      .chart_table = "Les chiffres du graphique sous forme de tableau",
	      .chart_desc = "Une ligne par source" NBSP "; chaque point est un chiffre à sa date.",
	      .revisions = "Révisions", .superseded = "remplacé", .current = "actuel",
	      .withdrawn = "retiré par son flux",
	      .data_as_of = "chiffres modifiés pour la dernière fois le",
	      .preview = "Aperçu de la carte", .exact = "exact" } },
	[LANG_ES] = { LANG_ES, "es", "ltr", "Fuente", "al", "fecha no indicada", "vía",
	    "Documento fuente", "Datos", "obtenido el", "Las fuentes coinciden",
	    "Las fuentes discrepan", "rango", "fuentes", "una sola fuente",
	    "fuentes más entre ambos extremos",
	    { "", "alrededor de", "casi", "al menos", "más de", "hasta" },
	    { "desplazados", "desplazados internos", "refugiados", "retornados", "detenidos",
	      "fugados", "liberados", "muertos", "heridos", "desaparecidos",
	      "desplazados internos retornados", "refugiados retornados",
	      "solicitantes de asilo", "muertos o heridos" },
	    "hogares", "procedentes de", { "conflicto", "violencia", "desastres", "otras causas" },
	    { "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
	      "septiembre", "octubre", "noviembre", "diciembre" },
	    ".", 5,
	    "revisado el", "el canal de datos ya no lo publica", "Licencia",
	    "Nada que mostrar aquí", "Estas cifras no se pueden mostrar en este momento",
	    "Esta tarjeta no se puede mostrar",
	    "compruebe la dirección de la tarjeta (véase /v1/openapi.json)",
	    "volverá a mostrarse cuando el servicio se recupere",
	    .page = { .name = "Español", .site = "figures",
	      .tagline = "Cifras humanitarias, cada una con quién la dio",
	      .skip = "Saltar al contenido", .find = "Buscar un lugar",
	      .find_hint = "Un nombre en cualquier escritura (Ain Issa, عين عيسى) "
	        "o un código (SYR)",
	      .search = "Buscar", .home_title = "Buscar un lugar y sus cifras",
	      .home_h1 = "Cifras humanitarias y quién las dio",
	      .results = "Resultados de la búsqueda", .no_results = "Ningún lugar coincide",
	      .by_country = "Últimas cifras por país",
	      .no_place_figures = "No hay cifras sobre este lugar.", .figure_prefix = "Cifra:",
	      .one_source = "Una sola fuente", .counted = "contabilizó", .said = "declaró",
	      .reported = "informó de", .list_sep = ", ", .value = "Valor", .date = "Fecha",
	      .qualifier = "Precisión", .origin = "Origen", .unit = "Unidad",
	      .people = "personas", .cause = "Causa", .via = "Vía", .reported_on = "publicado el",
	      .retrieved = "obtenido el", .embed = "Insertar",
	      .embed_code = "Código para insertar: cópielo en su página",
	      .oembed = "Dirección oEmbed", .chart_table = "Las cifras del gráfico en una tabla",
	      .chart_desc = "Una línea por fuente; cada punto es una cifra en su fecha.",
	      .revisions = "Revisiones", .superseded = "sustituida", .current = "vigente",
	      .withdrawn = "retirada por su canal de datos",
	      .data_as_of = "cifras modificadas por última vez el",
	      .preview = "Vista previa de la tarjeta", .exact = "exacta" } },
};

const struct words *
words_for(const char *lang)
{
	for (size_t i = 0; lang != NULL && i < LANG__N; i++)
		if (strcmp(lang, words[i].lang) == 0)
			return &words[i];
	return &words[LANG_EN];
}

int
words_index(const char *code, const char *const *codes, size_t n)
{
	for (size_t i = 0; code != NULL && i < n; i++)
		if (strcmp(code, codes[i]) == 0)
			return (int)i;
	return -1;
}

const char *
words_metric(const struct words *w, const char *code)
{
	int i = words_index(code, words_metric_codes, WORDS_METRICS);

	return i < 0 ? code : w->metric[i];
}

const char *
words_qualifier(const struct words *w, const char *code)
{
	int i = words_index(code, words_qualifier_codes, WORDS_QUALIFIERS);

	return i < 0 ? code : w->qualifier[i];
}

const char *
words_cause(const struct words *w, const char *code)
{
	int i = words_index(code, words_cause_codes, WORDS_CAUSES);

	return i < 0 ? code : w->cause[i];
}

size_t
words_number(const struct words *w, long long v, char out[WORDS_NUMBER_MAX])
{
	char digits[INT_TEXT_MAX];
	size_t n = int_text(v, digits), o = 0, start = digits[0] == '-';
	size_t sep = strlen(w->group_sep), count = n - start;

	for (size_t i = 0; i < n; i++) {
		/* a separator before each group of three, once the number is long enough */
		if (i > start && count >= (size_t)w->group_min && (n - i) % 3 == 0) {
			memcpy(out + o, w->group_sep, sep);
			o += sep;
		}
		out[o++] = digits[i];
	}
	out[o] = '\0';
	return o;
}

/*
 * 1 if s starts with a real day, YYYY-MM-DD (then the end or a time), with
 * its month (1-12) in *m. Its day and year are written from its own digits:
 * sscanf here, with printf below, took a third of a 500-row CSV page's
 * rendering, and the numbers read back and written again most of the rest.
 */
static int
day_of(const char *s, int *m)
{
	if (s == NULL || !date_starts(s) || (s[10] != '\0' && s[10] != 'T'))
		return 0;
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	return 1;
}

/* The day of a YYYY-MM-DD as %d writes it: "7", "13". */
static enum status
put_day(struct buf *b, const char *date)
{
	return date[8] == '0' ? buf_append(b, date + 9, 1) : buf_append(b, date + 8, 2);
}

#define CHECK(x) do { if ((st = (x)) != ST_OK) return st; } while (0)

enum status
words_date(struct buf *b, const struct words *w, const char *date)
{
	enum status st;
	int m;

	if (!day_of(date, &m))
		return buf_puts(b, date != NULL ? date : "");
	/* fr "1er mars 2024", es "1 de marzo de 2024", others "1 March 2024" */
	CHECK(put_day(b, date));
	if (w->id == LANG_FR && date[8] == '0' && date[9] == '1')
		CHECK(buf_append(b, "er", 2));
	CHECK(buf_puts(b, w->id == LANG_ES ? " de " : " "));
	CHECK(buf_puts(b, w->month[m - 1]));
	CHECK(buf_puts(b, w->id == LANG_ES ? " de " : " "));
	return buf_append(b, date, 4);   /* date_starts allows years 1900-2200 only */
}
