import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Credentials } from './mail-peers.js';
import { freePort, runCli, startServe, type ServeProcess } from './processes.js';

/** A `longshore serve` process for the e-mail tests: its own data directory, HTTP and SMTP ports. */
export interface MailServer {
  dataDir: string;
  port: number;
  smtpPort: number;
  args: string[];
  proc: ServeProcess | null;
}

export async function newMailServer(extra: string[]): Promise<MailServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'longshore-mail-'));
  const [port, smtpPort] = [await freePort(), await freePort()];
  const args = ['--data-dir', dataDir, '--port', String(port), '--smtp-port', String(smtpPort), ...extra];
  return { dataDir, port, smtpPort, args, proc: null };
}

export async function startServer(server: MailServer): Promise<void> {
  server.proc = await startServe(server.args);
}

/** Stops the server with SIGTERM; throws unless it stopped cleanly (exit code 0). */
export async function stopServer(server: MailServer): Promise<void> {
  const running = server.proc;
  server.proc = null;
  if (!running) return;
  running.proc.kill('SIGTERM');
  const { code } = await running.exited;
  if (code !== 0) throw new Error(`serve exited with ${code}:\n${running.output()}`);
}

/** Runs `longshore admin ARGS --json` against the server; throws unless it succeeds. */
export async function admin(server: MailServer, args: string[]): Promise<Record<string, unknown>> {
  const result = await runCli([
    'admin',
    ...args,
    '--server',
    `http://127.0.0.1:${server.port}`,
    '--data-dir',
    server.dataDir,
    '--json',
  ]);
  if (result.code !== 0) throw new Error(`longshore admin ${args.join(' ')} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/** An account made with `longshore admin account create`; its SMTP credentials are its keys. */
export async function mailAccount(
  server: MailServer,
  email: string,
  flags: string[] = [],
): Promise<Credentials> {
  const created = await admin(server, ['account', 'create', '--email', email, ...flags]);
  return { user: String(created['accessKeyId']), pass: String(created['secretAccessKey']) };
}
