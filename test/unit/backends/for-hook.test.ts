import { describe, expect, it } from 'vitest';
import { hookBackendFor } from '../../../src/backends/for-hook.js';
import { BACKEND_TYPES, backendFor } from '../../../src/backends/registry.js';

describe("the hook's backends, loaded per type", () => {
  it('has every registry type, as the very object the registry holds (the simulator: its hook side)', async () => {
    for (const type of BACKEND_TYPES) {
      const hook = await hookBackendFor(type);
      const full = backendFor(type);
      expect(hook?.type, type).toBe(type);
      if (type === 'sim') {
        expect(hook?.runsInJob).toBe(full?.runsInJob);
        expect(hook?.acquire).toBe(full?.acquire);
        expect(hook?.release).toBe(full?.release);
      } else {
        expect(hook, type).toBe(full);
      }
    }
  });

  it('knows no type the registry does not', async () => {
    expect(await hookBackendFor('no-such-type')).toBeUndefined();
    expect(await hookBackendFor('constructor')).toBeUndefined();
  });
});
