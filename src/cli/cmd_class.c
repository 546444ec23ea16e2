/* mechtune class: classroom mode (host, bot, join).  The host runs headless
 * here: teacher commands on stdin, one JSON event per line on stdout. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "mechtune/class.h"

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig)
{
	stop_signal = sig;
}

enum { OPT_BIND = OPT_FIRST_FREE, OPT_PORT, OPT_CODE, OPT_RESULTS, OPT_MAX, OPT_HEADLESS };

typedef struct {
	mt_class_host_opts h;
	bool headless;
} host_ctx;

static bool parse_unsigned(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	if (!s[0] || s[0] == '-')
		return false;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static bool host_option(int c, const char *arg, void *ctx)
{
	host_ctx *x = ctx;
	unsigned long v;
	switch (c) {
	case OPT_BIND: x->h.bind = arg; return true;
	case OPT_CODE: x->h.code = arg; return true;
	case OPT_RESULTS: x->h.results = arg; return true;
	case OPT_HEADLESS: x->headless = true; return true;
	case OPT_PORT:
		if (!parse_unsigned(arg, 65535, &v)) {
			cli_usage_error("class host", "--port must be 0 to 65535, got '%s'", arg);
			return false;
		}
		x->h.port = (unsigned)v;
		return true;
	case OPT_MAX:
		if (!parse_unsigned(arg, MT_CLASS_MAX_STUDENTS, &v) || v == 0) {
			cli_usage_error("class host", "--max-students must be 1 to %u, got '%s'",
			                MT_CLASS_MAX_STUDENTS, arg);
			return false;
		}
		x->h.max_students = v;
		return true;
	default: return false;
	}
}

static const cli_command class_host_cmd;

static void print_error_event(const char *msg)
{
	printf("{\"event\":\"error\",\"message\":");
	cli_json_string(stdout, msg);
	printf("}\n");
	fflush(stdout);
}

/* The join line on stderr, the listening event on stdout. */
static void announce(const mt_class_host *h)
{
	fprintf(stderr, "mechtune class: students join with: mechtune class join %s --code %s\n",
	        mt_class_host_address(h), mt_class_host_code(h));
	printf("{\"event\":\"listening\",\"address\":");
	cli_json_string(stdout, mt_class_host_address(h));
	printf(",\"port\":%u,\"code\":", mt_class_host_port(h));
	cli_json_string(stdout, mt_class_host_code(h));
	printf("}\n");
	fflush(stdout);
}

/* The headless class: the host's sockets and the teacher's commands on
 * stdin in one poll, until quit, the end of stdin or a signal. */
