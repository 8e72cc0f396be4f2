// The pieces every `skucast` command shares, in process: the one integer-option
// parser, the one-FILE command line, and the chunk gatherer behind every
// streamed output.

import { describe, expect, it } from 'vitest';
import { oneFileCommandLine, UsageError, type CliIo } from '../../src/cli/command';
import { chunked } from '../../src/core/json-chunks';
import { intOption, OptionError, parseArgs } from '../../src/node/args';

const args = (...argv: string[]) => parseArgs(argv, ['n']);

describe('intOption', () => {
  it('reads digits within the bounds, and the fallback when the option is absent', () => {
    expect(intOption(args(), 'n', 7, { min: 1, max: 9 })).toBe(7);
    expect(intOption(args('--n', ' 9 '), 'n', 7, { min: 1, max: 9 })).toBe(9);
    expect(intOption(args('--n=-12'), 'n', 0)).toBe(-12);
    expect(intOption(args('--n', '0'), 'n', 5, { min: 0 })).toBe(0);
  });

  it('says what the option takes, as the commands always have', () => {
    const message = (bounds: Parameters<typeof intOption>[3], ...argv: string[]): string => {
      try {
        intOption(args(...argv), 'n', 1, bounds);
      } catch (e) {
        expect(e).toBeInstanceOf(OptionError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(message({ min: 1, max: 520 }, '--n', '0')).toBe(
      '--n must be a whole number from 1 to 520, got "0"',
    );
    expect(message({ min: 1, max: 52, unit: 'weeks' }, '--n', '2.5')).toBe(
      '--n must be a whole number of weeks from 1 to 52, got "2.5"',
    );
    expect(message({ min: 0 }, '--n', '-1')).toBe('--n must be a whole number from 0 up, got "-1"');
    expect(message({}, '--n', '1e3')).toBe('--n must be an integer, got "1e3"');
    expect(message({}, '--n', '')).toBe('--n must be an integer, got ""');
  });
});

describe('oneFileCommandLine', () => {
  it('prints the usage on --help and gives no arguments back', () => {
    const out: string[] = [];
    const cli: CliIo = { out: (t) => void out.push(t), err: () => undefined };
    expect(oneFileCommandLine(['--help'], [], 'usage: x', cli)).toBeNull();
    expect(out).toEqual(['usage: x\n']);
  });

  it('gives the line back with its one FILE, and throws UsageError on anything else', () => {
    const cli: CliIo = { out: () => undefined, err: () => undefined };
    expect(oneFileCommandLine(['a.csv', '--n', '3'], ['n'], '', cli)?.positionals).toEqual([
      'a.csv',
    ]);
    expect(() => oneFileCommandLine([], [], '', cli)).toThrow(new UsageError('missing FILE'));
    expect(() => oneFileCommandLine(['a', 'b'], [], '', cli)).toThrow(/exactly one FILE/);
    expect(() => oneFileCommandLine(['a', '--x'], [], '', cli)).toThrow(/unknown option --x/);
  });
});

describe('chunked', () => {
  it('gathers pieces into chunks of about the size asked, a longer piece alone', () => {
    const pieces = ['aaa', 'bb', 'c', 'L'.repeat(20), 'dd', 'e'];
    const chunks = [...chunked(pieces, 5)];
    expect(chunks).toEqual(['aaabb', 'c', 'L'.repeat(20), 'dde']);
    expect(chunks.join('')).toBe(pieces.join(''));
    expect([...chunked([], 5)]).toEqual([]);
  });
});
