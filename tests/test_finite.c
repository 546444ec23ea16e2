/* Non-finite numbers are never results.  Every divergence x every payment
 * rule x lambda over the documented range (1e-4 .. 1e4) on the shipped
 * scenarios and on extreme ones: a solve (and, on a few scenarios, a whole
 * analysis) either succeeds with every number finite or fails cleanly, with
 * MT_ENUMERIC / MT_EINVAL and a message that names no nan or inf.  The
 * cases a user meets (exact payments everywhere, kl / chi2 / tv training
 * rules everywhere) must succeed. */
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mechtune/analysis.h"
#include "mechtune/library.h"
#include "mechtune/payment.h"
#include "mechtune/train.h"
#include "mechtune/yamlio.h"
#include "testutil.h"

static const double lambdas[] = {1e-4, 1e-2, 1.0, 5.0, 100.0, 1e4};
#define NLAMBDA (sizeof lambdas / sizeof lambdas[0])
#define SMALL_STEP 1e-6

/* A clean error: an error status and one lowercase line that says what
 * failed without quoting a non-number or contradicting itself. */
static void assert_clean_error(mt_status st, const mt_error *err, const char *what)
{
	if (st != MT_ENUMERIC && st != MT_EINVAL)
		fail_msg("%s: unexpected status %d (%s)", what, st, err->msg);
	if (!err->msg[0] || !islower((unsigned char)err->msg[0]))
		fail_msg("%s: message '%s' must start with a lowercase word", what, err->msg);
	if (strstr(err->msg, "(success)") || strchr(err->msg, '\n'))
		fail_msg("%s: bad message '%s'", what, err->msg);
	/* no token "nan", "inf", "-nan", "infinity" (printed non-numbers) */
	const char *s = err->msg;
	while (*s) {
		while (*s && !isalpha((unsigned char)*s))
			s++;
		const char *b = s;
		while (isalpha((unsigned char)*s))
			s++;
		size_t len = (size_t)(s - b);
		if ((len == 3 && (!strncmp(b, "nan", 3) || !strncmp(b, "inf", 3))) ||
		    (len == 8 && !strncmp(b, "infinity", 8)))
			fail_msg("%s: message '%s' prints a non-number", what, err->msg);
	}
}

static void assert_finite(double v, const char *what, const char *field)
{
	if (!isfinite(v))
		fail_msg("%s: %s is %g", what, field, v);
}

static void check_outcome(const mt_outcome *o, const char *what)
{
	for (size_t x = 0; x < o->m; x++)
		assert_finite(o->policy[x], what, "policy");
	assert_finite(o->objective, what, "objective");
	assert_finite(o->welfare, what, "welfare");
	assert_finite(o->revenue, what, "revenue");
	for (size_t i = 0; i < o->n; i++) {
		assert_finite(o->groups[i].valuation, what, "valuation");
		assert_finite(o->groups[i].group_valuation, what, "w*v");
		assert_finite(o->groups[i].payment, what, "payment");
		assert_finite(o->groups[i].utility, what, "utility");
	}
}

static void check_report(const mt_report_outcome *r, size_t m, const char *what)
{
	assert_finite(r->size, what, "reported size");
	for (size_t x = 0; r->rewards && x < m; x++)
		assert_finite(r->rewards[x], what, "reported reward");
	assert_finite(r->valuation, what, "best-response valuation");
	assert_finite(r->payment, what, "best-response payment");
	assert_finite(r->utility, what, "best-response utility");
	assert_finite(r->gain, what, "gain");
}

static void check_analysis(const mt_analysis *a, const char *what)
{
	assert_finite(a->max_gain, what, "max gain");
	for (size_t i = 0; i < a->n; i++) {
		const mt_group_analysis *g = &a->groups[i];
		assert_finite(g->truthful_utility, what, "truthful utility");
		for (int k = 0; k < 3; k++)
			check_report(&g->best[k], a->m, what);
		check_report(&g->polarize, a->m, what);
		for (size_t x = 0; x < a->m; x++)
			assert_finite(g->t[x], what, "t(x)");
	}
	assert_finite(a->ibr.welfare_truthful, what, "ibr truthful welfare");
	assert_finite(a->ibr.welfare_final, what, "ibr final welfare");
	assert_finite(a->ibr.welfare_loss, what, "ibr welfare loss");
}

