/* mechtune solve: the trained policy, payments and utilities of a scenario. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "mechtune/train.h"

static void print_json(const mt_scenario *sc, const mt_outcome *o)
{
	printf("{\"scenario\": ");
	cli_json_string(stdout, sc->name);
	printf(", \"divergence\": ");
	cli_json_string(stdout, sc->divergence->name);
	printf(", \"lambda\": ");
	cli_json_number(stdout, sc->lambda);
	printf(", \"payment_rule\": ");
	cli_json_string(stdout, sc->payment->name);
	printf(",\n \"responses\": [");
	for (size_t x = 0; x < sc->m; x++) {
		if (x)
			printf(", ");
		cli_json_string(stdout, sc->responses[x]);
	}
	printf("],\n \"policy\": ");
	cli_json_numbers(stdout, o->policy, o->m);
	printf(",\n \"candidate\": ");
	if (o->choice == MT_NO_CANDIDATE)
		printf("null");
	else
		cli_json_string(stdout, sc->candidates[o->choice].name);
	printf(",\n \"objective\": ");
	cli_json_number(stdout, o->objective);
	printf(", \"welfare\": ");
	cli_json_number(stdout, o->welfare);
	printf(", \"revenue\": ");
	cli_json_number(stdout, o->revenue);
	printf(",\n \"groups\": [");
	for (size_t i = 0; i < sc->n; i++) {
		const mt_group *g = &sc->groups[i];
		const mt_group_outcome *go = &o->groups[i];
		printf("%s\n  {\"name\": ", i ? "," : "");
		cli_json_string(stdout, g->name);
		printf(", \"size\": ");
		cli_json_number(stdout, g->size);
		printf(", \"reported_size\": ");
		cli_json_number(stdout, g->reported_size);
		printf(", \"truthful\": %s", mt_group_lies(sc, i) ? "false" : "true");
		printf(", \"valuation\": ");
		cli_json_number(stdout, go->valuation);
		printf(", \"group_valuation\": ");
		cli_json_number(stdout, go->group_valuation);
		printf(", \"payment\": ");
		cli_json_number(stdout, go->payment);
		printf(", \"utility\": ");
		cli_json_number(stdout, go->utility);
		printf("}");
	}
	printf("\n ]}\n");
}

static void print_table(const mt_scenario *sc, const mt_outcome *o)
{
	printf("%s — %s, lambda %g, %s normalization, payment %s\n", sc->name, sc->divergence->name,
	       sc->lambda, mt_norm_name(sc->normalization), sc->payment->name);
	if (o->choice != MT_NO_CANDIDATE)
		printf("trained model: candidate '%s'\n", sc->candidates[o->choice].name);
	printf("\n%-16s %10s %10s\n", "response", "reference", "policy");
	for (size_t x = 0; x < sc->m; x++)
		printf("%-16.16s %10.4f %10.4f\n", sc->responses[x], sc->reference[x],
		       o->policy[x]);
	printf("\n%-16s %6s %6s %10s %10s %10s %10s\n", "group", "size", "report", "valuation",
	       "w*v", "payment", "utility");
	for (size_t i = 0; i < sc->n; i++) {
		const mt_group *g = &sc->groups[i];
		const mt_group_outcome *go = &o->groups[i];
		printf("%-16.16s %6g %6g %10.4f %10.4f %10.4f %10.4f%s\n", g->name, g->size,
		       g->reported_size, go->valuation, go->group_valuation, go->payment,
		       go->utility, mt_group_lies(sc, i) ? "  (lies)" : "");
	}
	printf("\nwelfare %.6g   revenue %.6g   objective %.6g\n", o->welfare, o->revenue,
	       o->objective);
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {CLI_SCENARIO_OPTIONS, {0, 0, 0, 0}};
	cli_scenario_opts opts = {0};
	int rc = cli_parse(&cli_solve, argc, argv, longopts, &opts, NULL, NULL);
	if (rc >= 0)
		return rc;
	mt_scenario *sc;
	if ((rc = cli_load("solve", &opts, &sc)))
		return rc;
	mt_outcome o;
	mt_error err = {0};
	if (mt_solve(sc, &o, NULL, &err)) {
		fprintf(stderr, "mechtune solve: %s\n", err.msg);
		rc = CLI_FAIL;
	} else if (opts.json) {
		print_json(sc, &o);
	} else {
		print_table(sc, &o);
	}
	mt_outcome_release(&o);
	mt_scenario_free(sc);
	return rc;
}

const cli_command cli_solve = {
        .name = "solve",
        .summary = "train the policy; print valuations, payments and utilities",
        .usage = "usage: mechtune solve FILE [--json] [--divergence D] [--lambda X] [--payment P]\n"
                 "\n"
                 "Train the SW-Max policy on the groups' reports and print, per group, the\n"
                 "valuation v (true rewards), w*v, the payment and the utility, with the\n"
                 "totals: true social welfare, revenue and the objective (ASW at the reports).\n"
                 "\n"
                 "  --json           machine-readable output (numbers round-trip, %.17g)\n"
                 "  --divergence D   override the divergence ({divergences})\n"
                 "  --lambda X       override the regularization strength (> 0)\n"
                 "  --payment P      override the payment rule (see 'mechtune --help')\n"
                 "  --help           show this help\n",
        .run = run,
};
