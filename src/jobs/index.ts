export { JobService, type JobServiceOptions, type SubmitJobInput, type CreatedJob } from './job-service.js';
export { StationJobs, type StationJobsOptions, type LoadResult } from './station-jobs.js';
export { StationLoads, type IntakeDeviceRecord, type LoadEnd } from './station-loads.js';
export { expireDueJobs, ExpiryScheduler, type ExpiryOptions } from './expiry.js';
export { jobStatusView, logUrl, type JobStatusView, type Artifact } from './job-status.js';
export { type JobChangeListener } from './job-transitioner.js';
export * from './transitions.js';
export * from './signature.js';
export { generateJobId, normaliseJobId, JOB_ID_ALPHABET } from './job-id.js';
