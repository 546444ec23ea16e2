/* Pieces shared by the host and the clients of classroom mode. */
#ifndef MT_CLASS_INTERNAL_H
#define MT_CLASS_INTERNAL_H

#include <stdint.h>

int64_t mt_class_now_ms(void);  /* CLOCK_MONOTONIC */
int64_t mt_class_wall_ms(void); /* CLOCK_REALTIME, for events and benchmarks */

#endif
