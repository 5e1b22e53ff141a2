/*
 * gofmt.h: the text forms of Go's that upstream's outputs are made of, so
 * that a probe or a scraper comparing them sees no difference:
 * time.Time.String() for the healthz bodies, and strconv's shortest 'g'
 * form of a float64 for the Prometheus text format.
 */
#ifndef KP_GOFMT_H
#define KP_GOFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A time as Go's time.Now() gives it: the wall clock, and a monotonic
 * reading relative to the process start (printed as " m=+1.234567890").
 * set false is Go's zero time.
 */
struct go_time {
	bool	set;
	int64_t	wall;		/* unix ns */
	int64_t	mono;		/* ns since this process started */
};

#define GO_TIME_STRLEN	96
#define GO_FLOAT_STRLEN	40

/*
 * "2023-08-20 10:11:12.123456789 +0000 UTC m=+345.678901234" in the local
 * time zone (call tzset() once before any sandbox), fraction without
 * trailing zeros; "0001-01-01 00:00:00 +0000 UTC" for the zero time.
 */
void	 go_time_string(const struct go_time *, char *buf, size_t len);

/* strconv.FormatFloat(v, 'g', -1, 64), with "+Inf", "-Inf", "NaN". */
void	 go_float(double, char *buf, size_t len);

#endif
