/* mechtune/vec.h — array kernels the compiler vectorizes (src/core/vec.c).
 *
 * The analysis spends most of its time in O(m) passes of exponentials:
 * libm's exp is one call per element, these process a whole array in
 * vector registers (AVX2 where the CPU has it, SSE2 otherwise). */
#ifndef MECHTUNE_VEC_H
#define MECHTUNE_VEC_H

#include <stddef.h>

/* y[k] = exp(x[k]) for k < n, within 2 ulp of the correctly rounded value
 * (libm: within 1); 0 below -745.2, +inf above 709.8, NaN for NaN.  y may
 * be x. */
void mt_vexp(size_t n, const double *x, double *y);

#endif
