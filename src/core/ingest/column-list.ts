// Column names as a message lists them: a wide file has hundreds, and a
// message that names them all hides what it says.

/** Column names a message lists before "… and N more". */
export const LISTED_COLUMNS = 10;

/** `"a", "b", … and 227 more`: at most `max` names, then how many were left out. */
export function listColumns(names: readonly string[], max = LISTED_COLUMNS): string {
  const shown = names.slice(0, max).map((h) => `"${h}"`);
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join(', ')} … and ${more} more` : shown.join(', ');
}
