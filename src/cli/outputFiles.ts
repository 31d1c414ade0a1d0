/**
 * Checks of the files that a command writes when it ends (--png, --csv),
 * made before the run starts, so that a wrong path costs no run time.
 */
import { accessSync, constants, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { UsageError } from './errors.ts';

/**
 * Throws UsageError, naming the option, the path and the reason, unless
 * `path` is an existing writable file or a new file in an existing writable
 * folder. It creates nothing. A file can still become unwritable during the
 * run, and then the command reports the same kind of line when it writes.
 */
export function checkOutputFile(option: string, path: string): void {
  const fail = (reason: string): UsageError => new UsageError(`cannot write --${option} ${JSON.stringify(path)}: ${reason}`);
  if (path === '-') {
    throw fail('"-" is not read as standard output here, expected a file name');
  }
  // resolve() drops a trailing separator, which would make "out/" a new file named "out".
  if (path.endsWith('/') || path.endsWith(sep)) {
    throw fail(`it ends with "${path.slice(-1)}", expected a file name`);
  }
  const target = resolve(path);

  const existing = statOrUndefined(target, fail);
  if (existing) {
    if (existing.isDirectory()) {
      throw fail('it is a folder, expected a file name');
    }
    checkAccess(target, constants.W_OK, fail, 'the file is not writable');
    return;
  }

  const folder = dirname(target);
  const parent = statOrUndefined(folder, fail);
  if (!parent) {
    throw fail(`the folder ${JSON.stringify(folder)} does not exist`);
  }
  if (!parent.isDirectory()) {
    throw fail(`${JSON.stringify(folder)} is not a folder`);
  }
  checkAccess(folder, constants.W_OK | constants.X_OK, fail, `the folder ${JSON.stringify(folder)} is not writable`);
}

/** Messages for the error codes of a failed file check or write. */
const WRITE_FAILURES: Readonly<Record<string, string>> = {
  ENOENT: 'the folder does not exist or takes no new files',
  EISDIR: 'it is a folder, expected a file name',
  ENOTDIR: 'a part of the path before the file name is not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
};

/** Returns the message for a file system error: from WRITE_FAILURES by its code, else its own text. */
function failureReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code !== undefined && WRITE_FAILURES[code]) || (error instanceof Error ? error.message : String(error));
}

/** Returns the stats of `path`, or undefined when it does not exist. Other failures throw UsageError. */
function statOrUndefined(path: string, fail: (reason: string) => UsageError): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return undefined;
    }
    throw fail(failureReason(error));
  }
}

function checkAccess(path: string, mode: number, fail: (reason: string) => UsageError, denied: string): void {
  try {
    accessSync(path, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw fail(`${denied} (${failureReason(error)})`);
    }
    throw fail(failureReason(error));
  }
}


/**
 * Writes `data` to `path`. Throws UsageError naming the option, the path and
 * the reason when the write fails, such as on a file system that rejects a
 * file that checkOutputFile accepted.
 */
export function writeOutputFile(option: string, path: string, data: string | Uint8Array): void {
  try {
    writeFileSync(path, data);
  } catch (error) {
    throw new UsageError(`cannot write --${option} ${JSON.stringify(path)}: ${failureReason(error)}`);
  }
}
