// ESLint for Hookway, run by test/lint.test.ts (so `npm test` enforces it) and `npm run lint`.
// It lives under test/ because the repository's top level is fixed; paths are relative to the root.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'src/receiver/dist/**', 'node_modules/**', 'bench-results/**', 'test-output/**', '.hookway/**', '**/*.mjs', '**/*.js'] },
  {
    files: ['src/**/*.ts', 'workflows/**/*.ts', 'activities/**/*.ts', 'test/**/*.ts'],
    ignores: ['src/portal/**'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: process.cwd() } },
    rules: {
      // A promise nobody awaits loses its error: in a webhook sender that is a lost delivery.
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/test return promises the runner itself tracks.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'test', 'it', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // The portal runs in the browser, with its own tsconfig. Payloads and receivers' answers are data:
    // they are rendered as text, never parsed as markup.
    files: ['src/portal/**/*.ts', 'src/portal/**/*.tsx'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { project: './src/portal/tsconfig.json', tsconfigRootDir: process.cwd() } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'render data as text, never as markup' },
        { selector: "MemberExpression[property.name=/^(innerHTML|outerHTML)$/]", message: 'render data as text, never as markup' },
        { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: 'render data as text, never as markup' },
      ],
    },
  },
  {
    // Workflow code is replayed deterministically in Temporal's sandbox: no I/O, no clock, no randomness.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'http', 'https', 'net', 'crypto', 'child_process', 'os', 'path'], message: 'no Node built-ins in workflows' },
            { group: ['pg', 'undici', '@nestjs/*', '../src/*', '../src/**'], message: 'workflows do no I/O and import nothing from src/' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'use workflow time (Date in the sandbox is replay-safe, Date.now is banned for clarity)' },
        { object: 'Math', property: 'random', message: 'use uuid4() from @temporalio/workflow' },
      ],
    },
  },
);
