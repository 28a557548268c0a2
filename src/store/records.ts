/** Rows as the store keeps them. Domain modules build on these shapes; the store knows no rules. */

export type LocationCode = 'NotReceived' | 'AtAWS' | 'Returned';

export type ProgressCode =
  | 'Pending'
  | 'InProgress'
  | 'Success'
  | 'SuccessWithErrors'
  | 'Expired'
  | 'DeviceError'
  | 'InvalidSignature'
  | 'MissingDevice'
  | 'MissingSignature'
  | 'UnsupportedDeviceType'
  | 'UnsupportedFileFormat'
  | 'UnsupportedPowerSupply';

export type JobType = 'Import' | 'Export';

export interface AccountRecord {
  accessKeyId: string;
  /** AES-256-GCM ciphertext of the secret access key (see accounts/secret-box.ts). */
  secretCiphertext: string;
  name: string;
  /** Registered e-mail addresses, lower-cased. */
  emails: string[];
  signedUp: boolean;
  problem: boolean;
  createdAt: Date;
}

export interface BucketRecord {
  name: string;
  owner: string;
  region: string;
  /** Access key IDs allowed to write, besides the owner. */
  grants: string[];
  createdAt: Date;
}

export interface JobRecord {
  jobId: string;
  owner: string;
  jobType: JobType;
  /** The manifest exactly as submitted (the signature covers it, after CRLF -> LF). */
  manifestText: string;
  signature: string;
  location: LocationCode;
  progress: ProgressCode;
  progressMessage: string | null;
  canceled: boolean;
  createdAt: Date;
  updatedAt: Date;
  expiredAt: Date | null;
  carrier: string | null;
  trackingNumber: string | null;
  logBucket: string | null;
  logKey: string | null;
  errorCount: number | null;
}

/** One line of a job's history: what happened, when, where, and the state it led to. */
export interface JobEventRecord {
  jobId: string;
  seq: number;
  at: Date;
  event: string;
  location: LocationCode;
  progress: ProgressCode;
  canceled: boolean;
  /** The station or channel that caused it (e.g. 'api', 'email', 'station:dock-1', 'scheduler'). */
  actor: string;
  detail: string | null;
}

/** The sender's postal address printed on a shipping label (country as ISO alpha-2). */
export interface ShippingLabelAddress {
  name: string;
  company?: string;
  street1: string;
  street2?: string;
  street3?: string;
  city: string;
  stateOrProvince?: string;
  postalCode: string;
  phoneNumber: string;
  country: string;
}

/** A shipping label as issued by GetShippingLabel: the PDF is rendered from this record alone. */
export interface ShippingLabelRecord {
  /** Random and unguessable (16 bytes, base64url); it names the PDF in the label's URL. */
  labelId: string;
  /** The account that asked for it (an access key ID); only its signed URL serves the PDF. */
  owner: string;
  /** The jobs the label covers, one page each, in the order asked (each once). */
  jobIds: string[];
  /** The FROM address. */
  address: ShippingLabelAddress;
  createdAt: Date;
}

export type OutboxKind = 'reply' | 'notification';

/** pending until delivered (sent), or failed for good when the relay refused it permanently. */
export type OutboxState = 'pending' | 'sent' | 'failed';

/** One outgoing message as the outbox keeps it: a complete RFC 5322 message and its envelope. */
export interface OutboxMessage {
  /** Unique and stable: it names the Message-ID and the outbox folder's file. */
  id: string;
  createdAt: Date;
  kind: OutboxKind;
  /** The job the message is about, when there is one (dashboard, support). */
  jobId: string | null;
  /** Envelope sender (MAIL FROM). */
  sender: string;
  /** Envelope recipient (RCPT TO): one per message, so one bad address never holds up another. */
  recipient: string;
  subject: string;
  /** The whole message, headers and body, as sent (ASCII: MIME-encoded by the composer). */
  raw: string;
}

/** An outbox message with its delivery state. */
export interface OutboxRecord extends OutboxMessage {
  state: OutboxState;
  /** Delivery attempts started so far (counted when an attempt claims the message). */
  attempts: number;
  /** When a pending message is next due. */
  nextAttemptAt: Date;
  /** Who holds the message while an attempt runs, and until when; null when nobody does. */
  leaseOwner: string | null;
  leaseUntil: Date | null;
  lastError: string | null;
  sentAt: Date | null;
}

/** Job history lines the notifier has not handled yet, for one job. */
export interface NotifierBacklog {
  jobId: string;
  /** The last seq handled (0 for none): advanceNotifierCursor's `from`. */
  cursor: number;
  /** The lines after the cursor, oldest first. */
  events: JobEventRecord[];
}

/** A job's load record (migration 007): the volume found at intake, then the load's progress and figures. */
export interface JobLoadRecord {
  jobId: string;
  station: string;
  devicePath: string;
  /** Byte offset of the volume on the device; null for a mounted directory. */
  volumeOffset: number | null;
  fileSystem: string;
  warnings: string[];
  startedAt: Date | null;
  checkpointAt: Date | null;
  finishedAt: Date | null;
  /** The station's import log bytes (and rows) that were on disk at the last checkpoint. */
  logBytes: number;
  logRows: number;
  files: number;
  bytes: number;
  errors: number;
  /** Loading time, once the load has ended. */
  seconds: number | null;
}

/** The counters a checkpoint (or the end of a load) records. */
export interface JobLoadProgress {
  logBytes: number;
  logRows: number;
  files: number;
  bytes: number;
  errors: number;
}
