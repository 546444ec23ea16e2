/* Modal helpers: the line editor on the status line, yes/no questions and
 * the scenario picker. */
#include "app.h"

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <wchar.h>

#include "mechtune/yamlio.h"

/* ---- line editor ------------------------------------------------------------ */

void input_start(app *a, const char *prompt, const char *initial, bool numeric,
                 int (*done)(app *a, const char *text))
{
	input_line *in = &a->input;
	memset(in, 0, sizeof *in);
	snprintf(in->prompt, sizeof in->prompt, "%s", prompt);
	size_t n = mbstowcs(in->buf, initial, sizeof in->buf / sizeof in->buf[0] - 1);
	in->len = in->pos = n == (size_t)-1 ? 0 : n;
	in->buf[in->len] = 0;
	in->numeric = numeric;
	in->done = done;
	a->mode = MODE_INPUT;
	curs_set(1);
}

static int input_finish(app *a, bool accept)
{
	input_line *in = &a->input;
	a->mode = MODE_NORMAL;
	curs_set(0);
	if (!accept) {
		a->quit_after_save = false; /* "save and quit" ends with the save's prompt */
		app_set_status(a, false, "cancelled: nothing was changed");
		return R_REDRAW;
	}
	char text[1024];
	size_t n = wcstombs(text, in->buf, sizeof text - 1);
	if (n == (size_t)-1) {
		app_set_status(a, true, "the text cannot be represented in this locale");
		return R_REDRAW;
	}
	text[n] = 0;
	/* Trim spaces at both ends. */
	char *s = text;
	while (*s == ' ')
		s++;
	size_t len = strlen(s);
	while (len && s[len - 1] == ' ')
		s[--len] = 0;
	return in->done(a, s);
}

int input_key(app *a, int key, bool is_char)
{
	input_line *in = &a->input;
	size_t cap = sizeof in->buf / sizeof in->buf[0] - 1;
	if (is_char) {
		switch (key) {
		case '\r':
		case '\n': return input_finish(a, true);
		case 27: /* Esc */
		case CTRL_KEY('g'): return input_finish(a, false);
		case 127:
		case CTRL_KEY('h'):
			if (in->pos > 0) {
				memmove(&in->buf[in->pos - 1], &in->buf[in->pos],
				        (in->len - in->pos + 1) * sizeof in->buf[0]);
				in->pos--;
				in->len--;
			}
			return R_REDRAW;
		case CTRL_KEY('u'):
			in->len = in->pos = 0;
			in->buf[0] = 0;
			return R_REDRAW;
		case CTRL_KEY('a'): in->pos = 0; return R_REDRAW;
		case CTRL_KEY('e'): in->pos = in->len; return R_REDRAW;
		default:
			if (key < 32 || in->len >= cap)
				return R_NONE;
			memmove(&in->buf[in->pos + 1], &in->buf[in->pos],
			        (in->len - in->pos + 1) * sizeof in->buf[0]);
			in->buf[in->pos++] = (wchar_t)key;
			in->len++;
			return R_REDRAW;
		}
	}
	switch (key) {
	case KEY_ENTER: return input_finish(a, true);
	case KEY_BACKSPACE: return input_key(a, 127, true);
	case KEY_DC:
		if (in->pos < in->len) {
			memmove(&in->buf[in->pos], &in->buf[in->pos + 1],
			        (in->len - in->pos) * sizeof in->buf[0]);
			in->len--;
		}
		return R_REDRAW;
	case KEY_LEFT:
		if (in->pos > 0)
			in->pos--;
		return R_REDRAW;
	case KEY_RIGHT:
		if (in->pos < in->len)
			in->pos++;
		return R_REDRAW;
	case KEY_HOME: in->pos = 0; return R_REDRAW;
	case KEY_END: in->pos = in->len; return R_REDRAW;
	default: return R_NONE;
	}
}

void input_draw(app *a, int y)
{
	input_line *in = &a->input;
	int x = put(y, 0, COLS, a->attr[C_KEY], false, in->prompt);
	char text[1024];
	size_t n = wcstombs(text, in->buf, sizeof text - 1);
	text[n == (size_t)-1 ? 0 : n] = 0;
	/* Keep the cursor visible: show the tail when the text is long. */
	int w = COLS - x - 1;
	const char *shown = text;
	while (text_width(shown) > w && *shown)
		shown++;
	put(y, x, w, A_NORMAL, false, shown);
	wchar_t head[256];
	size_t k = in->pos < 255 ? in->pos : 255;
	wmemcpy(head, in->buf, k);
	head[k] = 0;
	char hb[1024];
	size_t hn = wcstombs(hb, head, sizeof hb - 1);
	hb[hn == (size_t)-1 ? 0 : hn] = 0;
	int cx = x + text_width(hb) - (int)(shown - text);
	if (cx >= COLS)
		cx = COLS - 1;
	move(y, cx < x ? x : cx);
}

