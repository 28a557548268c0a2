/** One request of a pre-signed pool, in autocannon's `requests` shape. */
export interface PresignedRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** What the orchestrator hands the load process. */
export interface LoadSpec {
  url: string;
  connections: number;
  durationSeconds: number;
  requests: PresignedRequest[];
}

/** What the load process reports back. */
export interface LoadResult {
  durationSeconds: number;
  requests: number;
  /** Completed requests divided by the run's duration. */
  requestsPerSecond: number;
  /** autocannon's mean of its per-second samples. */
  requestsPerSecondAverage: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** CPU seconds (user + system) the load process used. */
  cpuSeconds: number;
}
