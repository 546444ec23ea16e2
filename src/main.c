/* mechtune: the command line.  `mechtune [FILE]` opens the explorer;
 * `mechtune COMMAND ...` runs a batch subcommand. */
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "mechtune/library.h"
#include "tui/tui.h"

const cli_command *const cli_commands[] = {&cli_solve,  &cli_analyze, &cli_sweep, &cli_check,
                                           &cli_lesson, &cli_class,   NULL};

static void print_help(void)
{
	printf("usage: mechtune [OPTIONS] [FILE]        open the explorer on FILE (default "
	       "scenario)\n"
	       "       mechtune COMMAND [ARGS] [--help]\n"
	       "\n"
	       "Explore mechanism design for LLM fine-tuning with multiple reward models:\n"
	       "groups report reward models and sizes, an SW-Max rule trains the policy,\n"
	       "and a payment rule charges them.  See the README and mechtune(1).\n"
	       "\ncommands:\n");
	for (size_t i = 0; cli_commands[i]; i++)
		printf("  %-10s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
	printf("\nexplorer options:\n"
	       "  --no-mouse   do not capture the mouse\n"
	       "  --no-color   monochrome (also when NO_COLOR is set)\n"
	       "  --ascii      ASCII characters only\n"
	       "  --presenter  projector layout: fewer, wider columns, bigger bars\n"
	       "  --read-only  demo mode: edit freely, saving is disabled\n"
	       "  --help, --version\n");
}

/* A word that names no file and has neither a '/' nor a '.' was meant as a
 * command (a typo of "solve"), not as a scenario file. */
static bool looks_like_command(const char *s)
{
	struct stat st;
	return !strpbrk(s, "/.") && stat(s, &st) != 0;
}

static const char *command_list(void)
{
	static char list[256];
	size_t used = 0;
	for (size_t i = 0; cli_commands[i] && used < sizeof list; i++) {
		int n = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
		                 cli_commands[i]->name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return list;
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	mt_library_init();
	if (argc >= 2) {
		for (size_t i = 0; cli_commands[i]; i++)
			if (!strcmp(argv[1], cli_commands[i]->name))
				return cli_commands[i]->run(argc - 1, argv + 1);
	}
	cli_explore_opts o;
	cli_explore_defaults(&o);
	for (int a = 1; a < argc; a++) {
		const char *s = argv[a];
		if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
			print_help();
			return CLI_OK;
		} else if (!strcmp(s, "--keys-markdown")) { /* hidden: docs/explorer.md */
			tui_keys_markdown(stdout);
			return CLI_OK;
		} else if (!strcmp(s, "--lessons-check")) { /* hidden: tests/tui */
			return tui_lessons_check(stdout);
		} else if (!strcmp(s, "--version")) {
			printf("mechtune %s\n", MT_VERSION);
			return CLI_OK;
		} else if (cli_explore_option(s, &o)) {
			continue;
		} else if (s[0] == '-' && s[1]) {
			return cli_usage_error(NULL, "unknown option '%s'", s);
		} else if (o.file) {
			return cli_usage_error(NULL, "unknown command '%s' (or a second FILE)", s);
		} else if (looks_like_command(s)) {
			return cli_usage_error(NULL, "unknown command '%s' (commands: %s)", s,
			                       command_list());
		} else {
			o.file = s;
		}
	}
	return cli_explore(&o);
}
