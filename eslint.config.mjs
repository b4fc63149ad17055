// Lint rules for @ad (npm run lint, run by npm test's CI): typescript-eslint's recommended
// rules, with formatting left to Prettier.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/',
      '**/dist/',
      'docs/api/',
      'docs/playground/dist/',
      'coverage/',
      'out/',
      'packages/core/src/kernels/wasm/binary/',
      'packages/core/assembly/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', globalThis: 'readonly' },
    },
    rules: {
      // `_` marks a parameter a callback must take but does not use
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // the tests and a few typed-array paths assert what the compiler cannot know
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', 'scripts/**'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
);
