/*
 * Stand-ins for what slurmstepd and sbatch provide to the shim (the slurm_* logger, option
 * registration) and for the json-c catalogue and drain-file checks, so args.c and config.c build on their own for
 * the fuzz targets and the sanitizer drivers. Logged messages are counted and checked to be text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <slurm/spank.h>

#include "../catalogue.h"
#include "../drain.h"

static void swallow(const char *fmt, va_list ap)
{
	char line[8192];

	/* Formatting the message is part of what must not fault (a %s of a bad pointer would). */
	vsnprintf(line, sizeof(line), fmt, ap);
}

void slurm_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	swallow(fmt, ap);
	va_end(ap);
}

void slurm_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	swallow(fmt, ap);
	va_end(ap);
}

void slurm_verbose(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	swallow(fmt, ap);
	va_end(ap);
}

void slurm_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	swallow(fmt, ap);
	va_end(ap);
}

spank_err_t spank_option_register(spank_t sp, struct spank_option *opt)
{
	(void)sp;
	(void)opt;
	return (ESPANK_SUCCESS);
}

const char *spank_strerror(spank_err_t err)
{
	(void)err;
	return ("stub");
}

enum catalogue_check qpu_catalogue_check(const char *path, const char *list, char *err, size_t errlen)
{
	(void)path;
	(void)list;
	if (errlen > 0)
		err[0] = '\0';
	return (CATALOGUE_OK);
}

/* The drain file is read with json-c beside the catalogue: not a parser under test, so nothing is drained. */
enum drain_check qpu_drain_check(const char *catalogue, const char *list, char *err, size_t errlen)
{
	(void)catalogue;
	(void)list;
	if (errlen > 0)
		err[0] = '\0';
	return (DRAIN_NONE);
}
