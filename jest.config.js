// One jest run, three kinds of test. Tests import packages from source, so no build is needed
// for unit and integration tests; end-to-end tests start the built services as processes.
/** @type {import('ts-jest').JestConfigWithTsJest['transform']} */
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
};
const moduleNameMapper = {
  '^@ecommerce/shared$': '<rootDir>/shared/src/index.ts',
  '^@ecommerce/shared/testing$': '<rootDir>/shared/src/testing/index.ts',
  '^@ecommerce/shared/tracing$': '<rootDir>/shared/src/observability/tracing.ts',
};
const common = { rootDir: __dirname, testEnvironment: 'node', transform, moduleNameMapper };

/** @type {import('jest').Config} */
module.exports = {
  // Integration and end-to-end tests poll real servers; their own deadlines are shorter.
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/shared/test/unit/**/*.test.ts',
        '<rootDir>/services/*/test/unit/**/*.test.ts',
        '<rootDir>/scripts/test/unit/**/*.test.ts',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/shared/test/integration/**/*.test.ts',
        '<rootDir>/services/*/test/integration/**/*.test.ts',
      ],
      globalSetup: '<rootDir>/shared/test/support/require-infrastructure.js',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/tests-e2e/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests-e2e/serial/'],
      globalSetup: '<rootDir>/tests-e2e/support/global-setup.js',
    },
    // Tests that stop a shared server (RabbitMQ) for everyone: only when asked for, and then
    // alone (`npm test` runs them last with --runInBand).
    ...(process.env.JEST_SERIAL === '1'
      ? [
          {
            ...common,
            displayName: 'serial',
            testMatch: ['<rootDir>/tests-e2e/serial/**/*.test.ts'],
            globalSetup: '<rootDir>/tests-e2e/support/global-setup.js',
          },
        ]
      : []),
  ],
};
