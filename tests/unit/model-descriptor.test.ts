// parseModelDescriptor is the one check of tcn.json for the worker, the CLI
// and the tools: the shipped descriptor passes, a broken one is refused with
// the first bad field named.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ModelDescriptorError,
  parseModelDescriptor,
  type ModelDescriptor,
} from '../../src/core/model-descriptor';

const shipped: unknown = JSON.parse(readFileSync(path.resolve('models/tcn.json'), 'utf8'));

function broken(change: (d: ModelDescriptor) => void): unknown {
  const d = structuredClone(shipped) as ModelDescriptor;
  change(d);
  return d;
}

describe('parseModelDescriptor', () => {
  it('accepts the shipped descriptor as it is', () => {
    expect(parseModelDescriptor(shipped)).toBe(shipped);
  });

  it.each([
    [
      'input',
      (d: ModelDescriptor) => Reflect.deleteProperty(d, 'input'),
      /input must be an object \(missing\)/,
    ],
    [
      'window',
      (d: ModelDescriptor) => (d.input.window = 0),
      /input\.window must be a whole number/,
    ],
    [
      'quantiles',
      (d: ModelDescriptor) => (d.output.quantiles = [0.1, '0.5' as unknown as number]),
      /output\.quantiles must be a non-empty list of numbers between 0 and 1/,
    ],
    [
      'historyWeeks',
      (d: ModelDescriptor) => (d.scaling.historyWeeks = 1.5),
      /scaling\.historyWeeks .*got 1\.5/,
    ],
    [
      'readsCalendar',
      (d: ModelDescriptor) => (d.input.readsCalendar = 'no' as unknown as boolean),
      /input\.readsCalendar must be true or false/,
    ],
  ])('names the bad field: %s', (_, change, message) => {
    expect(() => parseModelDescriptor(broken(change))).toThrow(message);
    expect(() => parseModelDescriptor(broken(change))).toThrow(ModelDescriptorError);
  });

  it('accepts a descriptor without the optional fields', () => {
    expect(() =>
      parseModelDescriptor(
        broken((d) => {
          delete d.scaling.historyWeeks;
          delete d.backtest;
        }),
      ),
    ).not.toThrow();
  });

  it('refuses what is not an object', () => {
    for (const v of [null, [], 'tcn', 3])
      expect(() => parseModelDescriptor(v)).toThrow(/must be a JSON object/);
  });
});
