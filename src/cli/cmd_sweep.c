/* mechtune sweep: one misreport family of the paper (or lambda) along a
 * range, as a table, CSV or JSON. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mechtune/sweep.h"

enum { OPT_FAMILY = OPT_FIRST_FREE, OPT_GROUP, OPT_FROM, OPT_TO, OPT_STEPS, OPT_CSV };

typedef struct {
	const char *family, *group, *from, *to, *steps;
	bool csv;
} sweep_opts;

static bool extra(int c, const char *arg, void *ctx)
{
	sweep_opts *o = ctx;
	switch (c) {
	case OPT_FAMILY: o->family = arg; return true;
	case OPT_GROUP: o->group = arg; return true;
	case OPT_FROM: o->from = arg; return true;
	case OPT_TO: o->to = arg; return true;
	case OPT_STEPS: o->steps = arg; return true;
	case OPT_CSV: o->csv = true; return true;
	default: return false;
	}
}

static void print_csv(const mt_scenario *sc, const mt_sweep *s)
{
	bool lam = s->family == MT_SWEEP_LAMBDA;
	printf("%s,valuation,payment,utility,welfare", mt_sweep_family_name(s->family));
	if (lam)
		for (size_t j = 0; j < sc->n; j++) {
			printf(",utility_");
			for (const char *c = sc->groups[j].name; *c; c++)
				putchar(*c == ',' || *c == '"' || *c == ' ' ? '_' : *c);
		}
	printf("\n");
	for (size_t k = 0; k < s->nrows; k++) {
		const mt_sweep_row *r = &s->rows[k];
		printf("%.17g,%.17g,%.17g,%.17g,%.17g", r->param, r->valuation, r->payment,
		       r->utility, r->welfare);
		if (lam)
			for (size_t j = 0; j < sc->n; j++)
				printf(",%.17g", r->utilities[j]);
		printf("\n");
	}
}

static void print_json(const mt_scenario *sc, const mt_sweep *s)
{
	printf("{\"scenario\": ");
	cli_json_string(stdout, sc->name);
	printf(", \"family\": ");
	cli_json_string(stdout, mt_sweep_family_name(s->family));
	printf(", \"group\": ");
	cli_json_string(stdout, sc->groups[s->group].name);
	printf(", \"payment_rule\": ");
	cli_json_string(stdout, sc->payment->name);
	printf(", \"truth_param\": ");
	cli_json_number(stdout, s->truth_param);
	printf(",\n \"rows\": [");
	for (size_t k = 0; k < s->nrows; k++) {
		const mt_sweep_row *r = &s->rows[k];
		printf("%s\n  {\"param\": ", k ? "," : "");
		cli_json_number(stdout, r->param);
		printf(", \"valuation\": ");
		cli_json_number(stdout, r->valuation);
		printf(", \"payment\": ");
		cli_json_number(stdout, r->payment);
		printf(", \"utility\": ");
		cli_json_number(stdout, r->utility);
		printf(", \"welfare\": ");
		cli_json_number(stdout, r->welfare);
		if (r->utilities) {
			printf(", \"utilities\": ");
			cli_json_numbers(stdout, r->utilities, sc->n);
		}
		printf("}");
	}
	printf("\n ]}\n");
}

static void print_table(const mt_scenario *sc, const mt_sweep *s)
{
	printf("%s — %s sweep of %s, payment %s (truth at %g)\n\n", sc->name,
	       mt_sweep_family_name(s->family), sc->groups[s->group].name, sc->payment->name,
	       s->truth_param);
	/* v is per member; the group's utility is w*v - payment, so w*v is shown
	 * too (w the true size) and the row visibly adds up. */
	double w = sc->groups[s->group].size;
	printf("(v per member, w*v for the group of size %g: utility = w*v - payment)\n\n", w);
	printf("%10s %12s %12s %12s %12s %12s\n", mt_sweep_family_name(s->family), "v", "w*v",
	       "payment", "utility", "welfare");
	for (size_t k = 0; k < s->nrows; k++) {
		const mt_sweep_row *r = &s->rows[k];
		printf("%10.4g %12.6f %12.6f %12.6f %12.6f %12.6f%s\n", r->param, r->valuation,
		       w * r->valuation, r->payment, r->utility, r->welfare,
		       fabs(r->param - s->truth_param) < 1e-12 ? "  <- truth" : "");
	}
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {CLI_SCENARIO_OPTIONS,
	                                         {"family", required_argument, NULL, OPT_FAMILY},
	                                         {"group", required_argument, NULL, OPT_GROUP},
	                                         {"from", required_argument, NULL, OPT_FROM},
	                                         {"to", required_argument, NULL, OPT_TO},
	                                         {"steps", required_argument, NULL, OPT_STEPS},
	                                         {"csv", no_argument, NULL, OPT_CSV},
	                                         {0, 0, 0, 0}};
	cli_scenario_opts opts = {0};
	sweep_opts so = {0};
	int rc = cli_parse(&cli_sweep, argc, argv, longopts, &opts, extra, &so);
	if (rc >= 0)
		return rc;
	mt_sweep_family fam;
	if (!so.family)
		return cli_usage_error("sweep",
		                       "missing --family (alpha, beta, epsilon or lambda)");
	if (!mt_sweep_family_parse(so.family, &fam))
		return cli_usage_error("sweep",
		                       "unknown family '%s' (use alpha, beta, epsilon or lambda)",
		                       so.family);
	if (so.csv && opts.json)
		return cli_usage_error("sweep", "--csv and --json exclude each other");
	static const double dfrom[] = {0.5, 0.0, 0.0, 0.05}, dto[] = {3.0, 2.0, 0.1, 2.0};
	double from = dfrom[fam], to = dto[fam], steps = 11;
	if (so.from && !cli_parse_double(so.from, &from))
		return cli_usage_error("sweep", "--from needs a number, got '%s'", so.from);
	if (so.to && !cli_parse_double(so.to, &to))
		return cli_usage_error("sweep", "--to needs a number, got '%s'", so.to);
	if (so.steps && (!cli_parse_double(so.steps, &steps) || steps < 1 || steps > 100000 ||
	                 floor(steps) != steps))
		return cli_usage_error("sweep", "--steps needs an integer in 1..100000, got '%s'",
		                       so.steps);
	mt_scenario *sc;
	if ((rc = cli_load("sweep", &opts, &sc)))
		return rc;
	size_t group = 0;
	if (so.group) {
		group = sc->n;
		for (size_t j = 0; j < sc->n; j++)
			if (!strcmp(sc->groups[j].name, so.group))
				group = j;
		if (group == sc->n) {
			mt_scenario_free(sc);
			return cli_usage_error("sweep", "no group named '%s' in the scenario",
			                       so.group);
		}
	}
	mt_sweep s;
	mt_error err = {0};
	if (mt_sweep_run(sc, fam, group, from, to, (size_t)steps, &s, NULL, &err)) {
		fprintf(stderr, "mechtune sweep: %s\n", err.msg);
		rc = err.msg[0] && s.nrows == 0 ? CLI_USAGE : CLI_FAIL;
	} else if (opts.json) {
		print_json(sc, &s);
	} else if (so.csv) {
		print_csv(sc, &s);
	} else {
		print_table(sc, &s);
	}
	mt_sweep_release(&s);
	mt_scenario_free(sc);
	return rc;
}