/* Must this combination succeed?  Exact payments always; the mirror-ascent
 * rules always for kl (log domain), chi2 and tv, whose gradients stay
 * bounded as a probability goes to 0.  reverse_kl and hellinger have
 * gradients that explode there (-lambda/t, -lambda/sqrt t): with large
 * steps their exact iterates overflow and the solve fails with a message;
 * with a small step (the second pass over the shipped scenarios) they must
 * succeed. */
static bool must_succeed(const mt_scenario *sc)
{
	const mt_payment_rule *p = sc->payment;
	if (p != &mt_pay_early_stop && p != &mt_pay_checkpoint)
		return true;
	if (sc->divergence != &mt_div_reverse_kl && sc->divergence != &mt_div_hellinger)
		return true;
	return sc->training.step_size <= SMALL_STEP;
}

/* Solve sc under every divergence x rule x lambda.  suggested: use the
 * step the divergence message suggests, min(0.05, 0.1 / lambda): then
 * everything must succeed. */
static void sweep_solves(mt_scenario *sc, const char *name, bool suggested)
{
	for (size_t d = 0; mt_divergences[d]; d++)
		for (size_t r = 0; mt_payment_rules[r]; r++)
			for (size_t l = 0; l < NLAMBDA; l++) {
				sc->divergence = mt_divergences[d];
				sc->payment = mt_payment_rules[r];
				sc->lambda = lambdas[l];
				if (suggested)
					sc->training.step_size = fmin(0.05, 0.1 / sc->lambda);
				char what[256];
				snprintf(what, sizeof what, "%s, %s, %s, lambda %g, step_size %g",
				         name, sc->divergence->name, sc->payment->name, sc->lambda,
				         sc->training.step_size);
				mt_outcome o;
				mt_error err = {0};
				mt_status st = mt_solve(sc, &o, NULL, &err);
				if (st == MT_OK)
					check_outcome(&o, what);
				else if (suggested || must_succeed(sc))
					fail_msg("%s: failed: %s", what, err.msg);
				else
					assert_clean_error(st, &err, what);
				mt_outcome_release(&o);
			}
}

static void test_shipped_scenarios(void **state)
{
	(void)state;
	const char *src = getenv("MT_SOURCE_DIR");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/scenarios", src ? src : ".");
	DIR *dp = opendir(dir);
	assert_non_null(dp);
	int count = 0;
	for (struct dirent *de; (de = readdir(dp));) {
		size_t len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml"))
			continue;
		mt_scenario *sc = tu_load_scenario(de->d_name);
		sweep_solves(sc, de->d_name, false);
		/* a small step works for every divergence, and so does the one
		 * the message of a diverged mirror ascent suggests */
		sc->training.step_size = SMALL_STEP;
		sweep_solves(sc, de->d_name, false);
		sweep_solves(sc, de->d_name, true);
		mt_scenario_free(sc);
		count++;
	}
	closedir(dp);
	assert_true(count >= 10);
}

/* Extreme but valid: rewards 0 and 1, sizes up to 1e6, a skewed reference,
 * one response of reference mass 1e-9. */
static mt_scenario *extreme(mt_norm norm, double max_size)
{
	enum { M = 5, N = 3 };
	mt_scenario *sc = mt_scenario_new(M, N);
	const double q[M] = {1e-9, 0.25, 0.25 - 1e-9, 0.2, 0.3};
	memcpy(sc->reference, q, sizeof q);
	sc->normalization = norm;
	sc->max_size = max_size;
	const double rew[N][M] = {{1, 0, 0, 0, 0}, {0, 0, 0, 0, 1}, {0.5, 0.5, 0, 0, 0}};
	const double sizes[N] = {fmin(1.0, max_size), max_size, max_size * 0.5};
	for (size_t i = 0; i < N; i++) {
		mt_group *g = &sc->groups[i];
		memcpy(g->rewards, rew[i], sizeof rew[i]);
		mt_normalize(norm, M, g->rewards);
		g->size = sizes[i];
		mt_group_tell_truth(sc, i);
	}
	mt_error err = {0};
	if (mt_scenario_validate(sc, &err))
		fail_msg("extreme scenario invalid: %s", err.msg);
	return sc;
}

