/* app.h — the explorer's state, shared by its views (view_*.c, keys.c's
 * help) and its loop (loop.c, keys.c, recover.c).
 *
 * Layers, lowest first; a file uses only layers below it:
 *   core (include/mechtune) <- doc (doc.h) <- screen (screen.h) <- views,
 *   loop (this header).  tests/layers/run_includes.sh checks the includes.
 *
 * Only the UI thread touches any of this.  The scenario being edited is
 * app.doc.sc (doc.h); every change is made on a clone, which replaces it
 * while the history keeps what differs from the old one; then the main
 * loop submits a fresh clone to the worker. */
#ifndef MT_TUI_APP_H
#define MT_TUI_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "mechtune/class.h"
#include "mechtune/lesson.h"
#include "mechtune/recover.h"
#include "mechtune/scenario.h"
#include "mechtune/sweep.h"
#include "mechtune/worker.h"
#include "doc.h"
#include "history.h"
#include "screen.h"
#include "tui.h"

/* Reaction flags returned by key handlers (htop's HandlerResult). */
enum {
	R_NONE = 0,
	R_REDRAW = 1 << 0,  /* repaint the screen */
	R_RESOLVE = 1 << 1, /* the scenario or the view's needs changed: resubmit */
	R_QUIT = 1 << 2,    /* leave the main loop */
};

/* Function keys (KEY_UP, ...) are dispatched as KEY_FN(code), characters
 * as their code point: the two never collide. */
#define KEY_OFFSET_FN 0x110000
#define KEY_FN(k) ((k) + KEY_OFFSET_FN)
#define CTRL_KEY(c) ((c)&0x1f)

/* The smallest terminal the explorer draws in. */
#define MIN_COLS 60
#define MIN_LINES 16
/* The "terminal too small" screen is up: it executes no keys but resize,
 * Ctrl-L and q (which asks first when changes are unsaved). */
#define APP_TOO_SMALL() (COLS < MIN_COLS || LINES < MIN_LINES)

typedef enum { VIEW_MAIN = 0, VIEW_PLOT = 1, VIEW_EXPLAIN = 2, VIEW_CLASS = 3 } view_kind;

/* Modal states: each one owns the keyboard while it is active. */
typedef enum {
	MODE_NORMAL = 0,
	MODE_HELP,
	MODE_INPUT,
	MODE_CONFIRM,
	MODE_PICKER,
	MODE_MESSAGE /* the last status message in full (!); any key closes it */
} mode_kind;

/* The status area: a long message wraps into at most this many rows (above
 * the hint line), and ends with a note that ! shows all of it. */
#define STATUS_MAX_ROWS 3

typedef struct app app;

/* One line editor on the status line. */
typedef struct {
	char prompt[160];
	wchar_t buf[256];
	size_t len, pos;
	bool numeric;                          /* a number is expected */
	int (*done)(app *a, const char *text); /* returns reaction flags */
} input_line;

/* A yes/no/cancel question on the status line. */
typedef struct {
	char question[200];
	/* choice is the key pressed ('y', 'n', 's', ...), 0 when cancelled */
	int (*done)(app *a, int choice);
	const char *choices; /* accepted keys, e.g. "ysn" */
} confirm_box;

typedef struct {
	char **paths; /* full paths (lesson names), NULL for a heading line */
	char **labels;
	size_t len, sel, top;
	bool lessons; /* the lesson picker, not the scenario picker */
} picker;

/* Mouse hit boxes recorded while drawing. */
typedef enum {
	HIT_CELL,
	HIT_OUTCOME_GROUP,
	HIT_POLICY_RESPONSE,
	HIT_PICKER,
	HIT_KEY /* a key of the hint line: col is the key, as keys_dispatch takes it */
} hit_kind;
typedef struct {
	int y, x, w;
	hit_kind kind;
	int row, col;
} hit_box;

struct app {
	tui_options opt;
	const glyph_set *g;
	attr_t attr[C_COUNT];
	short pair[C_COUNT];

	/* The document (doc.h: no curses). */
	doc doc;

