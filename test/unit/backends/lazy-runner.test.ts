import { describe, expect, it } from 'vitest';
import { BACKEND_TYPES, backendFor } from '../../../src/backends/registry.js';
import type { TaskRunner } from '../../../src/backends/types.js';

// The gateway decides whether a task may outlive the job (`qrun submit --detach`) from the runner it
// holds before any task has loaded the real one; a wrapper that says otherwise refuses every detach.
describe('runners loaded on first use', () => {
  for (const type of BACKEND_TYPES) {
    it(`${type}: says what its loaded runner says about detaching`, async () => {
      const runner = backendFor(type)!.runner({ deadline: null });
      const loaded = (await runner.warm?.()) as TaskRunner | undefined;
      try {
        const inner = loaded ?? runner;
        expect(runner.detachable ?? false).toBe(inner.detachable ?? false);
      } finally {
        await runner.close?.();
      }
    });
  }

  it('lets vendor work outlive the job and keeps in-gateway work with it', () => {
    const detachable = (type: string): boolean => backendFor(type)!.runner({ deadline: null }).detachable === true;
    expect(detachable('ibm-quantum-compute-service')).toBe(true);
    expect(detachable('iqm-server')).toBe(true);
    expect(detachable('sim')).toBe(false);
    expect(detachable('qiskit-aer')).toBe(false);
  });
});
