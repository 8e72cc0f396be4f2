// One rule for the roles a run needs, used by the ingestion (which refuses the
// file) and by the app's mapping form (which asks for the column).
import { describe, expect, it } from 'vitest';
import { missingRoles } from '../../src/app/mapping';
import { missingRequiredRole } from '../../src/core/required-roles';
import { ingestText } from '../../src/core/ingest';
import type { ColumnMapping, Role } from '../../src/core/types';

const has =
  (...roles: Role[]) =>
  (role: Role): boolean =>
    roles.includes(role);

describe('missingRequiredRole', () => {
  it('needs a date, then a measure: a quantity (units), an amount, or quantity and price', () => {
    expect(missingRequiredRole(has('amount'))).toBe('date');
    expect(missingRequiredRole(has('date'))).toBe('amount');
    expect(missingRequiredRole(has('date', 'quantity'))).toBeNull();
    expect(missingRequiredRole(has('date', 'amount'))).toBeNull();
    expect(missingRequiredRole(has('date', 'quantity', 'price'))).toBeNull();
    // A measure chosen asks for its own column.
    expect(missingRequiredRole(has('date', 'quantity'), 'amount')).toBe('amount');
    expect(missingRequiredRole(has('date', 'amount'), 'units')).toBe('quantity');
    expect(missingRequiredRole(has('date', 'quantity', 'price'), 'amount')).toBeNull();
  });

  it('the mapping form and the ingestion agree on it', () => {
    const cases: [ColumnMapping, string, string | null][] = [
      [{ amount: 'Sales' }, 'Sales\n5\n', 'no-date-column'],
      [{ date: 'Date', category: 'C' }, 'Date,C\n2023-01-02,x\n', 'no-amount-column'],
      [{ date: 'Date', quantity: 'Qty' }, 'Date,Qty\n2023-01-02,5\n', null],
      [{ date: 'Date', quantity: 'Qty', price: 'P' }, 'Date,Qty,P\n2023-01-02,5,2\n', null],
    ];
    for (const [mapping, text, code] of cases) {
      const issues = ingestText(text, { mapping }).report.issues.map((i) => i.code);
      expect(missingRoles(mapping) === null).toBe(code === null);
      if (code) expect(issues).toContain(code);
      else expect(issues.filter((c) => c.startsWith('no-'))).toEqual([]);
    }
    const units: ColumnMapping = { date: 'Date', amount: 'Sales' };
    expect(missingRoles(units, 'units')).toMatch(/quantity/);
    const refused = ingestText('Date,Sales\n2023-01-02,5\n', { mapping: units, measure: 'units' });
    expect(refused.report.issues.map((i) => i.code)).toContain('no-quantity-column');
  });
});
