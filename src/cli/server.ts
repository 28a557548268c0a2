import { join } from 'node:path';
import type { ServeConfig } from '../config/index.js';
import { startControlPlane } from './control-plane.js';
import { OBJECTS_DIR } from './object-store.js';

/** `longshore serve`: starts the control plane, prints where it listens, stops on SIGINT/SIGTERM. */
export async function runServe(config: ServeConfig): Promise<void> {
  const plane = await startControlPlane(config);
  const lines = [
    `longshore serve: ready`,
    `  data directory   ${config.dataDir}`,
    `  database         ${config.databaseUrl ? redactUrl(config.databaseUrl) : 'embedded (PGlite in the data directory)'}`,
    `  storage          ${config.s3 ? `S3 ${config.s3.endpoint} (path-style)` : `embedded bucket store in ${join(config.dataDir, OBJECTS_DIR)}`}`,
    `  API              ${plane.url}/`,
    `  admin API        ${plane.url}/admin/v1 (token in ${config.dataDir}/admin-token)`,
    `  SMTP             ${plane.mail.url} (service address ${config.mailAddress}; ${smtpSecurity(config, plane.mail.tls)})`,
    `  outgoing mail    ${plane.mail.outgoing}`,
  ];
  console.log(lines.join('\n'));
  await new Promise<void>((resolve) => {
    const shutdown = (signal: NodeJS.Signals) => {
      console.log(`longshore serve: ${signal} received, shutting down`);
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      resolve();
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
  await plane.stop();
  console.log('longshore serve: stopped cleanly');
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

function smtpSecurity(config: ServeConfig, tls: { certFile: string; selfSigned: boolean }): string {
  const auth = config.smtpRequireAuth ? 'AUTH required' : 'AUTH optional';
  return `${auth}; STARTTLS with ${tls.selfSigned ? 'the self-signed ' : ''}${tls.certFile}`;
}
