// The exit codes of `skucast`, one place for the code and for the words
// `--help` and the README use, so a script can tell the outcomes apart.

export const EXIT_OK = 0;
/** A bug of ours: main.ts says "internal error". */
export const EXIT_INTERNAL = 1;
/** Bad usage, a bad option value or an unusable file (user-errors.ts). */
export const EXIT_USAGE = 2;
/** More rows skipped than --max-skipped (or --strict) allows; the outputs were written. */
export const EXIT_TOO_MANY_SKIPPED = 3;

/** Their lines in a usage text. */
export const EXIT_CODES_USAGE = `exit codes:
  ${EXIT_OK}  done
  ${EXIT_INTERNAL}  internal error (a bug: please report it)
  ${EXIT_USAGE}  bad usage or option value, or a file that cannot be used
  ${EXIT_TOO_MANY_SKIPPED}  more rows skipped than --max-skipped allows (the output is
     still written in full)`;
