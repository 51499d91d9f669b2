// The org file as the running bot sees it: one object every part holds, whose contents are swapped
// when the file is reloaded (on change or SIGHUP), so nothing keeps reading a stale list of people.
import type { Org } from './org.js';

export interface LiveOrg {
  /** Reads through to the current org file. */
  org: Org;
  /** Puts `next` in place; returns the org it replaces. */
  swap(next: Org): Org;
}

export function liveOrg(initial: Org): LiveOrg {
  let current = initial;
  const org = new Proxy({} as Org, {
    get: (_t, k) => Reflect.get(current, k),
    has: (_t, k) => Reflect.has(current, k),
    ownKeys: () => Reflect.ownKeys(current),
    getOwnPropertyDescriptor: (_t, k) => {
      const d = Reflect.getOwnPropertyDescriptor(current, k);
      return d ? { ...d, configurable: true } : undefined;
    },
  });
  return {
    org,
    swap(next) {
      const old = current;
      current = next;
      return old;
    },
  };
}

/** The people of `before` who are not in `after`: they have left. */
export const departed = (before: Pick<Org, 'people'>, after: Pick<Org, 'person'>): { id: string; name: string }[] =>
  before.people.filter((p) => !after.person(p.id)).map(({ id, name }) => ({ id, name }));
