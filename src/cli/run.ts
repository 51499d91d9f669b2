// How each operator tool ends: its exit code (0 done, 1 refused or failed, 2 wrong usage), or 1 with
// the stack on stderr for an error nobody foresaw.
export function runCli(name: string, main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${name}: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}

/** A wrong call of a tool: its message goes to stderr with the usage, and the tool exits 2. */
export class UsageError extends Error {}

/** The tool's parsed arguments, or undefined once a UsageError has been told on stderr with the usage. */
export function parsedOrUsage<T>(parse: () => T, usage: string): T | undefined {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${usage}\n`);
    return undefined;
  }
}
