/**
 * The client library's entry point into the process environment. A program that imports Sampler or
 * Estimator has no CliContext; like qrun it must find QRUN_ENDPOINT/QRUN_BACKENDS of the job it runs
 * in, so this is the library's one read of process.env (callers may pass `env` instead).
 */
import type { Env } from './select-backend.js';

export function libraryEnv(): Env {
  return process.env;
}
