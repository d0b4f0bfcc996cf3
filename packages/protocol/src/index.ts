export * from './payload.js';
export * from './failure.js';
export * from './retry.js';
export * from './events.js';
export * from './commands.js';
export * from './jobs.js';
export * from './api.js';
export * from './errors.js';
