/** Slurm's commands, run from one place (scontrol.ts) and parsed here, nowhere else. */
export { scontrol, SCONTROL_TIMEOUT_MS, type ScontrolCall, type ScontrolResult } from './scontrol.js';
export { parseScontrolJob, scontrolJobSource, SlurmJobError, type ScontrolOptions, type SlurmJobFacts, type SlurmJobSource } from './job.js';
export { jobPresence, type JobPresence } from './presence.js';
export { setAdminComment, type AdminCommentResult } from './admin-comment.js';