	/* The solver. */
	mt_worker *worker;
	unsigned long gen;                    /* last submitted generation */
	mt_job_needs needs;                   /* needs of the last submission */
	mt_stage_result *res[MT_STAGE_COUNT]; /* latest accepted (maybe older generation) */
	double submitted_at;
	double last_solve_seconds;

	/* The view. */
	view_kind view;
	mode_kind mode;
	int grid_top, grid_left;  /* first visible grid row / response column */
	int grid_page;            /* grid rows on screen (PgUp/PgDn), set when drawn */
	char search[128];         /* the last / search */
	bool search_on_response;  /* its last match was a response (the next one starts there) */
	int pol_first, out_first; /* first visible policy response / outcome group */
	size_t step_idx;
	bool braille;      /* plot style */
	bool utility_only; /* plot: utility alone, on its own scale */
	int plot_family;   /* plot: the panel the cursor is in (mt_sweep_family) */
	int plot_point;    /* plot: the cursor's point in it; -1: at the truth */
	/* plot: the user's ranges by family (from == to: the default) */
	double plot_from[MT_WORKER_NSWEEPS], plot_to[MT_WORKER_NSWEEPS];
	int help_top;
	int explain_left;  /* explain view: first response of the t(x) list */
	int help_max_top;  /* the help's last scroll position (0: it all fits), set when drawn */
	int info_top;      /* first shown row of the lesson text (< > scroll it) */
	int info_max_top;  /* its last scroll position (0: it all shows), set when drawn */
	size_t info_step;  /* the lesson step info_top belongs to (+1; 0: none) */
	bool message_info; /* MODE_MESSAGE shows the info panel in full (I), not the status */

	/* Visible renormalization: the row that was renormalized and its values
	 * before the edit; cells that differ are highlighted until the next key. */
	int hl_row;
	double *hl_prev;

	bool quit_after_save; /* quit once the save (maybe after a question) succeeds */
	char *save_path;      /* the save waiting for a yes (overwrite, read-only) */
	unsigned save_flags;  /* its mt_scenario_save_flags flags */
	int pending_key;      /* b/B/i pressed before the best responses were ready */

	/* Coalitions (view_coalition.c): the partner picked for group
	 * co_group; none picked (co_partner == co_group or out of range): the
	 * most profitable partner, computed for at most 8 groups.  A pick made
	 * with another number of groups (one was added or removed) is void. */
	size_t co_group, co_partner, co_n;

	input_line input;
	confirm_box confirm;
	picker pick;

	hit_box hits[512];
	size_t nhits;

	/* The running lesson (NULL: none).  The info panel shows its current
	 * step; lesson_check moves on when the step's check passes. */
	const mt_lesson *lesson;
	size_t lesson_step;
	unsigned long lesson_step_edit; /* edit_id when the step began */
	mt_scenario *lesson_start;      /* the scenario when the step began */
	char lesson_text[2048];         /* the step's text, keys filled in */

	/* Recovery (recover.c): where recovery files of the document go, the
	 * one this session restored from (rewritten on the next signal,
	 * removed once the document is saved or on a clean quit), and the
	 * serialized image the fatal-signal handler writes. */
	mt_recover_places places;
	char *places_path; /* the path places were computed for */
	bool places_ok;
	unsigned long places_gen; /* bumped when places or recover_owned change */
	char recover_owned[MT_RECOVER_PATH_MAX];
	unsigned long owned_saved_id; /* saved_id when it was restored */
	bool image_have;
	unsigned long image_edit, image_places;
	double image_due;       /* when to serialize again (0: not scheduled) */
	mt_scenario *recovered; /* offered at start, waiting for the answer */
	char recover_offer[MT_RECOVER_PATH_MAX];
	int empty_reads; /* poll said readable but nothing came, in a row */

	/* The class this explorer hosts (`mechtune class host FILE`; NULL:
	 * none), served from the main loop's poll; its panel (view_class.c)
	 * scrolls by class_top of class_lines. */
	mt_class_host *host;
	struct pollfd *host_fds;
	size_t host_cap;
	int class_top, class_lines;
};

