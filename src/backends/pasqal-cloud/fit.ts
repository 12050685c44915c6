/**
 * What is refused before a sequence is sent: what Pulser's abstract repr shows plainly and the device
 * would refuse anyway, each as SEQUENCE_DOES_NOT_FIT naming the field, the limit and what to do. The
 * device's own validation of the pulses (amplitudes, durations, distances) stays Pasqal's.
 */
import { QrunError } from '../../errors.js';
import type { PulserPayload } from '../../programs/envelope.js';
import type { PasqalDevice } from './target.js';

function refuse(backend: string, field: string, message: string, hint: string, extra: Record<string, unknown>): QrunError {
  return new QrunError('SEQUENCE_DOES_NOT_FIT', `${backend}: ${field}: ${message}`, { hint, details: { backend, field, ...extra } });
}

export function checkSequenceFits(payload: PulserPayload, device: PasqalDevice, backend: string): void {
  const { sequence } = payload;
  const atoms = sequence.register.length;
  if (device.maxAtoms !== null && atoms > device.maxAtoms) {
    throw refuse(backend, 'sequence.register', `the register has ${atoms} atoms; ${device.type} holds at most ${device.maxAtoms}`, `Use at most ${device.maxAtoms} atoms (qrun backends shows the device's limits).`, { atoms, max_atoms: device.maxAtoms });
  }
  if (device.maxRuns !== null && payload.shots > device.maxRuns) {
    throw refuse(backend, 'shots', `${payload.shots} shots asked; ${device.type} runs a sequence at most ${device.maxRuns} times per job`, `Ask for at most ${device.maxRuns} shots (or split the work into several runs).`, { shots: payload.shots, max_shots: device.maxRuns });
  }
  const deviceName = sequence.device.name;
  if (deviceName !== device.name) {
    throw refuse(backend, 'sequence.device', `the sequence was written for device ${deviceName}, and ${backend} is ${device.name} (${device.type})`, `Build the sequence on the device the backend serves (Pulser: seq.switch_device(device) with the device from its specs).`, { device: deviceName, expected: device.name });
  }
  if (device.channels.length > 0) {
    for (const [name, id] of Object.entries(sequence.channels)) {
      if (!device.channels.includes(id)) {
        throw refuse(backend, `sequence.channels.${name}`, `channel ${id} does not exist on ${device.type} (it has ${device.channels.join(', ')})`, 'Declare only channels the device offers.', { channel: id, channels: [...device.channels] });
      }
    }
  }
}
