import { ConfigError, loadConfig } from '../../src/config.js';

/** What loadConfig refuses in `env`, one line per problem; none when it loads. */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    return (e as ConfigError).problems;
  }
  return [];
}
