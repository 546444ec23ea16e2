/* The guided lessons (mechtune/lesson.h).  Group 0 is the group the
 * lessons talk about (the Alices in both lesson scenarios). */
#include "mechtune/lesson.h"

#include <math.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool pay_is(const mt_lesson_state *st, const mt_payment_rule *r)
{
	return st->sc->payment == r;
}

static bool alices_lie(const mt_lesson_state *st)
{
	return mt_group_lies(st->sc, 0);
}

static bool none_rule(const mt_lesson_state *st)
{
	return pay_is(st, &mt_pay_none);
}

static bool none_and_lie(const mt_lesson_state *st)
{
	return pay_is(st, &mt_pay_none) && alices_lie(st);
}

static bool vcg_and_lie(const mt_lesson_state *st)
{
	return pay_is(st, &mt_pay_vcg) && alices_lie(st);
}

static bool vcg_and_truth(const mt_lesson_state *st)
{
	return pay_is(st, &mt_pay_vcg) && !alices_lie(st);
}

static bool truth(const mt_lesson_state *st)
{
	return !alices_lie(st);
}

static bool size_overstated(const mt_lesson_state *st)
{
	const mt_group *g = &st->sc->groups[0];
	return g->reported_size > g->size + MT_NORM_TOL;
}

static bool lambda_changed(const mt_lesson_state *st)
{
	return fabs(st->sc->lambda - st->start->lambda) > 1e-12 * st->start->lambda;
}

static bool divergence_changed(const mt_lesson_state *st)
{
	return st->sc->divergence != st->start->divergence;
}

static const mt_lesson_step why_payments_steps[] = {
        {"Two groups share one model.  The provider trains the policy that maximizes their "
         "total reported reward minus a KL divergence from the reference.  Right now the "
         "payment rule is vcg.  Switch it to none with {payment}: the plain SW-Max rule, "
         "no money changes hands.",
         none_rule},
        {"Without payments, look at the column 'BR none': every group could gain by "
         "misreporting.  Select the Alices (the first group) and press {lie} to let them "
         "play their best lie.",
         none_and_lie},
        {"The Alices now report extreme rewards and the largest size.  Their utility rose, "
         "the policy moved their way and the true welfare fell: the Bobs pay for the lie.  "
         "This is Theorem 4.2: whenever a group's rewards differ and are all positive, a "
         "polarizing lie pays, whatever the others report.  Press {truth} to make the "
         "Alices honest again.",
         truth},
        {"The simplest lie is about size.  Raise the Alices' reported size (move to the "
         "'size' cell of their report row and press {inc} a few times).",
         size_overstated},
        {"More size, more weight in training, more utility: without payments, inflating "
         "size never hurts.  So without payments lying pays.  The next lesson, 'vcg', shows "
         "the payment that fixes it.  Press {next} to finish.",
         NULL},
};

static const mt_lesson why_payments = {
        .name = "why-payments",
        .title = "Why payments are needed",
        .summary = "without payments, polarizing and inflating reports pays (Theorem 4.2)",
        .scenario = "default.yaml",
        .nsteps = COUNT(why_payments_steps),
        .steps = why_payments_steps,
};

static const mt_lesson_step vcg_steps[] = {
        {"Under the affine-maximizer (extended VCG) payment every group pays the welfare its "
         "presence costs the others: what they would get if the model were trained without "
         "it, minus what they get now.  The payment rule is vcg.  Press {next} to go on.",
         NULL},
        {"Let the Alices lie the way that paid without payments: select them and press "
         "{lie}.",
         vcg_and_lie},
        {"The policy moved their way as before, but their payment rose by more than their "
         "valuation: see 'lie Δu', the change of utility, now negative.  Their utility is "
         "the true welfare minus a term they cannot influence, so the rule, maximizing "
         "welfare, already does the best for them.  Switch to none with {payment} and "
         "compare.",
         none_and_lie},
        {"Without the payment the same lie pays again.  Switch back to vcg ({payment} "
         "until it shows vcg) and make the Alices honest with {truth}.",
         vcg_and_truth},
        {"Look at the column 'BR vcg': no group can gain by any report, a live check of "
         "dominant-strategy incentive compatibility (Proposition 4.4).  It does not depend "
         "on the regularization: change lambda with {lambda_up} or {lambda_down}.",
         lambda_changed},
        {"Still no profitable lie.  Nor with another divergence: cycle it with "
         "{divergence}.",
         divergence_changed},
        {"Truth-telling stays optimal for every divergence and lambda, and a truthful group "
         "never pays more than it gains (IR).  Press {next} to finish.",
         NULL},
};

static const mt_lesson vcg = {
        .name = "vcg",
        .title = "How the affine-maximizer payment restores truthfulness",
        .summary = "under vcg no misreport gains: DSIC and IR (Proposition 4.4)",
        .scenario = "default.yaml",
        .nsteps = COUNT(vcg_steps),
        .steps = vcg_steps,
};

static const mt_lesson_step noise_steps[] = {
        {"In practice the provider does not see reward models exactly: it trains on "
         "estimates.  Here every reported reward reaches the trainer with uniform noise of "
         "up to 0.05.  The panel 'noisy input' shows each group's best gain from lying "
         "under noise next to the bound 2·w·ε of Theorem 4.12.  Press {next}.",
         NULL},
        {"Every gain stays below its bound: under vcg truthfulness is approximately "
         "dominant, and the bound does not depend on lambda, the divergence or the number "
         "of responses.  Change lambda with {lambda_up} and watch the gains stay inside.",
         lambda_changed},
        {"Without payments noise does not help either: switch to none with {payment}.", none_rule},
        {"The best lie without payments gains far more than the noise bound: payments are "
         "what makes truth-telling robust.  Press {next} to finish.",
         NULL},
};

static const mt_lesson noise = {
        .name = "noise",
        .title = "Robustness to noisy input",
        .summary = "with noisy reward estimates, lies gain at most 2·w·ε (Theorem 4.12)",
        .scenario = "noisy_input.yaml",
        .nsteps = COUNT(noise_steps),
        .steps = noise_steps,
};

const mt_lesson *const mt_lessons[] = {&why_payments, &vcg, &noise, NULL};

const mt_lesson *mt_lesson_find(const char *name)
{
	for (size_t i = 0; name && mt_lessons[i]; i++)
		if (!strcmp(mt_lessons[i]->name, name))
			return mt_lessons[i];
	return NULL;
}
