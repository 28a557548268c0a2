import type { FastifyInstance } from 'fastify';
import type { InspectionFailure } from '../../jobs/index.js';
import {
  localStationControl,
  type IntakeDevice,
  type LoadCheckpoint,
  type LoadFigures,
  type StationServices,
} from '../../station/index.js';
import * as schemas from './station-schemas.js';

type JobParams = { jobId: string };
type Body<T> = { Params: JobParams; Body: T & { station: string } };

/**
 * The station steps a remote `longshore station` process asks for (DECISIONS §7: stations talk to
 * the control plane over HTTP and never open its database). Each records a history line with
 * `station:<station>`. All are `POST /station/jobs/:jobId/<step>` with a JSON body:
 * - `receive {station}` -> `{job, alreadyReceived}`
 * - `inspection-failure {station, failure, detail}` -> `{job}`
 * - `signature {station, signature, detail, device}` -> `{job, valid, reason}`: the SIGNATURE text
 *   is checked here, where the signing key is; a valid one records the device for the load
 * - `load-record {station}` -> the job, its manifest and its load record (read-only)
 * - `load-start {station}` -> the LoadTicket; `load-checkpoint {station, checkpoint}` -> `{canceled}`;
 *   `load-finish {station, logBucket, logKey, figures, warning}` -> `{job}`
 * - `return {station, carrier, trackingNumber}` -> `{job}`
 * Codes: InvalidJobIdException, CanceledJobIdException, ExpiredJobIdException, InvalidJobState,
 * InvalidParameterException (a body that breaks the schema).
 */
export function registerStationRoutes(app: FastifyInstance, services: StationServices): void {
  const control = (station: string) => localStationControl(services, station);
  const path = (step: string) => `/station/jobs/:jobId/${step}`;

  app.post<Body<object>>(path('receive'), { schema: schemas.receive }, (req) =>
    control(req.body.station).receive(req.params.jobId),
  );
  app.post<Body<{ failure: InspectionFailure; detail: string }>>(
    path('inspection-failure'),
    { schema: schemas.inspectionFailure },
    async (req) => ({
      job: await control(req.body.station).failInspection(
        req.params.jobId,
        req.body.failure,
        req.body.detail,
      ),
    }),
  );
  app.post<Body<{ signature: string; detail: string; device: IntakeDevice }>>(
    path('signature'),
    { schema: schemas.signature },
    (req) =>
      control(req.body.station).checkSignature(
        req.params.jobId,
        req.body.signature,
        req.body.detail,
        req.body.device,
      ),
  );
  app.post<Body<object>>(path('load-record'), { schema: schemas.loadRecord }, (req) =>
    control(req.body.station).loadRecord(req.params.jobId),
  );
  app.post<Body<object>>(path('load-start'), { schema: schemas.loadStart }, (req) =>
    control(req.body.station).startLoad(req.params.jobId),
  );
  app.post<Body<{ checkpoint: LoadCheckpoint }>>(
    path('load-checkpoint'),
    { schema: schemas.loadCheckpoint },
    (req) => control(req.body.station).checkpoint(req.params.jobId, req.body.checkpoint),
  );
  app.post<Body<{ logBucket: string; logKey: string; figures: LoadFigures; warning: string | null }>>(
    path('load-finish'),
    { schema: schemas.loadFinish },
    async (req) => {
      const { logBucket, logKey, figures, warning } = req.body;
      return {
        job: await control(req.body.station).finishLoad(req.params.jobId, {
          logBucket,
          logKey,
          figures,
          warning,
        }),
      };
    },
  );
  app.post<Body<{ carrier: string; trackingNumber: string }>>(
    path('return'),
    { schema: schemas.returnDevice },
    async (req) => ({
      job: await control(req.body.station).returnDevice(
        req.params.jobId,
        req.body.carrier,
        req.body.trackingNumber,
      ),
    }),
  );
}
