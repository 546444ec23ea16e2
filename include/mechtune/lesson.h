/* mechtune/lesson.h — guided lessons: a scenario and a list of steps, each
 * an explanation with a prompt and a check that the step happened.
 *
 * Lessons are data; the explorer shows the current step and moves on when
 * its check passes (or, for a step without a check, when the user asks).
 * Step texts name explorer actions as {action} (for example {lie} or
 * {payment}); the explorer replaces each with the key bound to it, so the
 * texts never drift from the key table. */
#ifndef MECHTUNE_LESSON_H
#define MECHTUNE_LESSON_H

#include <stdbool.h>
#include <stddef.h>

#include "mechtune/scenario.h"
#include "mechtune/train.h"

/* What a step's check may look at. */
typedef struct {
	const mt_scenario *sc;     /* the scenario as edited now */
	const mt_scenario *start;  /* the scenario when the step began */
	const mt_outcome *outcome; /* its solve, or NULL while computing */
	size_t selected;           /* the selected group */
} mt_lesson_state;

typedef struct {
	const char *text; /* explanation and prompt, with {action} placeholders */
	/* true once the step happened; NULL: the user continues when ready */
	bool (*done)(const mt_lesson_state *st);
} mt_lesson_step;

typedef struct {
	const char *name; /* for `mechtune lesson NAME` */
	const char *title;
	const char *summary;  /* one line for the lesson menu */
	const char *scenario; /* embedded scenario file (mt_scenario_load_embedded) */
	size_t nsteps;
	const mt_lesson_step *steps;
} mt_lesson;

/* The lessons, NULL-terminated, in teaching order. */
extern const mt_lesson *const mt_lessons[];
const mt_lesson *mt_lesson_find(const char *name);

#endif
