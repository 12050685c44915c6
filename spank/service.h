/*
 * The node's resident hook service (src/hook/service.ts), asked over <state_dir>/hook.sock before
 * the shim starts a handler process of its own. The service is only ever a faster way to run the
 * same handler: whenever it is not there, or answers nothing, the caller runs the handler itself
 * (every hook action is idempotent and journalled, so running one again is safe).
 */
#ifndef SPANK_QPU_SERVICE_H
#define SPANK_QPU_SERVICE_H

#include "config.h"
#include "helper.h"

/* Keep in step with SERVICE_SOCKET in src/hook/paths.ts. */
#define QPU_SERVICE_SOCKET "hook.sock"

#define QPU_SERVICE_ANSWERED 0   /* result->out holds what the service wrote */
#define QPU_SERVICE_ABSENT 1     /* nobody listens, or the call ended without an answer: run the handler */
#define QPU_SERVICE_TIMED_OUT 2  /* no answer within timeout=: the call failed (result->timed_out) */

int qpu_service_call(const struct qpu_config *config, const char *request, struct helper_result *result);

#endif /* SPANK_QPU_SERVICE_H */
