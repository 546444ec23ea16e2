/* tui.h — the ncurses explorer, as seen from the command line.  This header
 * does not include curses: src/cli calls it without knowing about curses. */
#ifndef MT_TUI_H
#define MT_TUI_H

#include <stdbool.h>
#include <stdio.h>

struct mt_class_host_opts; /* mechtune/class.h */

typedef struct {
	const char *file;   /* NULL: the embedded default scenario */
	bool mouse;         /* capture mouse clicks */
	bool color;         /* false: monochrome (NO_COLOR, --no-color) */
	bool ascii;         /* ASCII characters only */
	bool presenter;     /* projector layout (issue 5: wider columns, bigger bars) */
	bool read_only;     /* demo mode: saving is disabled, quitting never asks */
	const char *lesson; /* NULL, or a lesson to start with (issue 5) */
	/* Host a class on the scenario as loaded (issue 12): the class panel
	 * (view_class.c); NULL: no class.  The host cannot listen: status 1. */
	const struct mt_class_host_opts *class_host;
} tui_options;

/* Run the explorer until the user quits.  Returns 0; 1 when the terminal
 * cannot be used, 2 when the scenario does not load (one line on stderr says
 * why); 128 + N after signal N or a lost terminal (129, as for SIGHUP), when
 * unsaved changes went to a recovery file (one line on stderr names it). */
int tui_run(const tui_options *o);

/* Check the key table: every key is bound once in each view (keys_dispatch
 * takes the key's first binding in the current view, so a second one there
 * would never act; the class panel's c is not the plot's) and no binding uses a
 * digit (digits start a number entry).  Each problem goes to f on its own
 * line; returns how many there are. */
int tui_keys_check(FILE *f);
/* Write the key table as Markdown (the list in docs/explorer.md). */
void tui_keys_markdown(FILE *f);

/* Write every lesson step with its {action} placeholders replaced by keys;
 * returns 0, or 1 when a placeholder names no key or a lesson's scenario is
 * not embedded (each problem on its own line). */
int tui_lessons_check(FILE *f);

/* The student's screen of classroom mode (`mechtune class join` on a
 * terminal; src/tui/student.c). */
typedef struct {
	const char *host, *code, *name, *token;
	bool color, ascii;
} tui_student_options;
/* Returns 0 when the student quits, 1 when the terminal cannot be used or
 * the host address is wrong (a line on stderr), 128 + N after signal N or a
 * lost terminal (129). */
int tui_student_run(const tui_student_options *o);

#endif
