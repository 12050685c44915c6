/**
 * Generic glue for vendor (remote) backends: a vendor module writes the protocol (a `RemoteDriver`:
 * target, submit, status, result, cancel) and gets from here the gateway runner, the executor that
 * polls and cancels, the V2 params its runtime reads, and the checks made before anything is sent.
 * docs/developer-guide.md, "Adding a backend".
 */
export { remoteRunner, type RemoteDriver, type RemoteRunnerOptions } from './runner.js';
export { remoteExecutor, cancelledError, withRegisterNames, type RemoteEvent, type RemoteExecutorOptions } from './executor.js';
export { preparedToV2Params, samplerPubToV2, estimatorPubToV2, type V2Params, type V2Pub } from './params.js';
export { checkRemoteBatch, refuseExact } from './checks.js';
export { DEFAULT_POLL, pollDelay, type PollPolicy } from './poll.js';
export type { RemoteTarget, VendorStatus, VendorTasks } from './vendor.js';
