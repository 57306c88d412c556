/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  globalSetup: '<rootDir>/test/helpers/build-cli-once.js',
  setupFiles: ['<rootDir>/test/helpers/loopback-only.ts'],
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.js'],
  testTimeout: 30000,
};
