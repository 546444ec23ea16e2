/* Shared pieces of the command-line faces: the subcommand table, common
 * options, scenario loading with overrides and a small JSON writer. */
#ifndef MT_CLI_H
#define MT_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "mechtune/scenario.h"

struct mt_class_host_opts; /* mechtune/class.h */

/* Exit statuses. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

typedef struct {
	const char *name;
	const char *summary;
	/* Full --help text; "{divergences}" stands for the names of the core's
	 * divergence table ("kl, chi2, ..."), "{payments}" for the payment
	 * rules' (see cli_print_usage). */
	const char *usage;
	int (*run)(int argc, char **argv);
} cli_command;

extern const cli_command cli_solve, cli_check;
extern const cli_command cli_analyze, cli_sweep, cli_lesson, cli_class;
extern const cli_command *const cli_commands[];

/* Write cmd->usage to f with its {divergences} and {payments} filled in. */
void cli_print_usage(const cli_command *cmd, FILE *f);

/* Options shared by the subcommands that solve a scenario. */
typedef struct {
	const char *file;
	bool json;
	const char *divergence; /* NULL: keep the file's */
	const char *payment;
	const char *lambda; /* text, parsed and checked in cli_load */
} cli_scenario_opts;

/* The file name that stands for the embedded default scenario. */
#define CLI_DEFAULT_FILE ":default"

/* Load opts->file (the embedded default when NULL or CLI_DEFAULT_FILE),
 * apply the overrides and validate.  Prints one error line to stderr and
 * returns CLI_USAGE on failure. */
int cli_load(const char *cmd, const cli_scenario_opts *opts, mt_scenario **out);

/* Print "mechtune CMD: MSG; see 'mechtune CMD --help'" and return CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;

/* Parse a finite double that fills the whole string. */
bool cli_parse_double(const char *s, double *out);

/* JSON: strings are escaped, non-finite numbers become null, numbers use
 * %.17g so that they round-trip.  (Prefixed: libjansson, linked for the
 * classroom mode, exports json_string and json_number, and an executable's
 * symbol of the same name would take over jansson's own calls.) */
void cli_json_string(FILE *f, const char *s);
void cli_json_number(FILE *f, double v);
void cli_json_numbers(FILE *f, const double *v, size_t n);

/* getopt_long codes of the shared scenario options. */
enum { OPT_JSON = 1000, OPT_DIVERGENCE, OPT_PAYMENT, OPT_LAMBDA, OPT_HELP, OPT_FIRST_FREE };
#define CLI_SCENARIO_OPTIONS                                             \
	{"json", no_argument, NULL, OPT_JSON},                           \
	        {"divergence", required_argument, NULL, OPT_DIVERGENCE}, \
	        {"payment", required_argument, NULL, OPT_PAYMENT},       \
	        {"lambda", required_argument, NULL, OPT_LAMBDA},         \
	{                                                                \
		"help", no_argument, NULL, OPT_HELP                      \
	}

/* Handle one shared option code; returns false when c is not one. */
bool cli_scenario_option(int c, const char *arg, cli_scenario_opts *o);

/* Run getopt_long over argv with longopts; shared options go to o, every
 * other code to extra(c, optarg, ctx) (which returns false on a bad value
 * after printing).  Takes exactly one positional FILE.  Returns -1 to go on,
 * or the exit status (help printed, usage error). */
int cli_parse(const cli_command *cmd, int argc, char **argv, const void *longopts,
              cli_scenario_opts *o, bool (*extra)(int c, const char *arg, void *ctx), void *ctx);

/* Options of the explorer (mechtune [FILE]). */
typedef struct {
	const char *file; /* NULL: the embedded default scenario */
	bool mouse, color, ascii, presenter, read_only;
	const char *lesson; /* NULL, or a lesson to start with */
	/* `mechtune class host FILE` without --headless: the explorer hosts
	 * the class and shows its panel (NULL: no class). */
	const struct mt_class_host_opts *class_host;
} cli_explore_opts;

/* The defaults: mouse on, colour unless NO_COLOR is set and not empty. */
void cli_explore_defaults(cli_explore_opts *o);
/* Apply one explorer option (--no-mouse, --no-color, --ascii, --presenter,
 * --read-only) to o; false when arg is not one of them. */
bool cli_explore_option(const char *arg, cli_explore_opts *o);

/* Open the explorer; returns the exit status. */
int cli_explore(const cli_explore_opts *o);

/* The student's screen of `mechtune class join` (src/explore.c); returns
 * the exit status. */
typedef struct {
	const char *host, *code, *name, *token;
	bool color, ascii;
} cli_student_opts;
int cli_student(const cli_student_opts *o);

#endif
