/*
 * log.h: one line per event on stderr, prefixed with the program name and
 * the place the failure was found ("store: figures_list: sqlite3_step: ...").
 * Pure parsers never log; they return a status and an err string.
 */
#ifndef FIGURES_LOG_H
#define FIGURES_LOG_H

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Sets the program name shown on each line and the most verbose level shown. */
void log_init(const char *program, enum log_level level);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
