/*
 * Submit-time view of the catalogue: only the backend names, read with json-c in sbatch, salloc
 * and srun (as the user; slurmstepd never reads the catalogue, the handler does). The catalogue
 * holds no secrets and may be world-readable; when it cannot be read or parsed here, the check is
 * skipped and the handler (which validates the whole file) decides at run time.
 */
#ifndef SPANK_QPU_CATALOGUE_H
#define SPANK_QPU_CATALOGUE_H

#include <stddef.h>

enum catalogue_check {
	CATALOGUE_OK,        /* every name is in the catalogue */
	CATALOGUE_UNKNOWN,   /* a name is not; err says which and lists the valid ones */
	CATALOGUE_SKIPPED,   /* the catalogue is unreadable or not JSON here; err says why */
};

struct json_object;

/* Reads a regular file of at most a few MiB into a NUL-terminated buffer (free it); NULL with err set. */
char *qpu_read_small_file(const char *path, size_t *len, char *err, size_t errlen);

/* Strict JSON (json-c, bounded depth, valid UTF-8); NULL with err set. Release with json_object_put. */
struct json_object *qpu_parse_json(const char *path, const char *text, size_t len, char *err, size_t errlen);

/* Checks each name of the comma-separated list against the catalogue's "backends" object. */
enum catalogue_check qpu_catalogue_check(const char *path, const char *list, char *err, size_t errlen);

#endif /* SPANK_QPU_CATALOGUE_H */
