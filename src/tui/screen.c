/* The explorer's screen layer (screen.h): curses set-up, colours, glyphs
 * and the text primitives every view draws with. */
#include "screen.h"

#include <langinfo.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "mechtune/strbuf.h"

const glyph_set screen_utf8_glyphs = {
        .check = "✓",
        .cross = "✗",
        .lie = "◆",
        .bar_full = "█",
        .bar_part = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"},
        .vline = "│",
        .hline = "─",
        .dots = "┊",
        .arrow = "→",
        .lambda = "λ",
        .times = "×",
        .ellipsis = "…",
        .truth_mark = "▲",
        .sep = "·",
        .ge = "≥",
        .braille = true,
        .utf8 = true,
};

const glyph_set screen_ascii_glyphs = {
        .check = "ok",
        .cross = "NO",
        .lie = "*",
        .bar_full = "#",
        .bar_part = {"", "", "", "", "+", "+", "+", "+"},
        .vline = "|",
        .hline = "-",
        .dots = ":",
        .arrow = "->",
        .lambda = "lambda",
        .times = "x",
        .ellipsis = "...",
        .truth_mark = "^",
        .sep = "-",
        .ge = ">=",
        .braille = false,
};

/* ---- the terminal ------------------------------------------------------------- */

bool screen_locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
}

void screen_start(bool mouse)
{
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (mouse) {
		mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED |
		                  BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
		                  | BUTTON5_PRESSED /* the wheel */
#endif
		          ,
		          NULL);
		mouseinterval(0);
	}
}

/* ---- colors --------------------------------------------------------------------- */

void screen_init_colors(attr_t at[C_COUNT], short pair_of[C_COUNT], bool color)
{
	for (int r = 0; r < C_COUNT; r++)
		at[r] = A_NORMAL;
	/* Monochrome: attributes only. */
	at[C_HEADER] = A_REVERSE;
	at[C_TITLE] = A_BOLD;
	at[C_CURSOR] = A_REVERSE;
	at[C_LIE] = A_BOLD;
	at[C_BAD] = A_BOLD;
	at[C_CHANGED] = A_UNDERLINE | A_BOLD;
	at[C_DIM] = A_DIM;
	at[C_ERROR] = A_BOLD;
	at[C_KEY] = A_BOLD;
	at[C_CURVE_U] = A_BOLD;
	if (!color || !has_colors())
		return;
	start_color();
	use_default_colors();
	static const struct {
		role r;
		short fg;
		attr_t extra;
	} spec[] = {
	        {C_TITLE, COLOR_CYAN, A_BOLD},    {C_LIE, COLOR_MAGENTA, A_BOLD},
	        {C_GOOD, COLOR_GREEN, 0},         {C_BAD, COLOR_RED, A_BOLD},
	        {C_BAR_Q, COLOR_BLUE, 0},         {C_BAR_P, COLOR_GREEN, 0},
	        {C_BAR_T, COLOR_YELLOW, 0},       {C_CHANGED, COLOR_YELLOW, A_BOLD},
	        {C_ERROR, COLOR_RED, A_BOLD},     {C_KEY, COLOR_CYAN, A_BOLD},
	        {C_CURVE_U, COLOR_GREEN, A_BOLD}, {C_CURVE_V, COLOR_CYAN, 0},
	        {C_CURVE_P, COLOR_YELLOW, 0},
	};
	for (size_t k = 0; k < sizeof spec / sizeof spec[0]; k++) {
		short pair = (short)(k + 1);
		if (init_pair(pair, spec[k].fg, -1) == ERR)
			continue;
		pair_of[spec[k].r] = pair;
		at[spec[k].r] = COLOR_PAIR(pair) | spec[k].extra;
	}
}

/* ---- text ------------------------------------------------------------------------ */

/* Columns and bytes of the longest prefix of s that fits in w columns. */
size_t screen_fit(const char *s, int w, int *cols)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t off = 0, len = strlen(s);
	int used = 0;
	while (off < len) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s + off, len - off, &st);
		if (k == (size_t)-1 || k == (size_t)-2) {
			/* Invalid UTF-8: count the byte as one column. */
			memset(&st, 0, sizeof st);
			k = 1;
			wc = L'?';
		} else if (k == 0) {
			break;
		}
		int cw = wcwidth(wc);
		if (cw < 0)
			cw = 1;
		if (used + cw > w)
			break;
		used += cw;
		off += k;
	}
	*cols = used;
	return off;
}

const char *clip_text(const char *s, int w, const char *ellipsis, char *buf, size_t len)
{
	mt_strbuf sb;
	mt_strbuf_init(&sb, buf, len);
	int cols, ew = text_width(ellipsis);
	size_t all = strlen(s), bytes = screen_fit(s, w, &cols);
	if (bytes < all) { /* does not fit: room for the ellipsis */
		bytes = screen_fit(s, w > ew ? w - ew : 0, &cols);
		mt_strbuf_addf(&sb, "%.*s", (int)(bytes < (size_t)INT_MAX ? bytes : INT_MAX), s);
		sb.truncated = true;
	} else {
		mt_strbuf_add(&sb, s);
	}
	return mt_strbuf_finish(&sb, ellipsis);
}

int text_width(const char *s)
{
	int cols;
	screen_fit(s, 1 << 20, &cols);
	return cols;
}

int put(int y, int x, int w, attr_t at, bool pad, const char *s)
{
	if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
		return 0;
	if (x + w > COLS)
		w = COLS - x;
	int cols;
	size_t bytes = screen_fit(s, w, &cols);
	attrset((int)(at));
	mvaddnstr(y, x, s, (int)bytes);
	if (pad)
		for (; cols < w; cols++)
			addch(' ');
	attrset((int)(A_NORMAL));
	return cols;
}

int putf(int y, int x, int w, attr_t at, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return put(y, x, w, at, false, buf);
}
