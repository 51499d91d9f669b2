import { startApp } from './app.js';
import { ConfigError, loadConfigFromProcess } from './config.js';
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
  let app;
  try {
    app = await startApp(config, { log });
  } catch (err) {
    const problems = (err as { problems?: string[] }).problems;
    log.fatal({ err: problems ? undefined : err, problems }, `jiedai could not start: ${(err as Error).message}`);
    process.exit(1);
  }
  if (!config.feishu) log.info(`local simulator: open http://localhost:${app.port}/ in a browser`);

  // SIGTERM (docker stop, systemd, Kubernetes) or SIGINT (Ctrl-C): shut down gracefully (see
  // App.close: stop taking events, finish in-flight work, flush the outbox, close the database) and
  // exit 0. The close is bounded by SHUTDOWN_BUDGET_MS; the hard stop after HARD_STOP_MS (exit 1)
  // is only a guard against a wait that was never bounded. A second signal stops at once.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: stopping now');
      process.exit(1);
    }
    stopping = true;
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
