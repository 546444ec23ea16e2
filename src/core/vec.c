/* Vectorizable array kernels (mechtune/vec.h).  This file is compiled with
 * -O3 (CMakeLists.txt) so that the loops are vectorized; with gcc on x86-64
 * each kernel is also cloned for AVX2 and picked at load time. */
#include "mechtune/vec.h"

#include <stdint.h>
#include <string.h>

/* Not under TSan: the clone's ifunc resolver runs during relocation, before
 * the TSan runtime is up, and the program dies before main. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
        !defined(__SANITIZE_THREAD__)
#define MT_VEC_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MT_VEC_CLONES
#endif

static inline uint64_t bits_of(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof u);
	return u;
}

static inline double double_of(uint64_t u)
{
	double d;
	memcpy(&d, &u, sizeof d);
	return d;
}

/* exp(x) = 2^k exp(r), k = round(x / log 2), r = x - k log 2 (Cody-Waite,
 * |r| <= log(2)/2), exp(r) by its Taylor polynomial of degree 13 (truncation
 * below 1e-17 relative), 2^k as two exactly representable halves so that
 * results down to the subnormals round once.  Integers are read from the
 * bits of x / log 2 + 1.5 * 2^52 (no float-to-int conversion, which would
 * not vectorize before AVX-512).  Branch-free: every lane runs the same
 * code, and NaN stays NaN through the final select. */
MT_VEC_CLONES void mt_vexp(size_t n, const double *x, double *y)
{
	const double shifter = 0x1.8p52, log2e = 0x1.71547652b82fep0;
	const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
	const uint64_t sbits = 0x4338000000000000ull; /* bits of shifter */
	for (size_t i = 0; i < n; i++) {
		double v = x[i];
		double a = v > 709.8 ? 709.8 : v < -746.0 ? -746.0 : v;
		a = v == v ? a : 0.0;
		double kd = a * log2e + shifter - shifter;
		double r = (a - kd * ln2_hi) - kd * ln2_lo;
		double p = 1.0 / 6227020800.0;
		p = p * r + 1.0 / 479001600.0;
		p = p * r + 1.0 / 39916800.0;
		p = p * r + 1.0 / 3628800.0;
		p = p * r + 1.0 / 362880.0;
		p = p * r + 1.0 / 40320.0;
		p = p * r + 1.0 / 5040.0;
		p = p * r + 1.0 / 720.0;
		p = p * r + 1.0 / 120.0;
		p = p * r + 1.0 / 24.0;
		p = p * r + 1.0 / 6.0;
		p = p * r + 0.5;
		p = p * r + 1.0;
		p = p * r + 1.0;
		double k2 = kd * 0.5 + shifter - shifter, k1 = kd - k2;
		double s1 = double_of((bits_of(k1 + shifter) - sbits + 1023u) << 52);
		double s2 = double_of((bits_of(k2 + shifter) - sbits + 1023u) << 52);
		double e = p * s1 * s2;
		y[i] = v == v ? e : v;
	}
}
