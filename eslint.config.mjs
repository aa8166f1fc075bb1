// Lint rules checked by `npm test` (scripts/test.sh). Workflow code gets extra rules because it
// must stay deterministic: no Node APIs, no wall clock, no randomness outside the SDK's own.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', '.build/', '.tools/', 'node_modules/', 'test-artifacts/', 'bin/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@aws-sdk/*',
                '@temporalio/activity',
                '@temporalio/worker',
                '@temporalio/client',
                'node:*',
                'fs',
                'http',
                'https',
                'net',
                'crypto',
              ],
              message: 'workflow code must stay deterministic: do I/O in activities',
            },
            {
              group: ['../activities', '../activities/*'],
              importNamePattern: '^(?!type )',
              message: 'import activity types only (import type)',
              allowTypeImports: true,
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'use sleep() from @temporalio/workflow' },
        { name: 'setInterval', message: 'use sleep() from @temporalio/workflow' },
      ],
    },
  },
);
