/** Wording helpers shared by the text reports of the commands. */

/** Writes a count with its noun, singular for 1: "1 step", "200 steps". */
export function counted(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}
