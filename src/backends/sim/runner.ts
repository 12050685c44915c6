/**
 * The gateway side of `sim`: tasks run in the gateway process on the built-in engine, through the same
 * path as a local run (src/primitives/execute.ts), so the circuit-fit check against the catalogue's
 * metadata happens before any engine time is spent.
 */
import { QrunError } from '../../errors.js';
import { getEngine } from '../../primitives/engine.js';
import type { Engine } from '../../sim/api.js';
import { parseTask, runTask } from '../task.js';
import type { TaskRunner } from '../types.js';
import { simExecutor } from './execute.js';
import { simMetadata } from './metadata.js';

function cancelled(): QrunError {
  return new QrunError('TASK_CANCELLED', 'the task was cancelled');
}

export function createSimRunner(engine: Engine = getEngine({})): TaskRunner {
  return {
    prepare(request, backend) {
      if (backend.secretRequired && (backend.secret === undefined || backend.secret.length === 0)) {
        throw new QrunError('BACKEND_UNAVAILABLE', `backend ${backend.name} needs a credential and the gateway was given none`, {
          hint: "The catalogue names a secret for this backend that could not be resolved at job start; ask your admin to check it (qrun admin check-config).",
        });
      }
      const params = parseTask(request, backend);
      const executor = simExecutor({ name: backend.name, metadata: backend.metadata ?? simMetadata(), engine });
      return {
        async run(signal) {
          if (signal.aborted) throw cancelled();
          return runTask(params, executor, request, () => {
            if (signal.aborted) throw cancelled();
          });
        },
      };
    },
  };
}
