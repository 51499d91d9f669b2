// Work started and not yet finished, for a graceful shutdown to wait on (the database must not be
// closed under a handler still writing).

export interface InFlight {
  /** Counts `p` until it settles, whether it resolves or rejects. */
  track(p: Promise<unknown>): void;
  readonly size: number;
  /** Resolves when nothing tracked is running, including work tracked while waiting. */
  idle(): Promise<void>;
}

export function inFlight(): InFlight {
  const running = new Set<Promise<void>>();
  return {
    track(p) {
      const settled = p.then(
        () => undefined,
        () => undefined,
      );
      running.add(settled);
      void settled.finally(() => running.delete(settled));
    },
    get size() {
      return running.size;
    },
    async idle() {
      while (running.size) await Promise.all([...running]);
    },
  };
}
