export * from './duration.js';
export * from './converter.js';
export * from './failures.js';
export * from './retry.js';
export * from './seeded-random.js';
export * from './options.js';
export * from './enums.js';
export * from './unsupported.js';
