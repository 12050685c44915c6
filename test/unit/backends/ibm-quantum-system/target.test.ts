/** The device's configuration and properties as the metadata the circuit-fit check reads. */
import { describe, expect, it } from 'vitest';
import { gateDurations, metadataFromConfiguration } from '../../../../src/backends/ibm-quantum-system/target.js';
import { configurationDocument, makeBackend, propertiesDocument } from '../../../fakes/ibm-quantum-system/backends.js';

describe('the target', () => {
  it('takes qubits, basis, coupling map, limits and dt from the configuration, and the longest gate time per gate from the properties', () => {
    const device = makeBackend({ name: 'fake_fez', numQubits: 3 });
    expect(metadataFromConfiguration('qs', configurationDocument(device), propertiesDocument(device))).toEqual({
      num_qubits: 3,
      basis_gates: ['cz', 'id', 'rz', 'sx', 'x'],
      coupling_map: [[0, 1], [1, 0], [1, 2], [2, 1]],
      max_shots: 100000,
      max_experiments: 300,
      dt: 5e-10,
      gate_durations: { id: 32e-9, rz: 0, sx: 32e-9, x: 32e-9, cz: 68e-9 },
    });
  });

  it('leaves out what the properties do not say in a known unit, and keeps measure out of the basis', () => {
    const properties = { gates: [{ gate: 'x', parameters: [{ name: 'gate_length', value: 3, unit: 'furlongs' }] }, { gate: 'sx', parameters: [{ name: 'gate_length', value: 1, unit: 'us' }] }] };
    expect(gateDurations(properties)).toEqual({ sx: 1e-6 });
    expect(metadataFromConfiguration('qs', { n_qubits: 1, basis_gates: ['x', 'measure', 'reset'] })).toEqual({ num_qubits: 1, basis_gates: ['x'] });
  });

  it('names the field when the configuration cannot be read', () => {
    expect(() => metadataFromConfiguration('qs', { basis_gates: [] })).toThrow(/qs: the device's configuration cannot be read: n_qubits/);
  });
});
