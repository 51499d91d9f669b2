import { startApp } from './app.js';
import { ConfigError, loadConfigFromProcess } from './config.js';
import { createDatabase } from './db/client.js';
import { createLogger } from './log.js';

/** What a graceful shutdown may take; orchestrators should wait longer than HARD_STOP_MS before SIGKILL. */
const SHUTDOWN_BUDGET_MS = 10_000;
const HARD_STOP_MS = 15_000;

async function main() {
  let config;
  try {
    config = loadConfigFromProcess();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`jiedai: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  // `node dist/main.js --migrate-only`: apply the migrations in drizzle/ and exit (an upgrade's first step).
  if (process.argv.includes('--migrate-only')) {
    try {
      const database = await createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        await database.migrate();
        log.info({ database: database.kind }, 'migrations applied');
      } finally {
        await database.close();
      }
      process.exit(0);
    } catch (err) {
      log.fatal({ err }, `migrations failed: ${(err as Error).message}`);
      process.exit(1);
    }
  }
  let app;
  try {
    app = await startApp(config, { log });
  } catch (err) {
    const problems = (err as { problems?: string[] }).problems;
    log.fatal({ err: problems ? undefined : err, problems }, `jiedai could not start: ${(err as Error).message}`);
    process.exit(1);
  }

  // SIGTERM (docker stop, systemd, Kubernetes) or SIGINT (Ctrl-C): shut down gracefully (see
  // App.close: stop taking events, finish in-flight work, flush the outbox, close the database) and
  // exit 0. The close is bounded by SHUTDOWN_BUDGET_MS; the hard stop after HARD_STOP_MS (exit 1)
  // is only a guard against a wait that was never bounded. A second signal stops at once, unless it
  // comes within a second of the first: Ctrl-C in a terminal, or a signal to the process group,
  // reaches npm or tsx and this process together, and they pass it on again.
  let stoppingSince: number | undefined;
  const stop = async (signal: string) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < 1_000) return;
      log.warn({ signal }, 'second signal: stopping now');
      process.exit(1);
    }
    stoppingSince = Date.now();
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, HARD_STOP_MS);
    force.unref();
    try {
      await app.close({ timeoutMs: SHUTDOWN_BUDGET_MS });
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main();

