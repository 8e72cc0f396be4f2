// The page names its own controls where core's messages name the CLI's flags
// (src/app/page-wording.ts): the issue list, the Issues CSV and the error box
// say "the Sheet list of the column form", never "skucast --sheet NAME". The
// messages are core's real ones, made by ingesting files; the CLI keeps its words. The
// downloaded Issues CSV is checked in the browser (tests/browser/app-ui.test.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ingestor, ingestText } from '../../src/core/ingest';
import { pageWording } from '../../src/app/page-wording';
import { buildXlsx } from './xlsx-build';

/** A flag of the command line, or the command itself, as a message would name it. */
const CLI_WORDS = /(^|[\s(])--[a-z]|\bskucast --/;

async function workbookIssues(): Promise<string[]> {
  const rows = [
    ['Date', 'SKU', 'Amount'],
    ...[1, 8, 15].map((d) => [`2024-01-${String(d).padStart(2, '0')}`, 'A', d]),
  ];
  const book = buildXlsx([
    { name: 'Sales', rows },
    { name: 'Notes', rows: [['x'], ['y']] },
  ]);
  const ingestor = new Ingestor();
  ingestor.push(book);
  const t = await ingestor.finishAsync();
  return t.report.issues.map((i) => i.message);
}

describe('messages in the page', () => {
  it("a workbook with several sheets points to the form's Sheet list", async () => {
    const messages = await workbookIssues();
    const cli = messages.find((m) => /several|sheets/.test(m));
    expect(cli).toMatch(/skucast --sheet NAME/); // the CLI's words stay
    const page = pageWording(cli!);
    expect(page).not.toMatch(CLI_WORDS);
    expect(page).toMatch(/Sheet list of the column form/);
    // The rest of the message is kept word for word.
    expect(page.startsWith(cli!.slice(0, cli!.indexOf('another')))).toBe(true);
  });

  it("a missing column names the form's list for that role", () => {
    const none = ingestText('Item,Sales\nA,1\n');
    const noAmount = ingestText('Period,Item,Money\nfoo,A,1\n').report.issues[0]?.message;
    expect(noAmount).toMatch(/--map quantity=COLUMN or --map amount=COLUMN/);
    expect(pageWording(noAmount!)).toMatch(
      /or choose the "Quantity \(units per row\)" or "Amount \(money per row\)" column in the column form\)$/,
    );
    const cli = none.report.issues.map((i) => i.message).find((m) => /--map date=COLUMN/.test(m));
    expect(cli).toBeDefined();
    const page = pageWording(cli!);
    expect(page).not.toMatch(CLI_WORDS);
    expect(page).toMatch(/"Date \(required\)" column in the column form/);
  });

  it('units with no quantity column name the Forecast choice and the Quantity list', () => {
    const t = ingestText('Date,SKU,Sales\n2024-01-01,A,3\n', { measure: 'units' });
    const cli = t.report.issues.map((i) => i.message).find((m) => /--measure amount/.test(m));
    expect(cli).toBeDefined();
    const page = pageWording(cli!);
    expect(page).not.toMatch(CLI_WORDS);
    expect(page).toMatch(/"Quantity \(units per row\)" column/);
    expect(page).toMatch(/Forecast: money/);
  });

  it('a wide sheet repeating an item says what to do in the file, not --map', () => {
    const t = ingestText(
      'Store,Dept,2024-W05,2024-W06,2024-W07\n1,1,5,6,7\n1,2,1,1,1\n2,1,3,3,3\n',
    );
    const cli = t.report.issues.find((i) => i.code === 'wide-repeated-item')?.message;
    expect(cli).toMatch(/--map sku=Store\+Dept/);
    const page = pageWording(cli!);
    expect(page).not.toMatch(CLI_WORDS);
    expect(page).toMatch(/"Dept" is part of the item, make it part of the item column in the file/);
  });

  it('leaves a message with no CLI hint as it is', () => {
    const text =
      'Row 7, column "Date": "31/02/2024" is not a date; expected a date such as 2024-03-31';
    expect(pageWording(text)).toBe(text);
  });

  it('words every flag a message in src/core names (a new hint must be added to the table)', () => {
    const root = resolve(__dirname, '../../src/core');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(root);
    const hints: string[] = [];
    for (const f of files) {
      for (const line of readFileSync(f, 'utf8').split('\n')) {
        const code = line.trim();
        if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/**')) continue;
        // Text inside quotes or backticks that names a flag: a message (its ${…} parts as a name).
        const text = code.replace(/\$\{[^{}]*\}/g, 'Store');
        for (const m of text.matchAll(/[`'"]([^`'"]*--[a-z][^`'"]*)[`'"]/g)) hints.push(m[1]!);
      }
    }
    // Core does name flags (the table is not guarding nothing).
    expect(hints.length).toBeGreaterThanOrEqual(5);
    for (const h of hints) {
      expect(pageWording(h), h).not.toMatch(CLI_WORDS);
    }
  });
});