static int headless_loop(mt_class_host *h)
{
	size_t cap = mt_class_host_nfds_max(h) + 1;
	struct pollfd *fds = calloc(cap, sizeof *fds);
	char line[1024];
	size_t used = 0;
	bool quit = false, skipping = false;
	int rc = CLI_OK;
	mt_error err = {0};
	if (!fds) {
		fprintf(stderr, "mechtune class host: out of memory\n");
		rc = CLI_FAIL;
		quit = true;
	}
	while (!quit && !stop_signal) {
		size_t n = mt_class_host_pollfds(h, fds, cap - 1);
		fds[n] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
		int t = mt_class_host_timeout(h);
		if (poll(fds, n + 1, t < 0 || t > 1000 ? 1000 : t) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "mechtune class host: poll failed: %s\n", strerror(errno));
			rc = CLI_FAIL;
			break;
		}
		if (mt_class_host_service(h, fds, n, &err))
			print_error_event(err.msg);
		if (!(fds[n].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		ssize_t r = read(STDIN_FILENO, line + used, sizeof line - 1 - used);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break; /* the teacher's stdin ended: like quit */
		used += (size_t)r;
		char *start = line, *nl;
		while ((nl = memchr(start, '\n', used - (size_t)(start - line)))) {
			*nl = '\0';
			if (!skipping && *start) {
				err.msg[0] = '\0';
				if (mt_class_host_command(h, start, &quit, &err))
					print_error_event(err.msg);
			}
			skipping = false;
			start = nl + 1;
			if (quit)
				break;
		}
		used -= (size_t)(start - line);
		memmove(line, start, used);
		if (used == sizeof line - 1) {
			print_error_event("a command is longer than 1023 bytes");
			used = 0;
			skipping = true;
		}
	}
	free(fds);
	return rc;
}

static int run_host(int argc, char **argv)
{
	static const struct option longopts[] = {CLI_SCENARIO_OPTIONS,
	                                         {"bind", required_argument, NULL, OPT_BIND},
	                                         {"port", required_argument, NULL, OPT_PORT},
	                                         {"code", required_argument, NULL, OPT_CODE},
	                                         {"results", required_argument, NULL, OPT_RESULTS},
	                                         {"max-students", required_argument, NULL, OPT_MAX},
	                                         {"headless", no_argument, NULL, OPT_HEADLESS},
	                                         {0, 0, 0, 0}};
	cli_scenario_opts opts = {0};
	host_ctx x = {0};
	int rc = cli_parse(&class_host_cmd, argc, argv, longopts, &opts, host_option, &x);
	if (rc >= 0)
		return rc;
	if (!x.headless) {
		if (opts.json || opts.divergence || opts.payment || opts.lambda)
			return cli_usage_error(
			        "class host",
			        "--json, --divergence, --payment and --lambda go with "
			        "--headless (the panel plays the file as it is)");
		cli_explore_opts e;
		cli_explore_defaults(&e);
		e.file = opts.file && strcmp(opts.file, CLI_DEFAULT_FILE) ? opts.file : NULL;
		e.class_host = &x.h;
		signal(SIGPIPE, SIG_IGN);
		return cli_explore(&e);
	}
	mt_scenario *sc;
	if ((rc = cli_load("class host", &opts, &sc)))
		return rc;
	mt_error err = {0};
	mt_class_host *h = NULL;
	x.h.events = stdout;
	if (mt_class_host_new(sc, &x.h, &h, &err)) {
		char text[MT_ERROR_TEXT_MAX];
		mt_error_format(&err, text, sizeof text);
		fprintf(stderr, "mechtune class host: %s\n", text);
		mt_scenario_free(sc);
		return CLI_FAIL;
	}
	mt_scenario_free(sc);
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	announce(h);
	rc = headless_loop(h);
	mt_class_host_free(h);
	printf("{\"event\":\"ended\"}\n");
	fflush(stdout);
	return rc;
}

static const cli_command class_host_cmd = {
        .name = "class host",
        .summary = "",
        .usage =
                "usage: mechtune class host FILE [--headless] [--bind ADDR] [--port N]\n"
                "                          [--code CODE] [--results FILE.csv] [--max-students N]\n"
                "\n"
                "Seat students at tables (one copy of the scenario each, one student per\n"
                "group) and run rounds.  The explorer opens with the class panel (keys N, V,\n"
                "S start a round, c closes it, K kicks, y toggles the panel, q quits); with\n"
                "--headless, teacher commands come on stdin, one per line:\n"
                "  start PAYMENT [SECONDS]   open a round under PAYMENT, optional deadline\n"
                "  close                     close the open round now (missing reports: truth)\n"
                "  kick NAME                 remove a student and free the seat\n"
                "  quit                      end the class\n"
                "Events on stdout, one JSON object per line: listening, joined, rejoined,\n"
                "round_started, submitted, round_closed (every table's outcome), left, error.\n"
                "\n"
                "  --bind ADDR        listen on ADDR (default 127.0.0.1: students ssh in)\n"
                "  --port N           port (default 0: a free one, printed)\n"
                "  --code CODE        join code (default: random, from getrandom)\n"
                "  --results F.csv    append one row per seat per round (fsync'ed)\n"
                "  --max-students N   seats (default 200, at most 10000)\n"
                "  --headless         no screen: commands on stdin, events on stdout (without it,\n"
                "                     the explorer opens with the class panel; ? lists its keys)\n",
        .run = run_host,
};

enum {
	OPT_NAME = 2000,
	OPT_COUNT,
	OPT_STRATEGY,
	OPT_TOKEN,
	OPT_DELAY,
	OPT_SEED,
	OPT_CODE2,
	OPT_QUIET,
	OPT_LINES,
	OPT_ASCII,
	OPT_NOCOLOR,
	OPT_H
};

static void client_usage(bool bot)
{
	fputs(bot ? "usage: mechtune class bot HOST:PORT --code CODE --strategy S "
	            "[--name NAME] [--count K]\n"
	            "                         [--delay MS] [--seed N] [--token T] "
	            "[--quiet]\n"
	            "\n"
	            "Headless players: each joins, and answers every round after "
	            "MS\n"
	            "milliseconds with its strategy: truthful, best (best response "
	            "to\n"
	            "others assumed uniform: what a player can know), random, "
	            "polarize.\n"
	            "One JSON line per welcome and result on stdout (--quiet: "
	            "none).\n"
	          : "usage: mechtune class join HOST:PORT --code CODE [--name "
	            "NAME] [--token T]\n"
	            "                          [--lines] [--ascii] [--no-color]\n"
	            "\n"
	            "Join a class.  On a terminal: the student's screen (your "
	            "group's\n"
	            "true data, the round, your report to edit, your results; ? "
	            "for keys).\n"
	            "With --lines, or when stdin or stdout is not a terminal: "
	            "plain "
	            "line\n"
	            "mode, each round's report typed as SIZE R1 R2 ... (an empty "
	            "line: the\n"
	            "truth).  --token T rejoins the seat the host gave that "
	            "token.\n",
	      stdout);
}

static int run_client(int argc, char **argv, bool bot)
{
	const char *cmd = bot ? "class bot" : "class join";
	static const struct option longopts[] = {
	        {"code", required_argument, NULL, OPT_CODE2},
	        {"name", required_argument, NULL, OPT_NAME},
	        {"count", required_argument, NULL, OPT_COUNT},
	        {"strategy", required_argument, NULL, OPT_STRATEGY},
	        {"token", required_argument, NULL, OPT_TOKEN},
	        {"delay", required_argument, NULL, OPT_DELAY},
	        {"seed", required_argument, NULL, OPT_SEED},
	        {"quiet", no_argument, NULL, OPT_QUIET},
	        {"lines", no_argument, NULL, OPT_LINES},
	        {"ascii", no_argument, NULL, OPT_ASCII},
	        {"no-color", no_argument, NULL, OPT_NOCOLOR},
	        {"help", no_argument, NULL, OPT_H},
	        {0, 0, 0, 0}};
	mt_class_bot_opts o = {.count = 1, .log = stdout, .seed = 1};
	bool have_strategy = false, lines = false, ascii = false;
	const char *no_color = getenv("NO_COLOR");
	bool color = !no_color || !no_color[0];
	unsigned long v;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_H: client_usage(bot); return CLI_OK;
		case OPT_CODE2: o.code = optarg; break;
		case OPT_NAME: o.name = optarg; break;
		case OPT_TOKEN: o.token = optarg; break;
		case OPT_QUIET: o.log = NULL; break;
		case OPT_LINES:
		case OPT_ASCII:
		case OPT_NOCOLOR:
			if (bot)
				return cli_usage_error(cmd, "unknown option '%s'",
				                       argv[optind - 1]);
			lines |= c == OPT_LINES;
			ascii |= c == OPT_ASCII;
			color &= c != OPT_NOCOLOR;
			break;
		case OPT_COUNT:
			if (!bot || !parse_unsigned(optarg, MT_CLASS_MAX_STUDENTS, &v) || !v)
				return cli_usage_error(cmd, "--count must be 1 to %u",
				                       MT_CLASS_MAX_STUDENTS);
			o.count = v;
			break;
		case OPT_DELAY:
			if (!bot || !parse_unsigned(optarg, 3600000, &v))
				return cli_usage_error(cmd, "--delay must be 0 to 3600000 ms");
			o.delay_ms = (unsigned)v;
			break;
		case OPT_SEED:
			if (!bot || !parse_unsigned(optarg, (unsigned long)-1, &v))
				return cli_usage_error(cmd, "--seed must be a number");
			o.seed = v;
			break;
		case OPT_STRATEGY:
			if (!bot || !mt_class_strategy_parse(optarg, &o.strategy))
				return cli_usage_error(cmd,
				                       "--strategy must be truthful, best, random "
				                       "or polarize, got '%s'",
				                       optarg);
			have_strategy = true;
			break;
		default: return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(cmd, "missing HOST:PORT");
	if (optind + 1 < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
	if (!o.code)
		return cli_usage_error(cmd, "missing --code CODE (shown by the teacher's host)");
	if (bot && !have_strategy)
		return cli_usage_error(cmd, "missing --strategy");
	o.host = argv[optind];
	signal(SIGPIPE, SIG_IGN);
	if (!bot && !lines && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		cli_student_opts so = {.host = o.host,
		                       .code = o.code,
		                       .name = o.name,
		                       .token = o.token,
		                       .color = color,
		                       .ascii = ascii};
		return cli_student(&so);
	}
	mt_error err = {0};
	mt_status st =
	        bot ? mt_class_bot_run(&o, &err) : mt_class_join_run(&o, stdin, stdout, &err);
	if (st) {
		fprintf(stderr, "mechtune %s: %s\n", cmd, err.msg);
		return CLI_FAIL;
	}
	return CLI_OK;
}

static int run(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(cli_class.usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (!strcmp(argv[1], "host"))
		return run_host(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bot"))
		return run_client(argc - 1, argv + 1, true);
	if (!strcmp(argv[1], "join"))
		return run_client(argc - 1, argv + 1, false);
	return cli_usage_error("class", "unknown subcommand '%s' (host, join, bot)", argv[1]);
}

const cli_command cli_class = {
        .name = "class",
        .summary = "classroom mode: host a class, join it, or run bots",
        .usage = "usage: mechtune class host FILE [--headless] [OPTIONS]   seat students, run "
                 "rounds\n"
                 "       mechtune class join HOST:PORT --code CODE [--name NAME]\n"
                 "       mechtune class bot HOST:PORT --code CODE --strategy S [--count K]\n"
                 "\n"
                 "Students play the groups of a scenario, report what they like and see what\n"
                 "their report earned under each payment rule.  'mechtune class host --help',\n"
                 "'... join --help', '... bot --help' and the README's \"Running a class\".\n",
        .run = run,
};