/* --- loop.c ---------------------------------------------------------- */
/* Results of the current generation, or NULL while they are computing. */
const mt_stage_result *app_result(const app *a, mt_stage s);
/* The newest result of a stage even when it is stale (NULL if none). */
const mt_stage_result *app_any_result(const app *a, mt_stage s);
/* The analysis under the active rule of the current generation (falls back
 * to the `none` analysis when the rule is none), or NULL. */
const mt_analysis *app_rule_analysis(const app *a);
const mt_analysis *app_none_analysis(const app *a);

/* Edits work on a copy: app_begin returns a clone of the scenario (NULL,
 * with the status set, when out of memory); change it, then app_commit it
 * (validates; on success the old scenario goes on the undo stack and the
 * redo stack is cleared, on failure the copy is freed and the status says
 * why).  Both return reaction flags. */
mt_scenario *app_begin(app *a);
int app_commit(app *a, mt_scenario *next);
bool app_modified(const app *a);
int app_undo(app *a);
int app_redo(app *a);
void app_set_status(app *a, bool error, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;
/* Replace the document (ownership of sc moves in); resets undo history. */
void app_replace_scenario(app *a, mt_scenario *sc, const char *path);
/* Save to path (flags: mt_scenario_save_flags); the status says how it went. */
int app_save(app *a, const char *path, unsigned flags);
int app_open(app *a, const char *path);
void app_clamp_cursor(app *a);
size_t app_group(const app *a); /* the group the cursor is on (0 on the reference row) */
double app_step(const app *a);
extern const double app_steps[];
extern const size_t app_nsteps;

/* --- keys.c ---------------------------------------------------------- */
int keys_dispatch(app *a, int key); /* normal mode */
void keys_draw_help(app *a);
int keys_help_key(app *a, int key);
/* The hint line: the most important keys that fit in width columns. */
void keys_draw_hints(app *a, int y, int width);
/* The key bound to a named action ("lie", "lambda_up", ...) as the screen
 * names it; false when no key has that action. */
bool keys_action_key(const app *a, const char *action, char *buf, size_t len);
/* Copy text to out replacing every {action} by its key (and, on ASCII
 * terminals, the few non-ASCII characters by ASCII).  Returns false when a
 * placeholder names no action; bad then holds the first such name. */
bool keys_expand(const app *a, const char *text, char *out, size_t len, char *bad, size_t badlen);

/* Edits shared by keys and prompts: set cell (row, col) to v keeping its
 * row valid (renormalizing the other entries visibly).  Returns reaction
 * flags; bad values leave everything unchanged and explain in the status. */
int edit_set_cell(app *a, int row, int col, double v);

/* --- view_main.c ---------------------------------------------------- */
void draw_all(app *a);
/* put() of a name: one too wide for w columns ends with the ellipsis. */
int put_name(const app *a, int y, int x, int w, attr_t at, const char *s);
void add_hit(app *a, int y, int x, int w, hit_kind k, int row, int col);

/* --- view_plot.c ---------------------------------------------------- */
void plot_draw(app *a, int top, int height);
/* The cursor along the selected panel's curve: its sweep and row (false:
 * no curve of the selected group yet; out may be NULL); moving it by
 * delta points, to the next panel (both show the values at it on the
 * status line), and Enter: the group reports the misreport at it (alpha,
 * beta, epsilon, through doc_misreport) or lambda becomes its value.
 * Each returns reaction flags. */
bool plot_cursor_row(const app *a, const mt_sweep **out, size_t *k);
int plot_cursor_move(app *a, int delta);
int plot_cursor_family(app *a);
int plot_cursor_apply(app *a);

/* --- view_coalition.c ---------------------------------------------- */
/* The coalition of the selected group with its partner, as shown. */
typedef struct {
	size_t group, partner;      /* partner == group: none (fewer than 2 groups) */
	bool picked;                /* the user picked the partner (else the most profitable) */
	bool on_demand;             /* above 8 groups: computed only for a picked partner */
	bool stale;                 /* drawing only: res is of an older generation */
	const mt_stage_result *res; /* the coalition stage of this generation, or NULL */
	const mt_worker_pair *pair; /* its result for {group, partner}, or NULL */
	const mt_coalition *shown;  /* under the active rule (none's when it charges nothing) */
} coalition_view;
void coalition_current(const app *a, coalition_view *v);
/* The partner the worker must compute for, and of which group in *of
 * (MT_WORKER_ALL_PAIRS: every pair). */
size_t coalition_request(const app *a, size_t *of);
/* The coalition stage is still expected for this generation. */
bool coalition_pending(const app *a);
/* Rows the coalition lines want (0 to 2) and drawing them from y. */
int coalition_rows(const app *a);
void coalition_draw(app *a, int y, int rows);
/* "Alices+Carols: joint lie gains +1.232 (none) / +1.382 (vcg) ~search"
 * without the word "coalition", for the status line; false when there is
 * nothing to say yet (why is in buf). */
bool coalition_summary(const app *a, const coalition_view *v, char *buf, size_t len);

/* --- view_class.c --------------------------------------------------- */
/* The teacher's class panel in rows top .. top + height - 1. */
void class_draw(app *a, int top, int height);
/* The class keys: y or F2 toggles the panel, N / V start a round under none /
 * vcg, S asks for the rule (and a deadline), c closes the round, K asks
 * whom to kick.  Returns reaction flags. */
int class_key(app *a, int key);
/* Scroll the panel by delta lines (+-1000: a page). */
int class_scroll(app *a, int delta);
bool class_round_open(const app *a);

/* --- view_explain.c ------------------------------------------------- */
void explain_draw(app *a, int top, int height);

/* --- view_prompt.c -------------------------------------------------- */
void input_start(app *a, const char *prompt, const char *initial, bool numeric,
                 int (*done)(app *a, const char *text));
int input_key(app *a, int key, bool is_char);
void input_draw(app *a, int y);
void confirm_start(app *a, const char *choices, int (*done)(app *a, int choice), const char *fmt,
                   ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 4, 5)))
