/* Shared by the parts of the scenario file code (yamlio.c: tree and
 * loading, yamlio_emit.c, yamlio_save.c).  Internal to the core. */
#ifndef MT_YAMLIO_INTERNAL_H
#define MT_YAMLIO_INTERNAL_H

#include <locale.h>
#include <stdbool.h>

/* Numbers are read and written in the "C" locale: enter it for this thread
 * (false when out of memory), then leave it. */
struct c_locale {
	locale_t c, old;
};
bool mt_yio_c_locale_enter(struct c_locale *l);
void mt_yio_c_locale_leave(struct c_locale *l);

/* s spells an infinity or a NaN the way YAML or C would (".inf", "nan"). */
bool mt_yio_nonfinite_spelling(const char *s);
/* Whether s equals one of words (a NULL-terminated list of lower-case
 * words), ignoring case. */
bool mt_yio_word_in(const char *s, const char *const *words);

#endif
