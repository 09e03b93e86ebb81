import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const frameworkFree = {
  patterns: [
    { group: ['react', 'react-dom', 'react/*', 'react-dom/*'], message: 'The pure core imports no React.' },
    { group: ['@tensorflow/*'], message: 'The pure core imports no tfjs.' },
    { group: ['zustand', 'zustand/*'], message: 'The pure core imports no zustand.' },
    { group: ['@xyflow/*'], message: 'The pure core imports no React Flow.' },
    { group: ['recharts'], message: 'The pure core imports no charts.' },
    { group: ['**/app/**', '**/components/**', '**/sim/runtime/**', '**/sim/worker*'], message: 'The pure core imports nothing above it.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'public', 'test-results', 'playwright-report'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src/models/**/*.ts', 'src/sim/cost/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', frameworkFree],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
    },
  },
  {
    files: ['src/components/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@tensorflow/*'], message: 'Components never import tfjs: go through the worker client.' },
            { group: ['**/sim/runtime/**', '**/sim/runtime'], message: 'Components reach the runtime only through the worker client.' },
          ],
        },
      ],
    },
  },
);
