/**
 * The job gateway's public face: the lifecycle library the hook uses, and the token format. (The
 * client that a job's tools use to reach it is a backend seen from inside the job: src/backends/job-gateway/.) The server itself runs as its own process
 * (main.ts), started by `startGateway`.
 */
export { startGateway, stopGateway, gatewayDir, DEFAULT_RUNTIME_ROOT, type GatewayRecord, type StartGatewayOptions, type StopGatewayResult } from './launch.js';
export { processGateway, GATEWAY_LOG } from './job-gateway.js';
export { mintToken, tokenClaims, tokensEqual } from './token.js';
export { usageComment, type Usage, type BackendUsage } from './usage.js';
export { DEFAULT_LIMITS, type GatewayLimits } from './config.js';
