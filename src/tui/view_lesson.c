/* Guided lessons in the explorer (mechtune/lesson.h holds the data): start
 * one on its embedded scenario, show the current step in the info panel
 * with every {action} replaced by its key, move on when the step's check
 * passes, leave at any time. */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mechtune/yamlio.h"

static void step_text(app *a)
{
	const mt_lesson_step *st = &a->lesson->steps[a->lesson_step];
	char bad[64];
	if (!keys_expand(a, st->text, a->lesson_text, sizeof a->lesson_text, bad, sizeof bad))
		app_set_status(a, true, "lesson text names an unknown action {%s}", bad);
}

/* Step k begins now: remember the scenario its check compares with. */
static void begin_step(app *a, size_t k)
{
	a->lesson_step = k;
	a->lesson_step_edit = a->doc.edit_id;
	mt_scenario_free(a->lesson_start);
	a->lesson_start = mt_scenario_clone(a->doc.sc);
	step_text(a);
}

void lesson_release(app *a)
{
	mt_scenario_free(a->lesson_start);
	a->lesson_start = NULL;
	a->lesson = NULL;
	a->lesson_step = 0;
}

int lesson_begin(app *a, const mt_lesson *l)
{
	mt_scenario *sc = NULL;
	mt_error err = {0};
	if (mt_scenario_load_embedded(l->scenario, &sc, &err)) {
		char line[MT_ERROR_TEXT_MAX];
		app_set_status(a, true, "lesson '%s': %s", l->name,
		               mt_error_format(&err, line, sizeof line));
		return R_REDRAW;
	}
	lesson_release(a);
	app_replace_scenario(a, sc, NULL);
	a->view = VIEW_MAIN;
	a->lesson = l;
	begin_step(a, 0);
	if (!a->lesson_start) {
		lesson_release(a);
		app_set_status(a, true, "out of memory: the lesson did not start");
		return R_REDRAW | R_RESOLVE;
	}
	app_set_status(a, false, "lesson '%s': %zu steps (Esc leaves)", l->name, l->nsteps);
	return R_REDRAW | R_RESOLVE;
}

int lesson_leave(app *a, bool finished)
{
	if (!a->lesson)
		return R_NONE;
	const char *name = a->lesson->name;
	lesson_release(a);
	if (finished)
		app_set_status(a, false, "lesson '%s' finished: keep exploring, or L for another",
		               name);
	else
		app_set_status(a, false, "left the lesson '%s' (L picks a lesson)", name);
	return R_REDRAW;
}

static int advance(app *a)
{
	if (a->lesson_step + 1 >= a->lesson->nsteps)
		return lesson_leave(a, true);
	begin_step(a, a->lesson_step + 1);
	app_set_status(a, false, "step %zu of %zu", a->lesson_step + 1, a->lesson->nsteps);
	return R_REDRAW;
}

bool lesson_waiting(const app *a)
{
	return a->lesson && !a->lesson->steps[a->lesson_step].done;
}

int lesson_next(app *a)
{
	if (!a->lesson) {
		app_set_status(a, false, "no lesson is running (L picks one)");
		return R_REDRAW;
	}
	if (!lesson_waiting(a)) {
		app_set_status(a, false, "this step moves on by itself once you have done it");
		return R_REDRAW;
	}
	return advance(a);
}

int lesson_check(app *a)
{
	if (!a->lesson || lesson_waiting(a) || !a->lesson_start)
		return R_NONE;
	/* A step checks what the user did: nothing happened yet, nothing to check. */
	if (a->doc.edit_id == a->lesson_step_edit)
		return R_NONE;
	const mt_stage_result *r = app_result(a, MT_STAGE_SOLVE);
	mt_lesson_state st = {
	        .sc = a->doc.sc,
	        .start = a->lesson_start,
	        .outcome = r && r->status == MT_OK ? &r->outcome : NULL,
	        .selected = app_group(a),
	};
	if (!a->lesson->steps[a->lesson_step].done(&st))
		return R_NONE;
	return advance(a);
}

/* --- the check behind `mechtune --lessons-check` ----------------------------------- */

int tui_lessons_check(FILE *f)
{
	static const glyph_set probe = {.utf8 = true};
	app *a = calloc(1, sizeof *a);
	if (!a)
		return 1;
	a->g = &probe;
	int bad_count = 0;
	for (size_t i = 0; mt_lessons[i]; i++) {
		const mt_lesson *l = mt_lessons[i];
		mt_scenario *sc = NULL;
		if (mt_scenario_load_embedded(l->scenario, &sc, NULL)) {
			fprintf(f, "%s: scenario %s is not embedded\n", l->name, l->scenario);
			bad_count++;
		}
		mt_scenario_free(sc);
		for (size_t k = 0; k < l->nsteps; k++) {
			char out[2048], bad[64];
			if (keys_expand(a, l->steps[k].text, out, sizeof out, bad, sizeof bad)) {
				fprintf(f, "%s %zu: %s\n", l->name, k + 1, out);
			} else {
				fprintf(f, "%s %zu: unknown action {%s}\n", l->name, k + 1, bad);
				bad_count++;
			}
		}
	}
	free(a);
	return bad_count ? 1 : 0;
}
