import type { FastifyInstance } from 'fastify';
import type { InspectionFailure, StationJobs } from '../../jobs/index.js';
import { localStationControl } from '../../station/index.js';
import {
  stationInspectionFailureSchema,
  stationReceiveSchema,
  stationSignatureSchema,
} from './station-schemas.js';

/** What the station routes need of the jobs service. */
export type AdminStationJobs = Pick<
  StationJobs,
  'job' | 'receiveDevice' | 'failInspection' | 'inspectSignature'
>;

type JobParams = { jobId: string };
interface ReceiveBody {
  station: string;
}
interface FailureBody {
  station: string;
  failure: InspectionFailure;
  detail: string;
}
interface SignatureBody {
  station: string;
  signature: string;
  detail: string;
}

/**
 * The station steps a remote `longshore station` process asks for (DECISIONS §7: stations talk to
 * the control plane over HTTP and never open its database). Each records a history line with
 * `station:<station>`.
 * - `POST /station/jobs/:jobId/receive {station}` -> `{job, alreadyReceived}`
 * - `POST /station/jobs/:jobId/inspection-failure {station, failure, detail}` -> `{job}`
 * - `POST /station/jobs/:jobId/signature {station, signature, detail}` -> `{job, valid, reason}`:
 *   the SIGNATURE text is checked here, where the signing key is.
 * Codes: InvalidJobIdException, CanceledJobIdException, ExpiredJobIdException, InvalidJobState,
 * InvalidParameterException (a body that breaks the schema).
 */
export function registerStationRoutes(app: FastifyInstance, jobs: AdminStationJobs): void {
  const control = (station: string) => localStationControl(jobs as StationJobs, station);

  app.post<{ Params: JobParams; Body: ReceiveBody }>(
    '/station/jobs/:jobId/receive',
    { schema: stationReceiveSchema },
    async (request) => control(request.body.station).receive(request.params.jobId),
  );

  app.post<{ Params: JobParams; Body: FailureBody }>(
    '/station/jobs/:jobId/inspection-failure',
    { schema: stationInspectionFailureSchema },
    async (request) => {
      const { station, failure, detail } = request.body;
      return { job: await control(station).failInspection(request.params.jobId, failure, detail) };
    },
  );

  app.post<{ Params: JobParams; Body: SignatureBody }>(
    '/station/jobs/:jobId/signature',
    { schema: stationSignatureSchema },
    async (request) => {
      const { station, signature, detail } = request.body;
      return control(station).checkSignature(request.params.jobId, signature, detail);
    },
  );
}
