/* mt_strbuf: text built piece by piece in a fixed buffer never runs past
 * it, whatever the pieces' lengths (the draw_detail overflow of issue 8). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mechtune/library.h"
#include "mechtune/strbuf.h"

/* A buffer with guard bytes on both sides that must stay untouched. */
#define GUARD 32
static char mem[GUARD + 64 + GUARD];

static char *fresh(void)
{
	memset(mem, 'G', sizeof mem);
	return mem + GUARD;
}

static void assert_guards(size_t cap)
{
	for (size_t k = 0; k < GUARD; k++) {
		assert_int_equal(mem[k], 'G');
		assert_int_equal(mem[GUARD + cap + k], 'G');
	}
}

static void test_fits(void **state)
{
	(void)state;
	mt_strbuf b;
	mt_strbuf_init(&b, fresh(), 16);
	mt_strbuf_addf(&b, "%s-%d", "ab", 12);
	mt_strbuf_add(&b, "!");
	assert_false(b.truncated);
	assert_string_equal(mt_strbuf_finish(&b, "..."), "ab-12!");
	assert_int_equal(b.len, 6);
	assert_guards(16);
}

/* A first piece longer than the buffer, then more pieces: the old
 * `k += snprintf(buf + k, sizeof buf - k, ...)` wrote past the end here. */
static void test_long_piece_then_more(void **state)
{
	(void)state;
	char big[5000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	mt_strbuf b;
	mt_strbuf_init(&b, fresh(), 64);
	mt_strbuf_addf(&b, "%s's best lie:", big);
	for (int k = 0; k < 100; k++)
		mt_strbuf_addf(&b, " %d", k);
	mt_strbuf_addf(&b, ", size %.3g", 2.5);
	assert_true(b.truncated);
	assert_int_equal(b.len, 63);
	assert_int_equal(strlen(b.buf), 63);
	mt_strbuf_finish(&b, "...");
	assert_int_equal(strlen(b.buf), 63);
	assert_string_equal(b.buf + 60, "...");
	assert_guards(64);
}

/* A cut never leaves half a UTF-8 character, with or without the
 * ellipsis. */
static void test_utf8_boundary(void **state)
{
	(void)state;
	for (size_t cap = 1; cap <= 64; cap++) {
		for (int ell = 0; ell < 2; ell++) {
			mt_strbuf b;
			mt_strbuf_init(&b, fresh(), cap);
			mt_strbuf_add(&b, "a");
			for (int k = 0; k < 40; k++)
				mt_strbuf_add(&b, k % 2 ? "é" : "😀"); /* 2 and 4 bytes */
			const char *s = mt_strbuf_finish(&b, ell ? "…" : NULL);
			size_t n = strlen(s);
			assert_true(n < cap);
			assert_int_equal(n, b.len);
			/* valid UTF-8: every lead byte has all its continuation bytes */
			for (size_t i = 0; i < n;) {
				unsigned char c = (unsigned char)s[i];
				size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
				assert_true(c < 0x80 || c >= 0xC0);
				assert_true(i + len <= n);
				for (size_t j = 1; j < len; j++)
					assert_int_equal((unsigned char)s[i + j] & 0xC0, 0x80);
				i += len;
			}
			if (ell && cap > 4)
				assert_string_equal(s + n - 3, "…");
			assert_guards(cap);
		}
	}
}

static void test_zero_capacity(void **state)
{
	(void)state;
	mt_strbuf b;
	mt_strbuf_init(&b, fresh(), 0);
	mt_strbuf_add(&b, "anything");
	assert_string_equal(mt_strbuf_finish(&b, "..."), "");
	assert_guards(0);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fits),
	        cmocka_unit_test(test_long_piece_then_more),
	        cmocka_unit_test(test_utf8_boundary),
	        cmocka_unit_test(test_zero_capacity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
