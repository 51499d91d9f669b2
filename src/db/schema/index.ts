// The database schema, one file per responsibility; `drizzle.config.ts` reads this index.
export * from './runtime.js';
export * from './simulator.js';
export * from './receptions.js';
export * from './guests.js';
export * from './settlements.js';
export * from './ledger.js';
export * from './places.js';
export * from './approval-center.js';
export * from './calendar.js';
