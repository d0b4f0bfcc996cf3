// ts-jest's default CommonJS setup: every @endure package is require()d. Starting an engine and
// a worker takes longer than jest's default 5 s per test on a loaded machine.
module.exports = { preset: 'ts-jest', testEnvironment: 'node', testTimeout: 60000 };
