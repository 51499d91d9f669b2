import { startApp } from './app.js';
import { ConfigError, loadConfigFromProcess } from './config.js';
import { createLogger } from './log.js';

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

  const stop = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

void main();
