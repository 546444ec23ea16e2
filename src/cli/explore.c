/* Until the explorer lands, `mechtune [FILE]` prints the scenario's solve. */
#include <stdint.h>

#include "cli.h"

int cli_explore(const cli_explore_opts *o)
{
	char *argv[] = {(char *)(uintptr_t) "solve",
	                (char *)(uintptr_t)(o->file ? o->file : CLI_DEFAULT_FILE), NULL};
	return cli_solve.run(2, argv);
}
