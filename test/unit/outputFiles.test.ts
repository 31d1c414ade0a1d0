// Writing the command line's output files: a failure names the option, the
// path and the reason in words.

import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { UsageError } from '../../src/cli/errors.ts';
import { writeOutputFile } from '../../src/cli/outputFiles.ts';

describe('writeOutputFile', () => {
  const folder = mkdtempSync(join(tmpdir(), 'downhill-write-'));

  test('writes the data', () => {
    const path = join(folder, 'table.csv');
    writeOutputFile('csv', path, 'rate,loss\n');
    expect(readFileSync(path, 'utf8')).toBe('rate,loss\n');
  });

  test('a missing folder, in words', () => {
    const path = join(folder, 'missing', 'map.png');
    const write = (): void => writeOutputFile('png', path, new Uint8Array(4));
    expect(write).toThrow(UsageError);
    expect(write).toThrow(`cannot write --png ${JSON.stringify(path)}: the folder does not exist or takes no new files`);
  });

  test('a folder in place of a file, in words', () => {
    const path = join(folder, 'sub');
    mkdirSync(path);
    expect(() => writeOutputFile('csv', path, '')).toThrow(`cannot write --csv ${JSON.stringify(path)}: it is a folder, expected a file name`);
  });
});
