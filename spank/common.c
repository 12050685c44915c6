#include <stdarg.h>
#include <stdio.h>

#include "common.h"

int qpu_snprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		return (-1);
	return (0);
}