/* ---- questions ---------------------------------------------------------------- */

void confirm_start(app *a, const char *choices, int (*done)(app *a, int choice), const char *fmt,
                   ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->confirm.question, sizeof a->confirm.question, fmt, ap);
	va_end(ap);
	a->confirm.choices = choices;
	a->confirm.done = done;
	a->mode = MODE_CONFIRM;
}

int confirm_key(app *a, int key)
{
	if (key == 27 || key == CTRL_KEY('g')) {
		a->mode = MODE_NORMAL;
		app_set_status(a, false, "cancelled");
		return a->confirm.done(a, 0);
	}
	if (key >= 'A' && key <= 'Z')
		key += 'a' - 'A';
	if (key <= 0 || key > 127 || !strchr(a->confirm.choices, key))
		return R_NONE;
	a->mode = MODE_NORMAL;
	if (key == 'c')
		app_set_status(a, false, "cancelled");
	return a->confirm.done(a, key);
}

/* ---- picker ----------------------------------------------------------------------- */

void picker_free(app *a)
{
	picker *p = &a->pick;
	for (size_t k = 0; k < p->len; k++) {
		free(p->paths[k]);
		free(p->labels[k]);
	}
	free(p->paths);
	free(p->labels);
	memset(p, 0, sizeof *p);
}

static bool picker_add(picker *p, const char *path, const char *label)
{
	char **paths = realloc(p->paths, (p->len + 1) * sizeof *paths);
	if (!paths)
		return false;
	p->paths = paths;
	char **labels = realloc(p->labels, (p->len + 1) * sizeof *labels);
	if (!labels)
		return false;
	p->labels = labels;
	p->paths[p->len] = path ? strdup(path) : NULL;
	p->labels[p->len] = strdup(label);
	p->len++;
	return true;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n >= k && !strcmp(s + n - k, suf);
}

/* "812 B", "3.4 KB", "12 MB" */
static const char *size_text(char *buf, size_t len, double bytes)
{
	static const char *const unit[] = {"B", "KB", "MB", "GB"};
	size_t u = 0;
	while (bytes >= 1000.0 && u + 1 < sizeof unit / sizeof unit[0]) {
		bytes /= 1000.0;
		u++;
	}
	snprintf(buf, len, u && bytes < 10.0 ? "%6.1f %s" : "%6.0f %s", bytes, unit[u]);
	return buf;
}

static void add_dir(picker *p, const char *dir, char seen[][PATH_MAX], size_t *nseen)
{
	char real[PATH_MAX];
	if (!realpath(dir, real))
		return;
	for (size_t k = 0; k < *nseen; k++)
		if (!strcmp(seen[k], real))
			return;
	snprintf(seen[(*nseen)++], PATH_MAX, "%s", real);
	DIR *d = opendir(real);
	if (!d)
		return;
	char *names[512];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 512)
		if (e->d_name[0] != '.' &&
		    (has_suffix(e->d_name, ".yaml") || has_suffix(e->d_name, ".yml")))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof names[0], cmp_str);
	bool headed = false; /* the folder's heading, before its first file */
	for (size_t k = 0; k < n; k++) {
		if (!names[k])
			continue;
		char path[PATH_MAX + 256], label[512], size[32];
		snprintf(path, sizeof path, "%s/%s", real, names[k]);
		/* Only the file's type and size: the chosen file alone is
		 * parsed (a FIFO named x.yaml would block, a big file take
		 * seconds).  stat() follows links and never blocks. */
		struct stat sb;
		if (!stat(path, &sb) && S_ISREG(sb.st_mode)) {
			snprintf(label, sizeof label, "%-28s %s", names[k],
			         size_text(size, sizeof size, (double)sb.st_size));
			if (!headed) {
				char head[PATH_MAX + 32];
				snprintf(head, sizeof head, "%s%s",
				         strcmp(dir, ".") ? "" : "current directory: ", real);
				picker_add(p, NULL, head);
				headed = true;
			}
			picker_add(p, path, label);
		}
		free(names[k]);
	}
}

