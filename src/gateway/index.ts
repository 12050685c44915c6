/**
 * The job gateway's public face: the client (for tools that talk to a job's gateway), the lifecycle
 * library the hook uses, and the token format. The server itself runs as its own process
 * (main.ts), started by `startGateway`.
 */
export { GatewayClient, parseEndpoint, type GatewayBackendInfo, type GatewayClientOptions, type SubmitTask } from './client.js';
export { startGateway, stopGateway, gatewayDir, DEFAULT_RUNTIME_ROOT, type GatewayRecord, type StartGatewayOptions, type StopGatewayResult } from './launch.js';
export { processGateway, GATEWAY_LOG } from './job-gateway.js';
export { runSamplerOnGateway, runEstimatorOnGateway, type GatewayTarget } from './remote.js';
export { mintToken, tokenClaims, tokensEqual } from './token.js';
export { usageComment, type Usage, type BackendUsage } from './usage.js';
export { DEFAULT_LIMITS, type GatewayLimits } from './config.js';
