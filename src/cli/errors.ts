/** Exit statuses of the downhill command, and the errors that map to them. */

export const EXIT_OK = 0;
/** A check the user asked for failed (for example verify's --min-agreement). */
export const EXIT_CHECK_FAILED = 1;
/** Invalid command line: the message names the value and what is accepted. */
export const EXIT_USAGE = 2;
/** No WebGPU adapter for --backend webgpu. */
export const EXIT_NO_ADAPTER = 3;

/** An unexpected internal failure (EX_SOFTWARE in sysexits.h), kept apart from a failed check. */
export const EXIT_INTERNAL = 70;

/** An invalid command line; printed as one line on stderr, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