void picker_open(app *a)
{
	picker_free(a);
	a->pick.lessons = false;
	picker *p = &a->pick;
	static char seen[8][PATH_MAX];
	size_t nseen = 0;
	picker_add(p, "", "[type a path]");
#ifdef MT_SOURCE_SCENARIO_DIR
	add_dir(p, MT_SOURCE_SCENARIO_DIR, seen, &nseen);
#endif
#ifdef MT_SCENARIO_DIR
	add_dir(p, MT_SCENARIO_DIR, seen, &nseen);
#endif
	add_dir(p, "scenarios", seen, &nseen);
	add_dir(p, ".", seen, &nseen);
	p->sel = p->len > 2 ? 2 : 0;
	a->mode = MODE_PICKER;
}

void picker_open_lessons(app *a)
{
	picker_free(a);
	picker *p = &a->pick;
	p->lessons = true;
	for (size_t i = 0; mt_lessons[i]; i++) {
		char label[512];
		snprintf(label, sizeof label, "%-14s %s", mt_lessons[i]->name,
		         mt_lessons[i]->title);
		picker_add(p, mt_lessons[i]->name, label);
	}
	p->sel = 0;
	a->mode = MODE_PICKER;
}

static int open_typed(app *a, const char *text)
{
	if (!*text) {
		app_set_status(a, false, "no path given: nothing opened");
		return R_REDRAW;
	}
	return app_open(a, text);
}

int picker_key(app *a, int key)
{
	picker *p = &a->pick;
	switch (key) {
	case KEY_UP:
	case 'k':
		while (p->sel > 0) {
			p->sel--;
			if (p->paths[p->sel])
				break;
		}
		return R_REDRAW;
	case KEY_DOWN:
	case 'j':
		for (size_t s = p->sel + 1; s < p->len; s++)
			if (p->paths[s]) {
				p->sel = s;
				break;
			}
		return R_REDRAW;
	case '\r':
	case '\n':
	case KEY_ENTER: {
		a->mode = MODE_NORMAL;
		if (p->sel >= p->len || !p->paths[p->sel])
			return R_REDRAW;
		if (!*p->paths[p->sel]) {
			input_start(a, "open: ", "", false, open_typed);
			return R_REDRAW;
		}
		char path[PATH_MAX + 256];
		snprintf(path, sizeof path, "%s", p->paths[p->sel]);
		if (p->lessons) {
			const mt_lesson *l = mt_lesson_find(path);
			return l ? lesson_begin(a, l) : R_REDRAW;
		}
		return app_open(a, path);
	}
	case 27:
	case 'q':
		a->mode = MODE_NORMAL;
		app_set_status(a, false, p->lessons ? "no lesson started" : "nothing opened");
		return R_REDRAW;
	default: return R_NONE;
	}
}

void picker_draw(app *a)
{
	picker *p = &a->pick;
	put(1, 0, COLS, a->attr[C_TITLE], false,
	    p->lessons ? "Lessons: arrows choose, Enter starts, Esc cancels"
	               : "Open a scenario: arrows choose, Enter opens, Esc cancels");
	int rows = LINES - 4;
	if (p->lessons) /* the summaries below the list */
		rows = (int)p->len;
	if ((int)p->sel < (int)p->top)
		p->top = p->sel;
	if ((int)p->sel >= (int)p->top + rows)
		p->top = p->sel - (size_t)rows + 1;
	for (int r = 0; r < rows && p->top + (size_t)r < p->len; r++) {
		size_t k = p->top + (size_t)r;
		int y = 2 + r;
		if (!p->paths[k]) {
			put(y, 0, COLS, a->attr[C_DIM] | A_BOLD, false, p->labels[k]);
			continue;
		}
		put(y, 2, COLS - 2, k == p->sel ? a->attr[C_CURSOR] : A_NORMAL, true, p->labels[k]);
		add_hit(a, y, 2, COLS - 2, HIT_PICKER, (int)k, 0);
	}
	if (p->lessons && p->sel < p->len) {
		const mt_lesson *l = mt_lesson_find(p->paths[p->sel]);
		if (l) {
			int y = 3 + (int)p->len;
			putf(y, 2, COLS - 2, a->attr[C_DIM], "%s: %zu steps on '%s'", l->name,
			     l->nsteps, l->scenario);
			putf(y + 1, 2, COLS - 2, A_NORMAL, "%s", l->summary);
			putf(y + 3, 2, COLS - 2, a->attr[C_DIM],
			     "Each step says what to do and moves on once it happened; Esc or L "
			     "leaves a lesson at any time.");
		}
	}
}
