/* Scenario loading with overrides, usage errors and the JSON writer. */
#include "cli.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>

#include "mechtune/divergence.h"
#include "mechtune/payment.h"
#include "mechtune/yamlio.h"

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "mechtune%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; see 'mechtune%s%s --help'\n", cmd ? " " : "", cmd ? cmd : "");
	return CLI_USAGE;
}

bool cli_parse_double(const char *s, double *out)
{
	char *end;
	if (!s || !*s)
		return false;
	double v = strtod(s, &end);
	if (*end || !isfinite(v))
		return false;
	*out = v;
	return true;
}

static void list_names(char *buf, size_t len, const char *const *names)
{
	buf[0] = '\0';
	for (size_t i = 0; names[i]; i++) {
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", i ? ", " : "", names[i]);
	}
}

int cli_load(const char *cmd, const cli_scenario_opts *opts, mt_scenario **out)
{
	mt_error err = {0};
	mt_scenario *sc = NULL;
	char line[MT_ERROR_TEXT_MAX];
	mt_status st = opts->file && strcmp(opts->file, CLI_DEFAULT_FILE)
	                       ? mt_scenario_load_file(opts->file, &sc, &err)
	                       : mt_scenario_default(&sc, &err);
	if (st) {
		fprintf(stderr, "%s\n", mt_error_format(&err, line, sizeof line));
		return CLI_USAGE;
	}
	if (opts->divergence) {
		const mt_divergence *d = mt_divergence_find(opts->divergence);
		if (!d) {
			const char *names[16] = {0};
			for (size_t i = 0; mt_divergences[i] && i < 15; i++)
				names[i] = mt_divergences[i]->name;
			list_names(line, sizeof line, names);
			mt_scenario_free(sc);
			return cli_usage_error(cmd, "unknown divergence '%s' (use one of: %s)",
			                       opts->divergence, line);
		}
		sc->divergence = d;
	}
	if (opts->payment) {
		const mt_payment_rule *r = mt_payment_find(opts->payment);
		if (!r) {
			const char *names[16] = {0};
			for (size_t i = 0; mt_payment_rules[i] && i < 15; i++)
				names[i] = mt_payment_rules[i]->name;
			list_names(line, sizeof line, names);
			mt_scenario_free(sc);
			return cli_usage_error(cmd, "unknown payment rule '%s' (use one of: %s)",
			                       opts->payment, line);
		}
		sc->payment = r;
	}
	if (opts->lambda) {
		double l;
		if (!cli_parse_double(opts->lambda, &l) || !(l > 0.0)) {
			mt_scenario_free(sc);
			return cli_usage_error(cmd, "--lambda needs a positive number, got '%s'",
			                       opts->lambda);
		}
		sc->lambda = l;
	}
	*out = sc;
	return CLI_OK;
}

void cli_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c == '\n')
			fputs("\\n", f);
		else if (*c < 0x20)
			fprintf(f, "\\u%04x", *c);
		else
			fputc(*c, f);
	}
	fputc('"', f);
}

void cli_json_number(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.17g", v);
	else
		fputs("null", f);
}

void cli_json_numbers(FILE *f, const double *v, size_t n)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs(", ", f);
		cli_json_number(f, v[i]);
	}
	fputc(']', f);
}

bool cli_scenario_option(int c, const char *arg, cli_scenario_opts *o)
{
	switch (c) {
	case OPT_JSON: o->json = true; return true;
	case OPT_DIVERGENCE: o->divergence = arg; return true;
	case OPT_PAYMENT: o->payment = arg; return true;
	case OPT_LAMBDA: o->lambda = arg; return true;
	default: return false;
	}
}

/* The usage error of getopt_long's '?' or ':' (c): optopt is a short
 * option's letter, a long option's code, or 0 for an unknown long option,
 * which is then the last argument read (arg, perhaps "--name=value"). */
static int option_error(const char *cmd, int c, const char *arg, const struct option *longopts)
{
	if (optopt > 0 && optopt < 256)
		return cli_usage_error(
		        cmd, c == ':' ? "option '-%c' needs a value" : "unknown option '-%c'",
		        optopt);
	const char *name = NULL;
	for (const struct option *o = longopts; optopt && o->name; o++)
		if (o->val == optopt && !o->flag)
			name = o->name;
	if (!name) {
		size_t len = strcspn(arg, "=");
		return cli_usage_error(cmd, "unknown option '%.*s'", (int)len, arg);
	}
	if (c == ':')
		return cli_usage_error(cmd, "option '--%s' needs a value", name);
	return cli_usage_error(cmd, "option '--%s' takes no value, got '%s'", name, arg);
}

void cli_print_usage(const cli_command *cmd, FILE *f)
{
	static const char div_tag[] = "{divergences}", pay_tag[] = "{payments}";
	for (const char *s = cmd->usage; *s;) {
		if (!strncmp(s, div_tag, sizeof div_tag - 1)) {
			for (size_t i = 0; mt_divergences[i]; i++)
				fprintf(f, "%s%s", i ? ", " : "", mt_divergences[i]->name);
			s += sizeof div_tag - 1;
		} else if (!strncmp(s, pay_tag, sizeof pay_tag - 1)) {
			for (size_t i = 0; mt_payment_rules[i]; i++)
				fprintf(f, "%s%s", i ? ", " : "", mt_payment_rules[i]->name);
			s += sizeof pay_tag - 1;
		} else {
			fputc(*s++, f);
		}
	}
}

int cli_parse(const cli_command *cmd, int argc, char **argv, const void *longopts,
              cli_scenario_opts *o, bool (*extra)(int c, const char *arg, void *ctx), void *ctx)
{
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (c == OPT_HELP) {
			cli_print_usage(cmd, stdout);
			return CLI_OK;
		}
		if (c == '?' || c == ':')
			return option_error(cmd->name, c, argv[optind - 1], longopts);
		if (cli_scenario_option(c, optarg, o))
			continue;
		if (!extra || !extra(c, optarg, ctx))
			return CLI_USAGE;
	}
	if (optind >= argc)
		return cli_usage_error(cmd->name, "missing scenario FILE");
	if (optind + 1 < argc)
		return cli_usage_error(cmd->name, "unexpected argument '%s'", argv[optind + 1]);
	o->file = argv[optind];
	return -1;
}

void cli_explore_defaults(cli_explore_opts *o)
{
	const char *nc = getenv("NO_COLOR");
	*o = (cli_explore_opts){.mouse = true, .color = !(nc && *nc)};
}

bool cli_explore_option(const char *arg, cli_explore_opts *o)
{
	if (!strcmp(arg, "--no-mouse"))
		o->mouse = false;
	else if (!strcmp(arg, "--no-color"))
		o->color = false;
	else if (!strcmp(arg, "--ascii"))
		o->ascii = true;
	else if (!strcmp(arg, "--presenter"))
		o->presenter = true;
	else if (!strcmp(arg, "--read-only"))
		o->read_only = true;
	else
		return false;
	return true;
}
