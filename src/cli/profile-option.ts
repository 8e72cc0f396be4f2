// `--save-profile FILE` writes what was decided for this file (roles, layout,
// measure, date order, sheet, and the header it was decided on: see
// src/core/reading-profile.ts, docs/profile.schema.json); `--profile FILE`
// reads tomorrow's file the same way: nothing is guessed again, and a column
// the profile reads that the file no longer has stops the run (exit 2) with
// its name. Options given on the command line win over the profile, and
// stderr says so.
import { readFileSync, writeFileSync } from 'node:fs';
import type { IngestOptions } from '../core/ingest';
import {
  missingColumns,
  parseProfile,
  profileJson,
  profileOf,
  profileReading,
  type ReadingProfile,
} from '../core/reading-profile';
import { listColumns } from '../core/ingest/column-list';
import type { ColumnMapping, Role, WeeklyTable } from '../core/types';
import { optionValue, type ParsedArgs } from '../node/args';
import { UsageError } from './command';

export const PROFILE_OPTIONS = ['profile', 'save-profile'];

export const PROFILE_USAGE = `  --save-profile FILE write what was decided for this file (columns and their
                      roles, layout, measure, date order, sheet, the header)
                      as JSON (docs/profile.schema.json)
  --profile FILE      read the file as the profile says, guessing nothing: a
                      column of the profile missing from the header stops the
                      run (exit 2, naming it); new columns are left unread.
                      --map, --layout, --measure, --date-format and --sheet
                      given as well win over the profile (stderr says so)`;

/** A run's profile: the reading options it makes, and what it checks and saves. */
export interface ProfileRun {
  /** The reading options: the command line's over the profile's. */
  ingest: IngestOptions;
  /** stderr lines: the profile applied, and each option that overrode it. */
  notes: string[];
  /** Why the file cannot be read as the profile says (a missing column), or null. */
  problem(table: WeeklyTable): string | null;
  /** Writes --save-profile's file, when asked; a file that cannot be written is a usage error. */
  save(table: WeeklyTable): void;
}

/**
 * After the file is read: a usage error (exit 2) when it cannot be read as
 * the profile says, else --save-profile's file written.
 */
export function settleProfile(run: ProfileRun, table: WeeklyTable): void {
  const problem = run.problem(table);
  if (problem !== null) throw new UsageError(problem, false);
  run.save(table);
}

/** `--profile` / `--save-profile` over `flags`, the reading options of the command line. */
export function profileRun(args: ParsedArgs, flags: IngestOptions): ProfileRun {
  const path = optionValue(args, 'profile');
  const savePath = optionValue(args, 'save-profile');
  const loaded = path === undefined ? null : loadProfile(path);
  const applied = loaded === null ? null : applyProfile(loaded, flags, path as string);
  const ingest = applied?.ingest ?? flags;
  return {
    ingest,
    notes: applied?.notes ?? [],
    problem: (table) =>
      loaded === null || applied === null
        ? null
        : headerProblem(loaded, applied.pinned, table, path as string),
    save: (table) => {
      if (savePath === undefined || table.series.length === 0) return;
      const profile = profileOf(table.report, ingest.mapping ?? {});
      try {
        writeFileSync(savePath, profileJson(profile));
      } catch (e) {
        throw new UsageError(
          `--save-profile ${savePath}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
          false,
        );
      }
    },
  };
}

function loadProfile(path: string): ReadingProfile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(
      `--profile ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      false,
    );
  }
  const profile = parseProfile(text);
  if (typeof profile === 'string') throw new UsageError(`--profile ${path}: ${profile}`, false);
  return profile;
}

/**
 * The reading options of a profile with the command line's over them, the
 * profile's roles still in force (`pinned`), and the stderr lines.
 */
function applyProfile(
  profile: ReadingProfile,
  flags: IngestOptions,
  path: string,
): { ingest: IngestOptions; pinned: ReadingProfile['mapping']; notes: string[] } {
  const reading = profileReading(profile);
  const notes: string[] = [];
  const mapping: ColumnMapping = { ...reading.mapping };
  const pinned: ReadingProfile['mapping'] = { ...profile.mapping };
  for (const [role, column] of Object.entries(flags.mapping ?? {}) as [Role, string][]) {
    for (const [other, was] of Object.entries(reading.mapping) as [Role, string][]) {
      // The role given again, or its column given another role: the command line's choice.
      if (other !== role && was !== column) continue;
      if (other === role && was === column) continue;
      notes.push(`profile: --map ${role}=${column} overrides the profile's ${other}=${was}`);
      delete mapping[other];
      delete pinned[other];
    }
    mapping[role] = column;
  }
  const pick = <T>(name: string, flag: T | undefined, saved: T | undefined): T | undefined => {
    if (flag !== undefined && saved !== undefined && flag !== saved) {
      notes.push(`profile: --${name} ${String(flag)} overrides the profile's ${String(saved)}`);
    }
    return flag ?? saved;
  };
  const layout = pick('layout', flags.layout, reading.layout);
  const measure = pick('measure', flags.measure, reading.measure);
  const dateFormat = pick('date-format', flags.dateFormat, reading.dateFormat);
  const sheet = pick('sheet', flags.sheet, reading.sheet);
  const chosen = Object.entries(mapping).map(([r, c]) => `${r}=${c}`);
  // A wide layout's profile may choose no column: the layout finds them.
  const roles = chosen.length > 0 ? chosen.join(', ') : 'columns as the layout finds them';
  notes.unshift(
    `profile: read as ${path} says: ${roles}; ${layout}; ${measure}` +
      `${dateFormat === undefined ? '' : `; dates ${dateFormat}`}${sheet === undefined ? '' : `; sheet "${String(sheet)}"`}`,
  );
  return {
    ingest: {
      ...flags,
      mapping,
      detect: false,
      ...(layout !== undefined && { layout }),
      ...(measure !== undefined && { measure }),
      ...(dateFormat !== undefined && { dateFormat }),
      ...(sheet !== undefined && { sheet }),
    },
    pinned,
    notes,
  };
}

/** The profile's columns the file's header lacks, in a message; null when it has them all. */
function headerProblem(
  profile: ReadingProfile,
  pinned: ReadingProfile['mapping'],
  table: WeeklyTable,
  path: string,
): string | null {
  const header = table.report.header;
  if (header === undefined) return null;
  const missing = missingColumns(pinned, header);
  if (missing.length === 0) return null;
  const what = missing.map((m) => `"${m.column}" (${m.role})`).join(', ');
  const first = missing[0] as { role: Role; column: string };
  return (
    `--profile ${path}: column${missing.length === 1 ? '' : 's'} ${what} of the profile ` +
    `${missing.length === 1 ? 'is' : 'are'} not in this file's header (${listColumns(header)}); ` +
    `the profile was saved from ${listColumns(profile.header)}. Update the profile ` +
    `(--save-profile), or choose the column (--map ${first.role}=COLUMN)`
  );
}
