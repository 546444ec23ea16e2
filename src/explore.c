/* `mechtune [FILE]`: the explorer.  The curses code lives in src/tui; this
 * file only translates the command line's options. */
#include "cli/cli.h"

#include "tui/tui.h"

int cli_explore(const cli_explore_opts *o)
{
	tui_options t = {
	        .file = o->file,
	        .mouse = o->mouse,
	        .color = o->color,
	        .ascii = o->ascii,
	        .presenter = o->presenter,
	        .read_only = o->read_only,
	        .lesson = o->lesson,
	        .class_host = o->class_host,
	};
	return tui_run(&t);
}

int cli_student(const cli_student_opts *o)
{
	tui_student_options t = {
	        .host = o->host,
	        .code = o->code,
	        .name = o->name,
	        .token = o->token,
	        .color = o->color,
	        .ascii = o->ascii,
	};
	return tui_student_run(&t);
}
