/* student.h — the student's screen of classroom mode (`mechtune class
 * join` on a terminal): the state shared by its loop (student.c: poll the
 * terminal and the host's socket, keys, signals) and its view
 * (view_student.c: draw).  The report is edited in a doc (doc.h) holding
 * the scenario as the student knows it (class.h, mt_class_student_state's
 * belief), so the editing rules are the explorer's. */
#ifndef MT_TUI_STUDENT_H
#define MT_TUI_STUDENT_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"
#include "mechtune/class.h"
#include "screen.h"

typedef struct {
	mt_class_student *cl;
	doc d;            /* d.sc: a clone of the belief; the report is the own group's */
	bool have_doc;    /* a welcome came */
	size_t col;       /* the report's column under the cursor: 0..m-1, m the size */
	size_t first_col; /* the first response column shown */
	char typed[64];   /* a number being typed */
	bool typing;
	bool confirm;     /* "submit? y/n" */
	char status[512]; /* the status line */
	bool status_error;
	unsigned long seen_seq; /* the client's message_seq last shown */
	const glyph_set *g;
	attr_t at[C_COUNT];
	short pair[C_COUNT];
	const char *host;
} student_ui;

/* The report row of the doc (doc_row(CELL_REPORT, own group)). */
int student_report_row(const student_ui *u);
/* Draw the whole screen (view_student.c). */
void student_draw(student_ui *u);

#endif
