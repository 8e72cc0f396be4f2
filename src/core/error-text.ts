// How a caught value becomes text in a message, the same in every runtime.

/** An Error's message; anything else thrown, as a string. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
