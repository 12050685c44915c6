/*
 * Shared helpers for the spank_qpu shim. Every message goes through Slurm's logger with the prefix
 * "spank_qpu: <phase>: " so an admin can grep one string across slurmd, slurmstepd and user output.
 */
#ifndef SPANK_QPU_COMMON_H
#define SPANK_QPU_COMMON_H

#include <stddef.h>

#include <slurm/spank.h>

#define QPU_LOG_PREFIX "spank_qpu: "

#define qpu_error(phase, fmt, ...) slurm_error(QPU_LOG_PREFIX phase ": " fmt, ##__VA_ARGS__)
#define qpu_info(phase, fmt, ...) slurm_info(QPU_LOG_PREFIX phase ": " fmt, ##__VA_ARGS__)
#define qpu_verbose(phase, fmt, ...) slurm_verbose(QPU_LOG_PREFIX phase ": " fmt, ##__VA_ARGS__)
#define qpu_debug(phase, fmt, ...) slurm_debug(QPU_LOG_PREFIX phase ": " fmt, ##__VA_ARGS__)

/* Longest message the shim keeps to show a user (one line). */
#define QPU_MESSAGE_MAX 1024

/* snprintf that reports truncation as failure: returns 0 or -1. */
int qpu_snprintf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* SPANK_QPU_COMMON_H */
