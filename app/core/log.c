#include "log.h"
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static const char *log_program = "figures";
static enum log_level log_max = LOG_INFO;

void
log_init(const char *program, enum log_level level)
{
	log_program = program;
	log_max = level;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *names[] = { "error", "warn", "info", "debug" };
	char line[2048];
	char when[32];
	struct tm tm;
	time_t now;
	va_list ap;
	int n;

	if (level > log_max)
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = snprintf(line, sizeof line, "%s %s[%ld] %s: ", when, log_program,
	    (long)getpid(), names[level]);
	if (n < 0 || (size_t)n >= sizeof line)
		return;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	va_end(ap);
	/* One fputs of one line, so lines from several workers do not interleave. */
	fprintf(stderr, "%s\n", line);
}

void
err_set(char *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err, ERR_MAX, fmt, ap);
	va_end(ap);
}

const char *
status_name(enum status st)
{
	switch (st) {
	case ST_OK:          return "ok";
	case ST_INVALID:     return "invalid";
	case ST_NOT_FOUND:   return "not found";
	case ST_NOMEM:       return "out of memory";
	case ST_TOO_BIG:     return "too big";
	case ST_IO:          return "i/o error";
	case ST_DB:          return "database error";
	case ST_BUSY:        return "busy";
	case ST_UNAVAILABLE: return "unavailable";
	case ST_STOP:        return "stopped";
	}
	return "unknown";
}
