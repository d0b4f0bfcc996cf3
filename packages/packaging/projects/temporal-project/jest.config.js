module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/jest/**/*.test.ts'],
  // Starting a test environment and a worker takes longer than jest's default 5 s on a loaded machine.
  testTimeout: 60000,
};
