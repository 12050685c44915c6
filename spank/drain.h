/*
 * Submit-time view of the maintenance switch (`qrun admin drain`): the drain file next to the
 * catalogue (qpu.json -> qpu.drain.json), read with json-c in sbatch, salloc and srun as the user. A
 * drained backend is refused with the admin's reason, so nothing is queued that would wait for it.
 * A file that is missing means nothing is drained; one that is not root's, that others may write, or
 * that is not JSON is ignored (logged at debug level), so no user can drain a backend for everyone.
 */
#ifndef SPANK_QPU_DRAIN_H
#define SPANK_QPU_DRAIN_H

#include <stddef.h>

enum drain_check {
	DRAIN_NONE,    /* no name of the list is drained */
	DRAIN_REFUSED, /* a name is drained; err holds the message for the user */
	DRAIN_IGNORED, /* the drain file exists but is unusable here; err says why */
};

/* The drain file of a catalogue path, into out (PATH_MAX bytes). Returns 0 or -1 (too long). */
int qpu_drain_path(const char *catalogue, char *out, size_t outlen);

/* Checks each name of the comma-separated list against the drain file of the catalogue. */
enum drain_check qpu_drain_check(const char *catalogue, const char *list, char *err, size_t errlen);

#endif /* SPANK_QPU_DRAIN_H */
