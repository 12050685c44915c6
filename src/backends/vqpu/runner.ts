/**
 * The gateway side of `vqpu`: a task is forwarded whole (payload, options, mitigation) to the served
 * simulator, which speaks the job gateway's own API (docs/gateway-api.md) and runs it on one of its
 * lanes; the result comes back in the gateway's wire form. Cancelling the task cancels it there.
 */
import { GatewayClient } from '../job-gateway/client.js';
import { QrunError } from '../../errors.js';
import type { PrimitiveOutcome } from '../../primitives/result-model.js';
import type { GatewayBackend, TaskRunner } from '../types.js';
import { decodeSession } from './session.js';

/** Seconds one result call waits at the served simulator before asking again. */
const WAIT_SECONDS = 10;

export function createVqpuRunner(): TaskRunner {
  const clients = new Map<string, GatewayClient>();
  const clientOf = (backend: GatewayBackend): GatewayClient => {
    const session = decodeSession(backend.name, backend.session);
    let client = clients.get(backend.name);
    if (client === undefined) {
      client = new GatewayClient(session.endpoint, session.token, { connections: 4 });
      clients.set(backend.name, client);
    }
    return client;
  };
  return {
    detachable: false,
    async target(backend) {
      const served = (await clientOf(backend).backends()).backends.find((b) => b.name === backend.name);
      if (served === undefined) throw new QrunError('VQPU_NOT_SERVED', `the served simulator does not serve ${backend.name}`);
      return served.metadata;
    },
    prepare(request, backend) {
      if (request.programId === 'native') {
        throw new QrunError('PRIMITIVE_UNSUPPORTED', `${backend.name} is a served simulator: it runs Sampler and Estimator tasks, not vendor-native programs`);
      }
      const client = clientOf(backend);
      return {
        async run(signal): Promise<PrimitiveOutcome> {
          const task = await client.submit({
            program_id: request.programId,
            backend: backend.name,
            params: request.params,
            options: { ...request.options, mitigation: request.options.mitigation === undefined ? undefined : [...request.options.mitigation] },
          });
          try {
            for (;;) {
              const outcome = await client.resultWithin(task.id, WAIT_SECONDS, signal);
              if (outcome !== null) return outcome;
            }
          } catch (error) {
            if (signal.aborted) await client.cancel(task.id).catch(() => undefined);
            throw error;
          }
        },
      };
    },
    async close() {
      await Promise.all([...clients.values()].map((c) => c.close()));
    },
  };
}
