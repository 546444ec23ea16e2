/* mechtune analyze: best responses, the polarizing misreport, the DSIC /
 * IR / non-negativity checks and iterated best responses of a scenario. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "mechtune/analysis.h"
#include "mechtune/noise.h"

enum { OPT_NO_IBR = OPT_FIRST_FREE, OPT_ROUNDS, OPT_EPSILON };

typedef struct {
	bool no_ibr;
	double rounds;
	double epsilon; /* polarization step, 0: the largest feasible */
} analyze_opts;

static bool extra(int c, const char *arg, void *ctx)
{
	analyze_opts *o = ctx;
	if (c == OPT_NO_IBR) {
		o->no_ibr = true;
		return true;
	}
	if (c == OPT_EPSILON) {
		if (cli_parse_double(arg, &o->epsilon) && o->epsilon > 0.0)
			return true;
		cli_usage_error("analyze", "--epsilon needs a positive number, got '%s'", arg);
		return false;
	}
	if (c == OPT_ROUNDS && cli_parse_double(arg, &o->rounds) && o->rounds >= 1 &&
	    o->rounds <= 1000 && floor(o->rounds) == o->rounds)
		return true;
	cli_usage_error("analyze", "--rounds needs an integer in 1..1000, got '%s'", arg);
	return false;
}

static void json_report(const char *key, const mt_report_outcome *r, size_t m)
{
	printf("\"%s\": {\"gain\": ", key);
	json_number(stdout, r->gain);
	printf(", \"utility\": ");
	json_number(stdout, r->utility);
	printf(", \"valuation\": ");
	json_number(stdout, r->valuation);
	printf(", \"payment\": ");
	json_number(stdout, r->payment);
	printf(", \"size\": ");
	json_number(stdout, r->size);
	printf(", \"rewards\": ");
	json_numbers(stdout, r->rewards, m);
	printf(", \"method\": \"%s\"}", mt_br_method_name(r->method));
}

/* The noise section: NULL when the scenario has no noise. */
static void json_noise(const mt_scenario *sc, const mt_noise_analysis *nz)
{
	printf(",\n \"noise\": ");
	if (!nz) {
		printf("null");
		return;
	}
	printf("{\"epsilon\": ");
	json_number(stdout, nz->epsilon);
	printf(", \"samples\": %zu, \"all_within_bound\": %s, \"asw_loss\": ", nz->samples,
	       nz->all_within_bound ? "true" : "false");
	json_number(stdout, nz->asw_loss);
	printf(", \"welfare_loss\": ");
	json_number(stdout, nz->welfare_loss);
	printf(", \"welfare_bound\": ");
	json_number(stdout, nz->welfare_bound);
	printf(",\n  \"groups\": [");
	for (size_t i = 0; i < nz->n; i++) {
		const mt_noise_group *g = &nz->groups[i];
		printf("%s\n   {\"name\": ", i ? "," : "");
		json_string(stdout, sc->groups[i].name);
		printf(", \"truthful_utility\": ");
		json_number(stdout, g->truthful_utility);
		printf(", \"gain\": ");
		json_number(stdout, g->gain);
		printf(", \"bound\": ");
		json_number(stdout, g->bound);
		printf(", \"within_bound\": %s, \"rewards\": ", g->within_bound ? "true" : "false");
		json_numbers(stdout, g->rewards, nz->m);
		printf("}");
	}
	printf("]}");
}

static void print_noise(const mt_scenario *sc, const mt_noise_analysis *nz)
{
	printf("\nnoisy input (uniform in [-%g, %g] per reward, %zu samples): Theorem 4.12\n",
	       nz->epsilon, nz->epsilon, nz->samples);
	for (size_t i = 0; i < nz->n; i++) {
		const mt_noise_group *g = &nz->groups[i];
		printf("  %-16.16s best reward misreport gain %+.6g  bound 2*w*eps %.6g  %s\n",
		       sc->groups[i].name, g->gain, g->bound, g->within_bound ? "ok" : "EXCEEDED");
	}
	printf("  objective lost to noise %.6g  bound 2*eps*sum(w) %.6g  %s\n", nz->asw_loss,
	       nz->welfare_bound, nz->asw_within_bound ? "ok" : "EXCEEDED");
}

