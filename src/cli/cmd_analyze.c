/* mechtune analyze: best responses, the polarizing misreport, the DSIC /
 * IR / non-negativity checks and iterated best responses of a scenario. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include <stdlib.h>
#include <string.h>

#include "mechtune/analysis.h"
#include "mechtune/coalition.h"
#include "mechtune/noise.h"

enum { OPT_NO_IBR = OPT_FIRST_FREE, OPT_ROUNDS, OPT_EPSILON, OPT_COALITION, OPT_NO_COALITIONS };

typedef struct {
	bool no_ibr;
	double rounds;
	double epsilon;        /* polarization step, 0: the largest feasible */
	const char *coalition; /* --coalition NAME,NAME[,...] or NULL */
	bool no_coalitions;
} analyze_opts;

static bool extra(int c, const char *arg, void *ctx)
{
	analyze_opts *o = ctx;
	if (c == OPT_NO_IBR) {
		o->no_ibr = true;
		return true;
	}
	if (c == OPT_COALITION) {
		o->coalition = arg;
		return true;
	}
	if (c == OPT_NO_COALITIONS) {
		o->no_coalitions = true;
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
	cli_json_number(stdout, r->gain);
	printf(", \"utility\": ");
	cli_json_number(stdout, r->utility);
	printf(", \"valuation\": ");
	cli_json_number(stdout, r->valuation);
	printf(", \"payment\": ");
	cli_json_number(stdout, r->payment);
	printf(", \"size\": ");
	cli_json_number(stdout, r->size);
	printf(", \"rewards\": ");
	cli_json_numbers(stdout, r->rewards, m);
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
	cli_json_number(stdout, nz->epsilon);
	printf(", \"samples\": %zu, \"all_within_bound\": %s, \"asw_loss\": ", nz->samples,
	       nz->all_within_bound ? "true" : "false");
	cli_json_number(stdout, nz->asw_loss);
	printf(", \"welfare_loss\": ");
	cli_json_number(stdout, nz->welfare_loss);
	printf(", \"welfare_bound\": ");
	cli_json_number(stdout, nz->welfare_bound);
	printf(",\n  \"groups\": [");
	for (size_t i = 0; i < nz->n; i++) {
		const mt_noise_group *g = &nz->groups[i];
		printf("%s\n   {\"name\": ", i ? "," : "");
		cli_json_string(stdout, sc->groups[i].name);
		printf(", \"truthful_utility\": ");
		cli_json_number(stdout, g->truthful_utility);
		printf(", \"gain\": ");
		cli_json_number(stdout, g->gain);
		printf(", \"bound\": ");
		cli_json_number(stdout, g->bound);
		printf(", \"within_bound\": %s, \"rewards\": ", g->within_bound ? "true" : "false");
		cli_json_numbers(stdout, g->rewards, nz->m);
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

/* The members named in list (comma-separated names) into mem[n]; false
 * (and a usage error) when a name is unknown or there are fewer than 2. */
static bool parse_members(const mt_scenario *sc, const char *list, size_t *mem, size_t *k)
{
	*k = 0;
	const char *s = list;
	for (;;) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		size_t i = 0;
		while (i < sc->n &&
		       !(strlen(sc->groups[i].name) == len && !strncmp(sc->groups[i].name, s, len)))
			i++;
		if (i == sc->n) {
			cli_usage_error("analyze", "--coalition: no group named '%.*s'", (int)len,
			                s);
			return false;
		}
		for (size_t j = 0; j < *k; j++)
			if (mem[j] == i) {
				cli_usage_error("analyze", "--coalition: group '%s' is named twice",
				                sc->groups[i].name);
				return false;
			}
		mem[(*k)++] = i;
		if (!e)
			break;
		if (*k == sc->n) {
			cli_usage_error("analyze", "--coalition names more groups than FILE has");
			return false;
		}
		s = e + 1;
	}
	if (*k < 2) {
		cli_usage_error("analyze", "--coalition needs at least two group names, "
		                           "comma-separated");
		return false;
	}
	return true;
}

static void json_coalition_body(const mt_scenario *sc, const mt_coalition *c)
{
	printf("{\"members\": [");
	for (size_t j = 0; j < c->k; j++) {
		if (j)
			printf(", ");
		cli_json_string(stdout, sc->groups[c->members[j]].name);
	}
	printf("], \"payment_rule\": ");
	cli_json_string(stdout, c->rule->name);
	printf(", \"gain\": ");
	cli_json_number(stdout, c->gain);
	printf(", \"all_gain\": %s, \"exact\": %s, \"method\": \"%s\",\n   "
	       "\"utilities_truthful\": ",
	       c->all_gain ? "true" : "false", c->method == MT_BR_EXACT ? "true" : "false",
	       mt_br_method_name(c->method));
	cli_json_numbers(stdout, c->utilities_truthful, c->k);
	printf(", \"utilities\": ");
	cli_json_numbers(stdout, c->utilities, c->k);
	printf(", \"sizes\": ");
	cli_json_numbers(stdout, c->sizes, c->k);
	printf(",\n   \"rewards\": [");
	for (size_t j = 0; j < c->k; j++) {
		if (j)
			printf(", ");
		cli_json_numbers(stdout, c->rewards + j * c->m, c->m);
	}
	printf("]");
}

/* ",\n "key": {...the rule's result..., "none": {...}}" or null. */
static void json_coalition(const mt_scenario *sc, const char *key, const mt_coalition *rule,
                           const mt_coalition *none)
{
	printf(",\n \"%s\": ", key);
	if (!rule) {
		printf("null");
		return;
	}
	json_coalition_body(sc, rule);
	printf(",\n   \"none\": ");
	json_coalition_body(sc, none);
	printf("}}");
}

static void print_coalition_line(const mt_scenario *sc, const mt_coalition *c)
{
	printf("  under %-11s gain %+.6g (%s)%s\n", c->rule->name, c->gain,
	       mt_br_method_name(c->method),
	       c->gain > 0.0 ? (c->all_gain ? ", every member gains" : ", not every member gains")
	                     : "");
	for (size_t j = 0; j < c->k && c->gain > 0.0; j++) {
		printf("    %-16.16s utility %.6g -> %.6g  size %.4g  rewards ",
		       sc->groups[c->members[j]].name, c->utilities_truthful[j], c->utilities[j],
		       c->sizes[j]);
		printf("[");
		for (size_t x = 0; x < c->m; x++)
			printf("%s%.3f", x ? " " : "", c->rewards[j * c->m + x]);
		printf("]\n");
	}
}

static void print_coalition(const mt_scenario *sc, const char *title, const mt_coalition *rule,
                            const mt_coalition *none)
{
	printf("\n%s:", title);
	for (size_t j = 0; j < rule->k; j++)
		printf("%s %s", j ? "," : "", sc->groups[rule->members[j]].name);
	printf(" (joint best misreport, others as in the file)\n");
	print_coalition_line(sc, rule);
	if (rule->rule != none->rule)
		print_coalition_line(sc, none);
}

/* Group i's entry of the "groups" list. */
static void json_group(const mt_scenario *sc, const mt_analysis *a, size_t i)
{
	size_t m = sc->m;
	const mt_group_analysis *g = &a->groups[i];
	printf("%s\n  {\"name\": ", i ? "," : "");
	cli_json_string(stdout, sc->groups[i].name);
	printf(", \"size\": ");
	cli_json_number(stdout, sc->groups[i].size);
	printf(", \"truthful_utility\": ");
	cli_json_number(stdout, g->truthful_utility);
	printf(", \"ir\": %s,\n   ", g->ir ? "true" : "false");
	json_report("best_response", &g->best[MT_BR_FULL], m);
	printf(",\n   ");
	json_report("best_rewards_only", &g->best[MT_BR_REWARDS], m);
	printf(",\n   ");
	json_report("best_size_only", &g->best[MT_BR_SIZE], m);
	printf(",\n   \"polarize\": {\"exists\": %s, \"epsilon\": ",
	       g->polarize_epsilon > 0.0 ? "true" : "false");
	cli_json_number(stdout, g->polarize_epsilon);
	printf(", \"gain\": ");
	cli_json_number(stdout, g->polarize.gain);
	printf(", \"utility\": ");
	cli_json_number(stdout, g->polarize.utility);
	printf(", \"rewards\": ");
	cli_json_numbers(stdout, g->polarize.rewards, m);
	printf("},\n   \"t\": ");
	cli_json_numbers(stdout, g->t, m);
	printf("}");
}

/* The "iterated" object (iterated best responses). */
static void json_ibr(const mt_analysis *a, size_t m)
{
	const mt_ibr_result *r = &a->ibr;
	printf("{\"converged\": %s, \"rounds\": %zu, \"welfare_truthful\": ",
	       r->converged ? "true" : "false", r->rounds);
	cli_json_number(stdout, r->welfare_truthful);
	printf(", \"welfare_final\": ");
	cli_json_number(stdout, r->welfare_final);
	printf(", \"welfare_loss\": ");
	cli_json_number(stdout, r->welfare_loss);
	printf(",\n  \"sizes\": ");
	cli_json_numbers(stdout, r->sizes, a->n);
	printf(",\n  \"rewards\": [");
	for (size_t i = 0; i < a->n; i++) {
		if (i)
			printf(", ");
		cli_json_numbers(stdout, r->rewards + i * m, m);
	}
	printf("]}");
}

static void print_json(const mt_scenario *sc, const mt_analysis *a, bool ibr)
{
	size_t m = sc->m;
	printf("{\"scenario\": ");
	cli_json_string(stdout, sc->name);
	printf(", \"payment_rule\": ");
	cli_json_string(stdout, a->rule->name);
	printf(", \"divergence\": ");
	cli_json_string(stdout, sc->divergence->name);
	printf(", \"lambda\": ");
	cli_json_number(stdout, sc->lambda);
	printf(", \"normalization\": ");
	cli_json_string(stdout, mt_norm_name(sc->normalization));
	printf(", \"max_size\": ");
	cli_json_number(stdout, sc->max_size);
	printf(",\n \"responses\": [");
	for (size_t x = 0; x < m; x++) {
		if (x)
			printf(", ");
		cli_json_string(stdout, sc->responses[x]);
	}
	printf("],\n \"groups\": [");
	for (size_t i = 0; i < a->n; i++)
		json_group(sc, a, i);
	printf("\n ],\n \"checks\": {\"dsic\": %s, \"ir\": %s, \"nonnegative_payments\": %s, "
	       "\"max_gain\": ",
	       a->dsic ? "true" : "false", a->ir ? "true" : "false",
	       a->nonnegative_payments ? "true" : "false");
	cli_json_number(stdout, a->max_gain);
	printf(", \"tolerance\": ");
	cli_json_number(stdout, MT_DSIC_TOL);
	printf("},\n \"iterated\": ");
	if (!ibr) {
		printf("null");
		return;
	}
	json_ibr(a, m);
}

static void print_rewards(const double *r, size_t m)
{
	printf("[");
	for (size_t x = 0; x < m; x++)
		printf("%s%.3f", x ? " " : "", r[x]);
	printf("]");
}

/* t(x) of Theorem B.2: the first T_SHOWN responses, the rest in --json. */
#define T_SHOWN 16
static void print_t(const double *t, size_t m)
{
	if (!t)
		return;
	printf("  %-13s [", "t(x)");
	for (size_t x = 0; x < m && x < T_SHOWN; x++) /* no "-0.000" */
		printf("%s%+.3f", x ? " " : "", fabs(t[x]) < 5e-4 ? 0.0 : t[x]);
	printf("]");
	if (m > T_SHOWN)
		printf(" and %zu more (--json lists all)", m - T_SHOWN);
	printf("  (Theorem B.2: its sign says which way a lie pays)\n");
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
		print_t(g->t, m);
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
	static const struct option longopts[] = {
	        CLI_SCENARIO_OPTIONS,
	        {"no-ibr", no_argument, NULL, OPT_NO_IBR},
	        {"rounds", required_argument, NULL, OPT_ROUNDS},
	        {"epsilon", required_argument, NULL, OPT_EPSILON},
	        {"coalition", required_argument, NULL, OPT_COALITION},
	        {"no-coalitions", no_argument, NULL, OPT_NO_COALITIONS},
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
	size_t *mem = NULL, k = 0;
	mt_coalition co = {0}, co_none = {0};
	bool want_co = false;
	if (ao.coalition) {
		mem = malloc(sc->n * sizeof *mem);
		if (!mem || !parse_members(sc, ao.coalition, mem, &k)) {
			free(mem);
			mt_scenario_free(sc);
			return CLI_USAGE;
		}
		want_co = true;
	} else if (!ao.no_coalitions && sc->n >= 2 && sc->n <= MT_COALITION_PAIR_MAX_GROUPS) {
		want_co = true;
	}
	if (mt_analyze_ex(sc, NULL, &o, &a, NULL, &err) ||
	    (noisy && mt_noise_analyze(sc, &nz, NULL, &err)) ||
	    (want_co && mem && mt_coalition_best(sc, NULL, mem, k, &co, NULL, &err)) ||
	    (want_co && !mem && mt_coalition_best_pair(sc, NULL, &co, NULL, &err)) ||
	    (want_co &&
	     mt_coalition_best(sc, &mt_pay_none, co.members, co.k, &co_none, NULL, &err))) {
		fprintf(stderr, "mechtune analyze: %s\n", err.msg);
		rc = CLI_FAIL;
	} else if (opts.json) {
		print_json(sc, &a, o.ibr);
		json_noise(sc, noisy ? &nz : NULL);
		if (mem)
			json_coalition(sc, "coalition", &co, &co_none);
		else
			json_coalition(sc, "best_pair", want_co ? &co : NULL, &co_none);
		printf("}\n");
	} else {
		print_table(sc, &a, o.ibr);
		if (noisy)
			print_noise(sc, &nz);
		if (want_co)
			print_coalition(sc, mem ? "coalition" : "most profitable pair", &co,
			                &co_none);
	}
	if (noisy)
		mt_noise_release(&nz);
	mt_coalition_release(&co);
	mt_coalition_release(&co_none);
	free(mem);
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
                 "                        [--coalition NAME,NAME[,...] | --no-coalitions]\n"
                 "\n"
                 "For every group, holding the others' reports as in FILE: the truthful\n"
                 "utility, the best response (rewards and size, rewards only, size only) with\n"
                 "its gain over the truth, the polarizing misreport of Theorem 4.2 and the sign\n"
                 "function t(x); then the global checks (DSIC within 1e-9 (1 + |u|), IR,\n"
                 "non-negative payments) and iterated best responses.  When FILE has a\n"
                 "noise: section, also each group's best reward misreport gain under noisy\n"
                 "input next to the bound 2 w eps of Theorem 4.12.  Then coalitions: the\n"
                 "joint misreport of the named groups that maximizes their total true\n"
                 "utility (under the rule and under none), or, for up to 8 groups, the most\n"
                 "profitable pair.\n"
                 "\n"
                 "  --json           machine-readable output (documented in the README)\n"
                 "  --payment P      analyse under payment rule P instead of the file's\n"
                 "  --divergence D   override the divergence\n"
                 "  --lambda X       override the regularization strength (> 0)\n"
                 "  --no-ibr         skip iterated best responses\n"
                 "  --rounds K       round limit of iterated best responses (default 20)\n"
                 "  --epsilon E      step of the polarizing misreport (default: the largest\n"
                 "                   feasible one; larger values are clamped to it)\n"
                 "  --coalition G,H  analyse the coalition of groups G, H, ... (names, commas)\n"
                 "  --no-coalitions  skip the most profitable pair\n"
                 "  --help           show this help\n",
        .run = run,
};