static void test_extreme_scenarios(void **state)
{
	(void)state;
	const double max_sizes[] = {1e-3, 1.0, 1e6};
	for (int norm = 0; norm < 2; norm++)
		for (size_t k = 0; k < 3; k++) {
			mt_scenario *sc = extreme((mt_norm)norm, max_sizes[k]);
			char name[64];
			snprintf(name, sizeof name, "extreme %s, max_size %g", norm ? "max" : "sum",
			         max_sizes[k]);
			sweep_solves(sc, name, false);
			mt_scenario_free(sc);
		}
}

/* At and beyond the ends of the range the engine computes in: a clean
 * error (always, beyond them), never a non-number. */
static void test_out_of_range(void **state)
{
	(void)state;
	/* the first seven are refused */
	const double edge_lambdas[] = {NAN,    INFINITY, 1.7e308,       1e300,        1e-300,
	                               1e-320, 4.9e-324, MT_LAMBDA_MIN, MT_LAMBDA_MAX};
	mt_scenario *sc = tu_load_scenario("default.yaml");
	for (size_t d = 0; mt_divergences[d]; d++)
		for (size_t r = 0; mt_payment_rules[r]; r++)
			for (size_t l = 0; l < sizeof edge_lambdas / sizeof edge_lambdas[0]; l++) {
				sc->divergence = mt_divergences[d];
				sc->payment = mt_payment_rules[r];
				sc->lambda = edge_lambdas[l];
				char what[256];
				snprintf(what, sizeof what, "default, %s, %s, lambda %g",
				         sc->divergence->name, sc->payment->name, sc->lambda);
				mt_outcome o;
				mt_error err = {0};
				mt_status st = mt_solve(sc, &o, NULL, &err);
				if (st == MT_OK)
					check_outcome(&o, what);
				else
					assert_clean_error(st, &err, what);
				/* outside the engine's range: refused, whatever the rule */
				if (l < 7 && st != MT_EINVAL)
					fail_msg("%s: not refused (status %d)", what, st);
				mt_outcome_release(&o);
			}
	mt_scenario_free(sc);
	/* sizes whose aggregate overflows a double */
	sc = extreme(MT_NORM_MAX, 1.7e308);
	sc->groups[2].size = sc->groups[2].reported_size = 1.7e308;
	mt_outcome o;
	mt_error err = {0};
	mt_status st = mt_solve(sc, &o, NULL, &err);
	if (st == MT_OK)
		check_outcome(&o, "max_size 1.7e308");
	else
		assert_clean_error(st, &err, "max_size 1.7e308");
	mt_outcome_release(&o);
	mt_scenario_free(sc);
}

/* The whole analysis (best responses, t(x), iterated best responses) on the
 * default scenario and an extreme one. */
static void test_analyses(void **state)
{
	(void)state;
	mt_scenario *scs[2] = {tu_load_scenario("default.yaml"), extreme(MT_NORM_SUM, 1e3)};
	const char *names[2] = {"default", "extreme"};
	mt_analysis_opts opts;
	mt_analysis_opts_default(&opts);
	opts.ibr_rounds = 2;
	for (int s = 0; s < 2; s++) {
		mt_scenario *sc = scs[s];
		for (size_t d = 0; mt_divergences[d]; d++)
			for (size_t r = 0; mt_payment_rules[r]; r++)
				for (size_t l = 0; l < NLAMBDA; l++) {
					sc->divergence = mt_divergences[d];
					sc->payment = mt_payment_rules[r];
					sc->lambda = lambdas[l];
					char what[256];
					snprintf(what, sizeof what,
					         "analysis of %s, %s, %s, lambda %g", names[s],
					         sc->divergence->name, sc->payment->name,
					         sc->lambda);
					/* the searches skip reports under which a rule's
					 * training overflows: the analysis works whenever
					 * the scenario itself solves */
					mt_outcome o;
					bool solves = mt_solve(sc, &o, NULL, NULL) == MT_OK;
					mt_outcome_release(&o);
					mt_analysis a;
					mt_error err = {0};
					mt_status st =
					        mt_analyze_ex(sc, NULL, &opts, &a, NULL, &err);
					if (st == MT_OK)
						check_analysis(&a, what);
					else if (solves || must_succeed(sc))
						fail_msg("%s: failed: %s", what, err.msg);
					else
						assert_clean_error(st, &err, what);
					mt_analysis_release(&a);
				}
		mt_scenario_free(sc);
	}
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_shipped_scenarios),
	        cmocka_unit_test(test_extreme_scenarios),
	        cmocka_unit_test(test_out_of_range),
	        cmocka_unit_test(test_analyses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
