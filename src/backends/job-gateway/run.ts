/**
 * Running Sampler/Estimator params on the job gateway: what src/primitives/run.ts does when
 * QRUN_ENDPOINT names a gateway (unix:/http:). The params go back to a V2 payload, the gateway runs
 * them (checked against the backend and the job's grant), and the result comes back as the same
 * result model a local run produces.
 */
import type { EstimatorParams, SamplerParams } from '../../primitives/payload.js';
import type { EstimatorOutcome, SamplerOutcome } from '../../primitives/result-model.js';
import { GatewayClient } from './client.js';
import { estimatorPayload, samplerPayload } from './encode-params.js';

export interface GatewayTarget {
  readonly name: string;
  readonly endpoint: string;
  readonly token: string;
}

export interface RemoteRunOptions {
  readonly shots?: number | undefined;
  readonly precision?: number | undefined;
  readonly seed?: number | undefined;
  readonly mitigation?: readonly string[] | undefined;
}

export async function runSamplerOnGateway(params: SamplerParams, target: GatewayTarget, options: RemoteRunOptions = {}): Promise<SamplerOutcome> {
  const outcome = await runOnGateway('sampler', samplerPayload(params), target, options);
  return outcome as SamplerOutcome;
}

export async function runEstimatorOnGateway(params: EstimatorParams, target: GatewayTarget, options: RemoteRunOptions = {}): Promise<EstimatorOutcome> {
  const outcome = await runOnGateway('estimator', estimatorPayload(params), target, options);
  return outcome as EstimatorOutcome;
}

async function runOnGateway(programId: 'sampler' | 'estimator', params: Record<string, unknown>, target: GatewayTarget, options: RemoteRunOptions) {
  const client = new GatewayClient(target.endpoint, target.token, { connections: 1 });
  try {
    return await client.run({
      program_id: programId,
      backend: target.name,
      params,
      options: {
        ...(options.shots === undefined ? {} : { shots: options.shots }),
        ...(options.precision === undefined ? {} : { precision: options.precision }),
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        ...(options.mitigation === undefined ? {} : { mitigation: [...options.mitigation] }),
      },
    });
  } finally {
    await client.close();
  }
}

/**
 * A vendor-native payload (src/programs/envelope.ts) as a `native` task: the gateway checks it
 * against the backend (only types whose program it is run it) and answers with counts in the
 * sampler's result model.
 */
export async function runNativeOnGateway(payload: Record<string, unknown>, target: GatewayTarget, options: Pick<RemoteRunOptions, 'shots'> = {}): Promise<SamplerOutcome> {
  const client = new GatewayClient(target.endpoint, target.token, { connections: 1 });
  try {
    const outcome = await client.run({
      program_id: 'native',
      backend: target.name,
      params: payload,
      options: options.shots === undefined ? {} : { shots: options.shots },
    });
    return outcome as SamplerOutcome;
  } finally {
    await client.close();
  }
}
