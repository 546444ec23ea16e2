/* mechtune lesson [NAME]: list the guided lessons, or open the explorer on
 * one of them. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mechtune/lesson.h"

static void list_lessons(FILE *f)
{
	fprintf(f, "lessons (mechtune lesson NAME; L in the explorer):\n");
	for (size_t i = 0; mt_lessons[i]; i++)
		fprintf(f, "  %-13s %s (%zu steps)\n    %-11s %s\n", mt_lessons[i]->name,
		        mt_lessons[i]->title, mt_lessons[i]->nsteps, "", mt_lessons[i]->summary);
}

static int run(int argc, char **argv)
{
	cli_explore_opts o;
	cli_explore_defaults(&o);
	for (int a = 1; a < argc; a++) {
		const char *s = argv[a];
		if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
			cli_print_usage(&cli_lesson, stdout);
			putchar('\n');
			list_lessons(stdout);
			return CLI_OK;
		} else if (cli_explore_option(s, &o)) {
			continue;
		} else if (s[0] == '-' && s[1]) {
			return cli_usage_error("lesson", "unknown option '%s'", s);
		} else if (o.lesson) {
			return cli_usage_error("lesson", "one lesson at a time ('%s' and '%s')",
			                       o.lesson, s);
		} else {
			o.lesson = s;
		}
	}
	if (!o.lesson) {
		list_lessons(stdout);
		return CLI_OK;
	}
	if (!mt_lesson_find(o.lesson)) {
		char names[256] = "";
		for (size_t i = 0; mt_lessons[i]; i++) {
			size_t k = strlen(names);
			snprintf(names + k, sizeof names - k, "%s%s", i ? ", " : "",
			         mt_lessons[i]->name);
		}
		fprintf(stderr, "mechtune lesson: unknown lesson '%s' (lessons: %s)\n", o.lesson,
		        names);
		return CLI_USAGE;
	}
	return cli_explore(&o);
}

const cli_command cli_lesson = {
        .name = "lesson",
        .summary = "walk through a guided lesson in the explorer",
        .usage = "usage: mechtune lesson [NAME] [--presenter] [--read-only] [--ascii]\n"
                 "                        [--no-color] [--no-mouse]\n"
                 "\n"
                 "Without NAME, list the lessons.  With NAME, open the explorer on the\n"
                 "lesson's scenario with the lesson running: each step explains what the\n"
                 "screen shows, asks for one action and moves on once it happened (Space\n"
                 "continues where a step only explains).  L or Esc leaves the lesson at any\n"
                 "time; L in the explorer picks a lesson.  An unknown NAME exits 2.\n",
        .run = run,
};