static void print_json(const mt_scenario *sc, const mt_analysis *a, bool ibr)
{
	size_t m = sc->m;
	printf("{\"scenario\": ");
	json_string(stdout, sc->name);
	printf(", \"payment_rule\": ");
	json_string(stdout, a->rule->name);
	printf(", \"divergence\": ");
	json_string(stdout, sc->divergence->name);
	printf(", \"lambda\": ");
	json_number(stdout, sc->lambda);
	printf(", \"normalization\": ");
	json_string(stdout, mt_norm_name(sc->normalization));
	printf(", \"max_size\": ");
	json_number(stdout, sc->max_size);
	printf(",\n \"responses\": [");
	for (size_t x = 0; x < m; x++) {
		if (x)
			printf(", ");
		json_string(stdout, sc->responses[x]);
	}
	printf("],\n \"groups\": [");
	for (size_t i = 0; i < a->n; i++) {
		const mt_group_analysis *g = &a->groups[i];
		printf("%s\n  {\"name\": ", i ? "," : "");
		json_string(stdout, sc->groups[i].name);
		printf(", \"size\": ");
		json_number(stdout, sc->groups[i].size);
		printf(", \"truthful_utility\": ");
		json_number(stdout, g->truthful_utility);
		printf(", \"ir\": %s,\n   ", g->ir ? "true" : "false");
		json_report("best_response", &g->best[MT_BR_FULL], m);
		printf(",\n   ");
		json_report("best_rewards_only", &g->best[MT_BR_REWARDS], m);
		printf(",\n   ");
		json_report("best_size_only", &g->best[MT_BR_SIZE], m);
		printf(",\n   \"polarize\": {\"exists\": %s, \"epsilon\": ",
		       g->polarize_epsilon > 0.0 ? "true" : "false");
		json_number(stdout, g->polarize_epsilon);
		printf(", \"gain\": ");
		json_number(stdout, g->polarize.gain);
		printf(", \"utility\": ");
		json_number(stdout, g->polarize.utility);
		printf(", \"rewards\": ");
		json_numbers(stdout, g->polarize.rewards, m);
		printf("},\n   \"t\": ");
		json_numbers(stdout, g->t, m);
		printf("}");
	}
	printf("\n ],\n \"checks\": {\"dsic\": %s, \"ir\": %s, \"nonnegative_payments\": %s, "
	       "\"max_gain\": ",
	       a->dsic ? "true" : "false", a->ir ? "true" : "false",
	       a->nonnegative_payments ? "true" : "false");
	json_number(stdout, a->max_gain);
	printf(", \"tolerance\": ");
	json_number(stdout, MT_DSIC_TOL);
	printf("},\n \"iterated\": ");
	if (!ibr) {
		printf("null");
		return;
	}
	const mt_ibr_result *r = &a->ibr;
	printf("{\"converged\": %s, \"rounds\": %zu, \"welfare_truthful\": ",
	       r->converged ? "true" : "false", r->rounds);
	json_number(stdout, r->welfare_truthful);
	printf(", \"welfare_final\": ");
	json_number(stdout, r->welfare_final);
	printf(", \"welfare_loss\": ");
	json_number(stdout, r->welfare_loss);
	printf(",\n  \"sizes\": ");
	json_numbers(stdout, r->sizes, a->n);
	printf(",\n  \"rewards\": [");
	for (size_t i = 0; i < a->n; i++) {
		if (i)
			printf(", ");
		json_numbers(stdout, r->rewards + i * m, m);
	}
	printf("]}");
}

static void print_rewards(const double *r, size_t m)
{
	printf("[");
	for (size_t x = 0; x < m; x++)
		printf("%s%.3f", x ? " " : "", r[x]);
	printf("]");
}

