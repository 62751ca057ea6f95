import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import regexp from 'eslint-plugin-regexp';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'public/vendor/', 'coverage/', 'tests/e2e/screenshots/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { module: 'writable', require: 'readonly', process: 'readonly', console: 'readonly', window: 'readonly', document: 'readonly', navigator: 'readonly', localStorage: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', sessionStorage: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Every pattern that may read user input runs in linear time (issue 28): these two rules find
    // patterns that can backtrack super-linearly, on a whole match or while the engine moves along.
    files: ['src/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    plugins: { regexp },
    rules: {
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
    },
  },
);
