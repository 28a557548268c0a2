import { checkStanding } from '../../accounts/index.js';
import { CatalogError, missingParameter } from '../../catalog/index.js';
import { normaliseJobId } from '../../jobs/index.js';
import { parseManifest } from '../../manifest/index.js';
import type { JobRecord, ShippingLabelAddress, Store } from '../../store/index.js';
import { checkLabelAddress, fromReturnAddress, hasAddress, sameAddress } from './label-address.js';
import {
  DEFAULT_LABEL_URL_TTL_SECONDS,
  deriveLabelUrlKey,
  expiresAt,
  newLabelId,
  signedLabelUrl,
} from './label-url.js';
import type { IssuedLabel, LabelRequest, ShippingLabels } from './types.js';

/** Most jobs one label may cover. */
export const MAX_LABEL_JOBS = 50;

export interface StoreShippingLabelsOptions {
  store: Store;
  /** The station signing key (`<data-dir>/signing.key`); links are signed with a key derived from it. */
  signingKey: Buffer;
  /** Seconds a label link stays valid (`--label-url-ttl`); default 7 days. */
  urlTtlSeconds?: number;
  /** The station's country, as the manifests were checked with (`--station-country`); default US. */
  stationCountry?: string;
  now?: () => Date;
  /** Label IDs (tests); default 16 random bytes in base64url. */
  newLabelId?: () => string;
}

/**
 * GetShippingLabel over the store: checks the caller's jobs and the address, records the label,
 * and returns its signed, expiring URL. The PDF itself is rendered when the URL is fetched
 * (routes.ts), from the recorded label alone.
 */
export class StoreShippingLabels implements ShippingLabels {
  readonly #opts: StoreShippingLabelsOptions;
  readonly #urlKey: Buffer;

  constructor(opts: StoreShippingLabelsOptions) {
    this.#opts = opts;
    this.#urlKey = deriveLabelUrlKey(opts.signingKey);
  }

  /**
   * In order: the caller's standing; the job IDs (MissingParameterException `jobIds` when none,
   * InvalidParameterException over 50; per job InvalidJobIdException, CanceledJobIdException,
   * ExpiredJobIdException); the address (InvalidAddressException naming the fields), or, when
   * no address parameter is given, the first job's manifest returnAddress.
   */
  async issue(request: LabelRequest, baseUrl: string): Promise<IssuedLabel> {
    const { store } = this.#opts;
    const account = await store.getAccount(request.caller);
    if (!account) throw new CatalogError('InvalidClientTokenId');
    checkStanding(account);
    const jobIds = splitJobIds(request.jobIds);
    if (jobIds.length === 0) throw missingParameter('jobIds');
    if (jobIds.length > MAX_LABEL_JOBS) {
      throw new CatalogError(
        'InvalidParameterException',
        { parameter: 'jobIds' },
        { parameter: 'jobIds', value: jobIds.length, reason: `at most ${MAX_LABEL_JOBS} jobs per label` },
      );
    }
    const jobs: JobRecord[] = [];
    for (const input of jobIds) {
      const job = await this.#usableJob(request.caller, input);
      if (!jobs.some((j) => j.jobId === job.jobId)) jobs.push(job);
    }
    const warnings: string[] = [];
    const address = hasAddress(request.address)
      ? checkLabelAddress(request.address)
      : this.#manifestAddress(jobs, warnings);
    const shipped = jobs.filter((j) => j.location !== 'NotReceived').map((j) => j.jobId);
    if (shipped.length > 0) {
      warnings.push(
        `The station has already received the device of ${plural(shipped)}; a label is only needed for a device not yet shipped.`,
      );
    }
    const now = this.#now();
    const label = {
      labelId: (this.#opts.newLabelId ?? newLabelId)(),
      owner: request.caller,
      jobIds: jobs.map((j) => j.jobId),
      address,
      createdAt: now,
    };
    await store.insertShippingLabel(label);
    const ttl = this.#opts.urlTtlSeconds ?? DEFAULT_LABEL_URL_TTL_SECONDS;
    const url = signedLabelUrl(baseUrl, this.#urlKey, {
      labelId: label.labelId,
      owner: label.owner,
      expires: expiresAt(now, ttl),
    });
    return { url, warning: warnings.length > 0 ? warnings.join(' ') : null };
  }

  /** The caller's job, neither canceled nor expired. */
  async #usableJob(caller: string, input: string): Promise<JobRecord> {
    const jobId = normaliseJobId(input);
    const job = jobId ? await this.#opts.store.getJob(jobId) : null;
    if (!job || job.owner !== caller) throw new CatalogError('InvalidJobIdException', {}, { jobId: input });
    if (job.canceled) throw new CatalogError('CanceledJobIdException', {}, { jobId: job.jobId });
    if (job.progress === 'Expired') throw new CatalogError('ExpiredJobIdException', {}, { jobId: job.jobId });
    return job;
  }

  /** The first job's returnAddress; a warning when the other jobs' manifests name another one. */
  #manifestAddress(jobs: readonly JobRecord[], warnings: string[]): ShippingLabelAddress {
    const addresses = jobs.map((job) => ({ job, address: this.#returnAddressOf(job) }));
    const first = addresses[0]!;
    const others = addresses.filter((a) => !sameAddress(a.address, first.address)).map((a) => a.job.jobId);
    if (others.length > 0) {
      warnings.push(
        `The manifests of ${plural(others)} name another return address than job ${first.job.jobId}; ` +
          `the label uses the one of job ${first.job.jobId}. Give the address as parameters to choose another.`,
      );
    }
    return first.address;
  }

  #returnAddressOf(job: JobRecord): ShippingLabelAddress {
    const parsed = parseManifest(job.manifestText, job.jobType, {
      stationCountry: this.#opts.stationCountry ?? 'US',
    });
    if (!parsed.ok) {
      const reason = `the manifest of job ${job.jobId} has no usable returnAddress; give the address as parameters`;
      throw new CatalogError(
        'InvalidAddressException',
        { fields: 'returnAddress' },
        { jobId: job.jobId, reason },
      );
    }
    return fromReturnAddress(parsed.manifest.returnAddress);
  }

  readonly #now = (): Date => (this.#opts.now ?? (() => new Date()))();
}

/** Job IDs as given, each entry possibly a comma- or space-separated list (as the Java tool took them). */
export function splitJobIds(jobIds: readonly string[]): string[] {
  return jobIds.flatMap((entry) => entry.split(/[\s,]+/)).filter((id) => id !== '');
}

function plural(jobIds: readonly string[]): string {
  return jobIds.length === 1 ? `job ${jobIds[0]}` : `jobs ${jobIds.join(', ')}`;
}
