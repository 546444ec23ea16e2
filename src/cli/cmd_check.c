/* mechtune check: validate a scenario file without solving it. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {{"help", no_argument, NULL, OPT_HELP},
	                                         {0, 0, 0, 0}};
	cli_scenario_opts opts = {0};
	int rc = cli_parse(&cli_check, argc, argv, longopts, &opts, NULL, NULL);
	if (rc >= 0)
		return rc;
	mt_scenario *sc;
	if ((rc = cli_load("check", &opts, &sc)))
		return rc;
	printf("%s: ok (%zu response%s, %zu group%s%s)\n", opts.file, sc->m, sc->m == 1 ? "" : "s",
	       sc->n, sc->n == 1 ? "" : "s", sc->k ? ", finite candidate menu" : "");
	mt_scenario_free(sc);
	return CLI_OK;
}

const cli_command cli_check = {
        .name = "check",
        .summary = "validate a scenario file",
        .usage = "usage: mechtune check FILE\n"
                 "\n"
                 "Load and validate FILE.  Prints 'FILE: ok' and exits 0, or prints one line\n"
                 "FILE:LINE:COLUMN: what is wrong, and exits 2.\n",
        .run = run,
};