static void print_table(const mt_scenario *sc, const mt_analysis *a, bool ibr)
{
	size_t m = sc->m;
	printf("%s — payment %s, %s, lambda %g, %s normalization\n\n", sc->name, a->rule->name,
	       sc->divergence->name, sc->lambda, mt_norm_name(sc->normalization));
	static const char *const kinds[3] = {"best lie", "rewards only", "size only"};
	for (size_t i = 0; i < a->n; i++) {
		const mt_group_analysis *g = &a->groups[i];
		printf("%s (size %g): truthful utility %.6g%s\n", sc->groups[i].name,
		       sc->groups[i].size, g->truthful_utility, g->ir ? "" : "  (IR fails)");
		for (int k = 0; k < 3; k++) {
			const mt_report_outcome *r = &g->best[k];
			printf("  %-13s gain %+.6g  utility %.6g  size %.4g  rewards ", kinds[k],
			       r->gain, r->utility, r->size);
			print_rewards(r->rewards, m);
			printf("  %s\n", mt_br_method_name(r->method));
		}
		if (g->polarize_epsilon > 0.0)
			printf("  %-13s gain %+.6g  (eps %.4g)\n", "polarize", g->polarize.gain,
			       g->polarize_epsilon);
		else
			printf("  %-13s none (rewards all equal or minimum 0)\n", "polarize");
	}
	printf("\nchecks: DSIC %s (max gain %.3g), IR %s, payments >= 0 %s\n",
	       a->dsic ? "yes" : "NO", a->max_gain, a->ir ? "yes" : "NO",
	       a->nonnegative_payments ? "yes" : "NO");
	if (ibr)
		printf("iterated best responses: %s after %zu round%s, welfare %.6g -> %.6g (loss "
		       "%.6g)\n",
		       a->ibr.converged ? "converged" : "not converged", a->ibr.rounds,
		       a->ibr.rounds == 1 ? "" : "s", a->ibr.welfare_truthful, a->ibr.welfare_final,
		       a->ibr.welfare_loss);
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {CLI_SCENARIO_OPTIONS,
	                                         {"no-ibr", no_argument, NULL, OPT_NO_IBR},
	                                         {"rounds", required_argument, NULL, OPT_ROUNDS},
	                                         {"epsilon", required_argument, NULL, OPT_EPSILON},
	                                         {0, 0, 0, 0}};
	cli_scenario_opts opts = {0};
	analyze_opts ao = {.rounds = 20};
	int rc = cli_parse(&cli_analyze, argc, argv, longopts, &opts, extra, &ao);
	if (rc >= 0)
		return rc;
	mt_scenario *sc;
	if ((rc = cli_load("analyze", &opts, &sc)))
		return rc;
	mt_analysis_opts o;
	mt_analysis_opts_default(&o);
	o.ibr = !ao.no_ibr;
	o.ibr_rounds = (size_t)ao.rounds;
	o.polarize_epsilon = ao.epsilon;
	mt_analysis a;
	mt_noise_analysis nz = {0};
	bool noisy = sc->noise.epsilon > 0.0;
	mt_error err = {0};
	if (mt_analyze_ex(sc, NULL, &o, &a, NULL, &err) ||
	    (noisy && mt_noise_analyze(sc, &nz, NULL, &err))) {
		fprintf(stderr, "mechtune analyze: %s\n", err.msg);
		rc = CLI_FAIL;
	} else if (opts.json) {
		print_json(sc, &a, o.ibr);
		json_noise(sc, noisy ? &nz : NULL);
		printf("}\n");
	} else {
		print_table(sc, &a, o.ibr);
		if (noisy)
			print_noise(sc, &nz);
	}
	if (noisy)
		mt_noise_release(&nz);
	mt_analysis_release(&a);
	mt_scenario_free(sc);
	return rc;
}

const cli_command cli_analyze = {
        .name = "analyze",
        .summary = "best-response misreports, DSIC / IR checks, iterated best responses",
        .usage = "usage: mechtune analyze FILE [--json] [--payment P] [--divergence D] [--lambda "
                 "X]\n"
                 "                        [--no-ibr] [--rounds K] [--epsilon E]\n"
                 "\n"
                 "For every group, holding the others' reports as in FILE: the truthful\n"
                 "utility, the best response (rewards and size, rewards only, size only) with\n"
                 "its gain over the truth, the polarizing misreport of Theorem 4.2 and the sign\n"
                 "function t(x); then the global checks (DSIC within 1e-9 (1 + |u|), IR,\n"
                 "non-negative payments) and iterated best responses.  When FILE has a\n"
                 "noise: section, also each group's best reward misreport gain under noisy\n"
                 "input next to the bound 2 w eps of Theorem 4.12.\n"
                 "\n"
                 "  --json           machine-readable output (documented in the README)\n"
                 "  --payment P      analyse under payment rule P instead of the file's\n"
                 "  --divergence D   override the divergence\n"
                 "  --lambda X       override the regularization strength (> 0)\n"
                 "  --no-ibr         skip iterated best responses\n"
                 "  --rounds K       round limit of iterated best responses (default 20)\n"
                 "  --epsilon E      step of the polarizing misreport (default: the largest\n"
                 "                   feasible one; larger values are clamped to it)\n"
                 "  --help           show this help\n",
        .run = run,
};
