/* screen.h — the explorer's screen layer: the one file that includes
 * <curses.h>.  Curses set-up, colours by role, glyphs (UTF-8 or ASCII) and
 * the text primitives (put, putf, clip_text) the views draw with.
 *
 * Layers, lowest first (doc.h): core <- doc <- screen <- views <- loop.
 * The screen layer knows neither the document nor the views. */
#ifndef MT_TUI_SCREEN_H
#define MT_TUI_SCREEN_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

/* Glyphs: UTF-8 or ASCII. */
typedef struct {
	const char *check, *cross, *lie, *bar_full, *bar_part[8], *vline, *hline, *dots, *arrow,
	        *lambda, *times, *ellipsis, *truth_mark, *sep, *ge;
	bool braille; /* braille plots possible */
	bool utf8;
} glyph_set;

/* Color pairs / attributes by role. */
typedef enum {
	C_NORMAL = 0,
	C_HEADER,
	C_TITLE,
	C_CURSOR,
	C_LIE,
	C_GOOD,
	C_BAD,
	C_BAR_Q,
	C_BAR_P,
	C_BAR_T,
	C_CHANGED,
	C_DIM,
	C_ERROR,
	C_KEY,
	C_CURVE_U,
	C_CURVE_V,
	C_CURVE_P,
	C_COUNT
} role;

extern const glyph_set screen_utf8_glyphs, screen_ascii_glyphs;

/* The locale's character set is UTF-8. */
bool screen_locale_is_utf8(void);
/* Start curses: raw keys, no echo, keypad, non-blocking reads, no cursor,
 * the mouse's clicks when mouse. */
void screen_start(bool mouse);
/* Attributes by role: monochrome ones, and colour pairs when color and the
 * terminal has colours (pair_of[role] is the pair, 0: none). */
void screen_init_colors(attr_t at[C_COUNT], short pair_of[C_COUNT], bool color);

/* Print s at (y, x) in at most w columns (UTF-8 aware); pads with spaces
 * when pad.  Returns the columns used. */
int put(int y, int x, int w, attr_t at, bool pad, const char *s);
int putf(int y, int x, int w, attr_t at, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 5, 6)))
#endif
        ;
int text_width(const char *s);
/* Bytes of the longest prefix of s that fits in w columns; *cols is its
 * width (an invalid UTF-8 byte counts as one column). */
size_t screen_fit(const char *s, int w, int *cols);
/* s in at most w columns: cut with the ellipsis when it is wider.  Returns
 * buf (len bytes). */
const char *clip_text(const char *s, int w, const char *ellipsis, char *buf, size_t len);

#endif
