/* mechtune/mirror.h — "training" as K steps of mirror ascent (exponentiated
 * gradient) on ASW(p) = <p,S> - D_f(p||q) from the reference q (theory.md
 * section 7, ours).  Used by the checkpoint and early_stop payment rules. */
#ifndef MECHTUNE_MIRROR_H
#define MECHTUNE_MIRROR_H

#include <stddef.h>

#include "mechtune/cancel.h"
#include "mechtune/train.h"

/* Called with every iterate p^t, t = 0 (p = q) .. steps, and D_f(p^t||q).
 * The callee must not keep p. */
typedef void (*mt_mirror_visit)(size_t t, const double *p, double div, void *ctx);

/* Run `steps` mirror-ascent steps with step size eta on the simplex:
 * p^{t+1}(x) ∝ p^t(x) exp(eta (S(x) - f'(p^t(x)/q(x)))).  The iterates are
 * kept as logarithms, so a probability that underflows a double keeps its
 * exact weight (and, for kl and reverse_kl, its exact divergence).  Leaves
 * the last iterate in p[m] and, if div is non-NULL, D_f(p||q) of it in
 * *div; visit (may be NULL) sees every iterate.  scratch holds 2m doubles.
 *
 * Checks cancel before every step (MT_ECANCELED).  Fails with MT_ENUMERIC
 * when an iterate or its divergence is not a finite number: the steps are
 * too large for this divergence and lambda (the exact iterates overflow),
 * and the message says to lower training.step_size. */
mt_status mt_mirror_ascent(const mt_rule *r, const double *S, size_t steps, double eta, double *p,
                           double *scratch, mt_mirror_visit visit, void *ctx, double *div,
                           const mt_cancel *cancel, mt_error *err);

#endif
