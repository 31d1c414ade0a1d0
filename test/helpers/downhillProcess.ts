// Starts the downhill command through its launcher, as a user types it.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs bin/downhill.mjs with `args`, extra environment variables and, when
 * given, another user id and group id, and waits up to a minute for it.
 */
export function downhill(args: string[], env: Record<string, string> = {}, user: { uid?: number; gid?: number } = {}): Outcome {
  const result = spawnSync(process.execPath, ['bin/downhill.mjs', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
    // Reports of large sweeps run to megabytes; past maxBuffer spawnSync would kill the command.
    maxBuffer: 256 * 1024 * 1024,
    ...user,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
