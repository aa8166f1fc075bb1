// Lint rules checked by `npm test` (scripts/test.sh). Type-aware (recommendedTypeChecked): among
// others, no-floating-promises and no-misused-promises guard the workflow code's deliberate
// fire-and-forget calls. Workflow code gets extra rules because it must stay deterministic: no Node
// APIs, no wall clock, no randomness outside the SDK's own.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', '.build/', '.tools/', 'node_modules/', 'test-artifacts/', 'bin/'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      // an async function without await is how a Promise-returning interface is implemented plainly
      '@typescript-eslint/require-await': 'off',
      // a field narrowed to `never` by a check before an await (TypeScript cannot see it change) is
      // still a string at run time
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNever: true }],
    },
  },
  // plain JavaScript (this file, scripts/transpile.mjs) is outside tsconfig: lint it without types
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    // Tests read what came over the wire (JSON bodies, audit logs, histories) as `any` on purpose:
    // asserting on it is the test, and typing each body would only restate the assertion.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // assertion messages print whatever came back, errors included; test doubles pass methods
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      // workflow code keeps the Temporal failures it caught (as unknown, e.g. JobRun.error) and
      // throws them on later; they are always Error subclasses
      '@typescript-eslint/only-throw-error': 'off',
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
