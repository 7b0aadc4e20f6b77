/* log.h — internal logging helpers (the sink lives in log.c). */
#ifndef LC_LOG_H
#define LC_LOG_H

#include "libcontainer.h"

#define lc_warn(...) lc_log(LC_LOG_WARNING, __VA_ARGS__)
#define lc_info(...) lc_log(LC_LOG_INFO, __VA_ARGS__)
#define lc_debug(...) lc_log(LC_LOG_DEBUG, __VA_ARGS__)

/* Current UTC time as RFC 3339 with nanoseconds ("2026-12-03T03:32:20.123456789Z"). */
void lc_rfc3339_now(char *buf, size_t len);
/* Whether records at `level` would be written (skip expensive formatting). */
bool lc_log_enabled(enum lc_log_level level);
/* The configured sink, for a child that forwards it (-1 when off). */
int lc_log_fd(void);

#endif
