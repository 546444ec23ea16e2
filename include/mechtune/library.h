/* mechtune/library.h — process set-up of a program that uses the core.
 *
 * Call mt_library_init() once at the start of main(), before any other
 * mechtune function and before mt_worker_start: the command line, the
 * explorer, the unit tests and the benchmarks all do.  It turns GSL's
 * default error handler (which prints and aborts) off, so that a GSL error
 * reaches the caller as a status and the core reports it as an mt_error.
 * It does not touch the locale or signal dispositions, which belong to the
 * program.  Calling it again is harmless. */
#ifndef MECHTUNE_LIBRARY_H
#define MECHTUNE_LIBRARY_H

void mt_library_init(void);

#endif