#endif
        ;
int confirm_key(app *a, int key);
void picker_open(app *a);
void picker_open_lessons(app *a);
void picker_free(app *a);
int picker_key(app *a, int key);
void picker_draw(app *a);

/* --- recover.c ------------------------------------------------------ */
/* Signals: sig_install (before the worker thread starts) catches SIGHUP,
 * SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM and SIGXCPU into a
 * self-pipe (sig_fd for poll, sig_take returns the next one, 0 when none)
 * and the fatal signals into a handler that restores the terminal and
 * writes the prepared image.  false when the pipe cannot be made. */
bool sig_install(void);
void sig_restore(void);
int sig_fd(void);
int sig_take(void);
/* Around initscr: remember the terminal's mode, then the bytes that leave
 * the screen, for the fatal handler; sig_curses_ended after endwin. */
void sig_before_curses(void);
void sig_after_curses(bool mouse);
void sig_curses_ended(void);
/* Whether the terminal is gone, from poll's revents of stdin and whether
 * any key was read after it (EOF, POLLHUP, POLLERR, EIO). */
bool terminal_lost(app *a, short revents, bool got_key);
/* Offer the first recovery file of the document (a question); call once at
 * start. */
void recover_offer(app *a);
/* Keep the places and the fatal handler's image current; returns the poll
 * timeout (ms) the next serialization needs, -1 for none. */
int recover_tick(app *a, double now);
/* A terminating signal or the lost terminal: write the recovery file when
 * there are unsaved changes, restore the terminal, say so in one line on
 * stderr.  Returns the exit status, 128 + sig. */
int recover_leave(app *a, int sig, bool lost);
/* A clean quit: the file restored from is removed. */
void recover_clean_quit(app *a);
void recover_release(app *a);

/* --- view_lesson.c ------------------------------------------------- */
/* Start lesson l on its scenario (replacing the document).  Returns
 * reaction flags; a scenario that does not load is explained in the status. */
int lesson_begin(app *a, const mt_lesson *l);
/* Leave the lesson (finished: it was completed); the scenario stays. */
int lesson_leave(app *a, bool finished);
/* Space: go on when the current step waits for the user. */
int lesson_next(app *a);
/* Move on when the current step's check passes: after every key and when
 * results arrive.  Returns reaction flags. */
int lesson_check(app *a);
/* The current step has no check: the user moves on with Space. */
bool lesson_waiting(const app *a);
void lesson_release(app *a);

#endif