const cli_command cli_sweep = {
        .name = "sweep",
        .summary = "the paper's misreport families (alpha, beta, epsilon) and lambda",
        .usage =
                "usage: mechtune sweep FILE --family alpha|beta|epsilon|lambda [--group NAME]\n"
                "                      [--from A] [--to B] [--steps K] [--csv|--json]\n"
                "                      [--payment P] [--divergence D] [--lambda X]\n"
                "\n"
                "One row per parameter value: valuation, payment and utility of the group\n"
                "(true rewards) and the true social welfare, others reporting as in FILE.\n"
                "\n"
                "  alpha    size overstatement, reported size alpha * w (capped at max_size)\n"
                "  beta     strategic mixing, beta * rm + (1 - beta) * mean of the others'\n"
                "           reported rewards, projected onto the report space\n"
                "  epsilon  the polarizing misreport of Theorem 4.2 with step epsilon\n"
                "  lambda   regularization strength; every group as in FILE, CSV/JSON add\n"
                "           each group's utility\n"
                "\n"
                "  --group NAME     the group that lies (default: the first)\n"
                "  --from A --to B  the range (defaults: alpha 0.5..3, beta 0..2, epsilon 0..0.1,\n"
                "                   lambda 0.05..2)\n"
                "  --steps K        number of evenly spaced values (default 11)\n"
                "  --csv, --json    machine-readable output\n"
                "  --help           show this help\n",
        .run = run,
};
