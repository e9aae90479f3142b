// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  // scripts/ferretdb/bin: the build's copy of FerretDB's sources (scripts/ferretdb/build.sh).
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'scripts/ferretdb/bin/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
    },
  },
  {
    // The domain names facts (NotFoundError, ConflictError, InvalidError); what they mean over
    // HTTP or on the bus is decided at the entry points. Everything comes through the shared
    // index, which dependency-cruiser cannot see into, so the names are checked here.
    files: ['services/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@ecommerce/shared',
              importNames: [
                'AppError',
                'PermanentError',
                'badRequest',
                'unauthorized',
                'serviceUnavailable',
                'BrokerUnavailableError',
                'UnroutableMessageError',
                'validate',
                'validateBody',
                'requireAdmin',
                'apiDocsRouter',
                'serviceApiDocument',
                'RabbitEventBus',
                'startService',
              ],
              message:
                'The domain throws domain errors (NotFoundError, ConflictError, InvalidError) and knows no transport: the entry points validate requests and map errors to HTTP and the bus.',
            },
          ],
          patterns: [
            {
              group: ['express', 'express/**', 'amqplib', 'amqplib/**'],
              message: 'The domain knows no transport: HTTP and the bus stay in the entry points.',
            },
          ],
        },
      ],
    },
  },
  {
    // Command-line scripts talk to a person on the terminal.
    files: ['scripts/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
