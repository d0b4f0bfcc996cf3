export * from './workflow-code.js';
export * from './nondeterminism.js';
export * from './jobs-from-events.js';
export * from './replayer.js';
