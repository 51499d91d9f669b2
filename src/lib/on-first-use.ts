// Packages an idle instance need not load: required the first time they are used, then kept.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `() => the package`, loaded on the first call (CommonJS `require`, so synchronous). */
export function onFirstUse<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
