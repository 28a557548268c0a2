import { entryOf } from '../catalog/index.js';
import { jobStatusView, logUrl } from '../jobs/index.js';
import type { JobEventRecord, JobRecord } from '../store/index.js';
import { isoSeconds, line, statusLines } from './reply.js';

/** The job history events customers are told about (issue 4: received, loaded, returned, expired). */
const NOTIFIED = {
  receive: 'DEVICE RECEIVED',
  'load-end': 'LOAD FINISHED',
  return: 'DEVICE RETURNED',
  expire: 'JOB EXPIRED',
} as const;

export interface Notification {
  subject: string;
  /** `NOTIFICATION: ...`, then `KEY: value` lines like a reply's, LF line ends, a final newline. */
  text: string;
}

/** Whether customers are mailed about history lines of this event. */
export function isNotified(event: string): event is keyof typeof NOTIFIED {
  return Object.hasOwn(NOTIFIED, event);
}

/**
 * The mail about one history line of a job, or null when customers are not told about that event.
 * The status lines show the state the line recorded (not a later one), with descriptions and the
 * recommended action from the catalog; a finished load adds its error count and the log's s3://
 * location, a return the carrier and tracking number. Pure.
 */
export function notificationFor(event: JobEventRecord, job: JobRecord): Notification | null {
  if (!isNotified(event.event)) return null;
  const title = NOTIFIED[event.event];
  const atEvent: JobRecord = {
    ...job,
    location: event.location,
    progress: event.progress,
    canceled: event.canceled,
  };
  const status = jobStatusView(atEvent);
  const lines = [`NOTIFICATION: ${title}`, line('JOBID', job.jobId), line('TIME', isoSeconds(event.at))];
  lines.push(...statusLines(status));
  if (event.event === 'load-end') {
    lines.push(line('ERROR COUNT', job.errorCount ?? 0), line('LOG', logUrl(job) ?? '(none)'));
  }
  if (event.event === 'return') {
    lines.push(line('CARRIER', job.carrier ?? ''), line('TRACKING NUMBER', job.trackingNumber ?? ''));
  }
  const actionCode = event.event === 'receive' || event.event === 'return' ? event.location : event.progress;
  lines.push(line('RECOMMENDED ACTION', entryOf(actionCode).action));
  return { subject: `JOB ${job.jobId}: ${title}`, text: lines.join('\n') + '\n' };
}
