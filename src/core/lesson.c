/* The guided lessons (mechtune/lesson.h).  Group 0 is the group the
 * lessons talk about (the Alices in both lesson scenarios). */
#include "mechtune/lesson.h"

#include <math.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The lessons' texts name the rules they ask for ("vcg"). */
static bool pay_is(const mt_lesson_state *st, const char *name)
{
	return !strcmp(st->sc->payment->name, name);
}

static bool pays_nothing(const mt_lesson_state *st)
{
	return st->sc->payment->charges_nothing;
}

static bool alices_lie(const mt_lesson_state *st)
{
	return mt_group_lies(st->sc, 0);
}

static bool none_rule(const mt_lesson_state *st)
{
	return pays_nothing(st);
}

static bool none_and_lie(const mt_lesson_state *st)
{
	return pays_nothing(st) && alices_lie(st);
}

static bool vcg_and_lie(const mt_lesson_state *st)
{
	return pay_is(st, "vcg") && alices_lie(st);
}

static bool vcg_and_truth(const mt_lesson_state *st)
{
	return pay_is(st, "vcg") && !alices_lie(st);
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

static bool lambda_lowered(const mt_lesson_state *st)
{
	return st->sc->lambda < st->start->lambda * (1.0 - 1e-12);
}

static bool divergence_changed(const mt_lesson_state *st)
{
	return st->sc->divergence != st->start->divergence;
}

/* Texts fit the lesson panel at 80x24: five lines of 77 columns on the
 * default scenario, three under the noisy-input section.  Column names
 * ('BR none', 'lie Δu', ...) are the outcome table's headings. */
static const mt_lesson_step why_payments_steps[] = {
        {"Two groups share one model: the provider trains the policy that maximizes their "
         "total reported reward minus a KL divergence from the reference q.  The payment "
         "rule is vcg now (pay:vcg in the header).  Press {payment} to switch it to none: "
         "no money changes hands.",
         none_rule},
        {"Without payments, see the column 'BR none': each group could gain by misreporting "
         "(its best lie gains that much, ✗).  The Alices are selected ({next_group} changes "
         "the group): press {lie} to make them play their best lie.",
         none_and_lie},
        {"The Alices now report extreme rewards and the largest size (◆ marks the lie).  "
         "'lie Δu' shows what it earns them; the policy moved their way and the welfare fell "
         "below the truthful one: the Bobs lose by it (Theorem 4.2).  Press {truth} to "
         "make the Alices honest again.",
         truth},
        {"The simplest lie is about size.  Move the cursor to the size of the Alices' report "
         "row (arrow keys) and raise it with {inc}.",
         size_overstated},
        {"More weight in training, more utility: without payments, inflating your size never "
         "hurts, and lying pays.  The next lesson, 'vcg', shows the payment that fixes it.  "
         "Press {next} to finish.",
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
        {"Under the affine-maximizer (vcg) payment each group pays what its presence costs "
         "the others: their best welfare without it minus their welfare now (the 'pay' "
         "column).  Press {next} to go on.",
         NULL},
        {"Let the Alices tell the lie that pays without payments: with the Alices selected, "
         "press {lie}.",
         vcg_and_lie},
        {"The policy moved their way as before, but their payment rose by more: 'lie Δu', "
         "their change of utility, is negative.  Their utility is the true objective "
         "(welfare minus the divergence) minus a term they cannot influence, and the rule "
         "already maximizes that objective.  Press "
         "{payment} to compare with no payment.",
         none_and_lie},
        {"Without the payment the same lie pays ('lie Δu' > 0).  Go back to vcg with "
         "{payment_back}, then make the Alices honest with {truth}.",
         vcg_and_truth},
        {"See the column 'BR vcg': no group gains by any report (✓), a live check of "
         "dominant-strategy incentive compatibility (Proposition 4.4).  Change the "
         "regularization lambda with {lambda_up} or {lambda_down}.",
         lambda_changed},
        {"Still no profitable lie.  Nor with another divergence: cycle it with {divergence}.",
         divergence_changed},
        {"Truth-telling stays optimal for every divergence and lambda, and a truthful group "
         "never pays more than it gains (IR ✓).  Press {next} to finish.",
         NULL},
};

static const mt_lesson vcg = {
        .name = "vcg",
        .title = "How the vcg payment restores truthfulness",
        .summary = "under vcg no misreport gains: DSIC and IR (Proposition 4.4)",
        .scenario = "default.yaml",
        .nsteps = COUNT(vcg_steps),
        .steps = vcg_steps,
};

static const mt_lesson_step noise_steps[] = {
        {"The trainer sees every reported reward plus noise of up to ε.  'Noisy input' shows "
         "each group's best gain from lying under noise next to the bound 2·w·ε (Theorem "
         "4.12).  Press {next}.",
         NULL},
        {"Under vcg every gain stays within its bound (✓), whatever lambda or the divergence.  "
         "Lower lambda with {lambda_down} and watch.",
         lambda_lowered},
        {"Still within the bounds.  Now press {payment} to switch to no payment: is "
         "truth-telling still nearly optimal?",
         none_rule},
        {"No: the Alices' best lie gains more than their bound (✗).  Payments are what makes "
         "truth-telling robust to noise.  Press {next} to finish.",
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

/* collusion.yaml: group 0 the Alices, 1 the Carols, response 0 terse.
 * The joint lie: terse 1 (the rest 0) at the largest size. */
static bool reports_terse_max(const mt_scenario *sc, size_t i)
{
	const mt_group *g = &sc->groups[i];
	return sc->n > 1 && g->reported[0] > 1.0 - 1e-6 &&
	       g->reported_size >= sc->max_size * (1.0 - 1e-9);
}

static bool alices_collude(const mt_lesson_state *st)
{
	return pay_is(st, "vcg") && reports_terse_max(st->sc, 0);
}

static bool both_collude(const mt_lesson_state *st)
{
	return alices_collude(st) && reports_terse_max(st->sc, 1);
}

static bool nobody_lies(const mt_lesson_state *st)
{
	for (size_t i = 0; i < st->sc->n; i++)
		if (mt_group_lies(st->sc, i))
			return false;
	return true;
}

static bool vcg_and_truth_all(const mt_lesson_state *st)
{
	return pay_is(st, "vcg") && nobody_lies(st);
}

/* The joint lie again (played with the coalition key), the Bobs truthful. */
static bool collude_again(const mt_lesson_state *st)
{
	return both_collude(st) && st->sc->n > 2 && !mt_group_lies(st->sc, 2);
}

static const mt_lesson_step collusion_steps[] = {
        {"The Alices and the Carols like terse answers, the larger Bobs thorough ones.  "
         "Under vcg no group gains by lying alone: see 'BR vcg' (✓).  But two groups can "
         "lie together.  Note the Alices' and the Carols' 'util' now, then press {next}.",
         NULL},
        {"The Alices and the Carols agree to report that only terse answers matter, at the "
         "largest size.  On the Alices' report row type 1 {edit} in 'terse' (the row stays "
         "normalized), then 10 {edit} as their size.",
         alices_collude},
        {"Alone, the lie costs the Alices: 'lie Δu' < 0 and their 'util' fell, as DSIC says.  "
         "Now the Carols join: on their report row, the same terse 1 and size 10.",
         both_collude},
        {"Compare 'util' with the start: both rose, the Bobs' fell.  Each pays what its "
         "presence costs the others; with the partner already pulling the model to terse, "
         "its own lie seems to cost nothing.  vcg is not group-strategyproof.  Press {next}.",
         NULL},
        {"The explorer finds such joint lies itself.  First everybody tells the truth again: "
         "press {all_truth}.",
         vcg_and_truth_all},
        {"{coalition_partner} shows on the status line what a group and a partner gain by "
         "their best joint lie, without payment and under vcg (so does the coalition line, when "
         "there is room).  Press it until it names Alices+Carols, then {joint_lie}.",
         collude_again},
        {"Both reports changed at once: terse 1 at size 10, as you typed them, and {undo} "
         "takes both back in one step.  Press {next} to finish.",
         NULL},
};

static const mt_lesson collusion = {
        .name = "collusion",
        .title = "Collusion: two groups that lie together",
        .summary = "vcg is DSIC but not group-strategyproof: a joint lie pays both",
        .scenario = "collusion.yaml",
        .nsteps = COUNT(collusion_steps),
        .steps = collusion_steps,
};

const mt_lesson *const mt_lessons[] = {&why_payments, &vcg, &noise, &collusion, NULL};

const mt_lesson *mt_lesson_find(const char *name)
{
	for (size_t i = 0; name && mt_lessons[i]; i++)
		if (!strcmp(mt_lessons[i]->name, name))
			return mt_lessons[i];
	return NULL;
}
