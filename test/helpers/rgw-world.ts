import { connectS3, type S3Connection } from '../../src/storage/s3/s3-client.js';
import { ensureRadosgw, isRadosgwSkipped, type RadosgwEnv } from './radosgw.js';
import type { StationWorld } from './station-world.js';

// What the station's functional suites against the real Ceph RADOS Gateway share: the gateway
// (null when it cannot run on this machine: the suite's tests skip), a client of it to read back
// what was loaded, and a station world whose storage target is the gateway.

export interface RgwWorld {
  readonly rgw: RadosgwEnv;
  readonly s3: S3Connection;
  readonly world: StationWorld;
}

/** Starts the gateway, a client of it and the world `start` makes for it; null when the gateway is skipped here. */
export async function openRgwWorld(
  start: (rgw: RadosgwEnv) => Promise<StationWorld>,
): Promise<RgwWorld | null> {
  let rgw: RadosgwEnv;
  try {
    rgw = await ensureRadosgw();
  } catch (error) {
    if (isRadosgwSkipped(error)) return null;
    throw error;
  }
  const { endpoint, accessKeyId, secretAccessKey } = rgw;
  const s3 = connectS3({ endpoint, accessKeyId, secretAccessKey });
  return { rgw, s3, world: await start(rgw) };
}

/** Closes what openRgwWorld opened (nothing when it was skipped). */
export async function closeRgwWorld(opened: RgwWorld | null): Promise<void> {
  opened?.s3.close();
  await opened?.world.stop();
}

/** The S3 target as serve and the station read it from the environment (DECISIONS §8): `endpoint` with the gateway's keys. */
export function stationS3Env(rgw: RadosgwEnv, endpoint: string = rgw.endpoint): NodeJS.ProcessEnv {
  return {
    LONGSHORE_S3_ENDPOINT: endpoint,
    LONGSHORE_S3_ACCESS_KEY_ID: rgw.accessKeyId,
    LONGSHORE_S3_SECRET_ACCESS_KEY: rgw.secretAccessKey,
  };
}
