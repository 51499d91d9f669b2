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
