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

/** The planner is pure like the cost model and reads only src/models and src/sim/cost. */
const plannerWalls = {
  patterns: [
    ...frameworkFree.patterns,
    // Relative imports may only reach ../cost/ and ../../models/ (beside the planner's own files).
    { regex: '^\\.\\./(?!cost/|\\.\\./models/)', message: 'The planner imports only src/models and src/sim/cost.' },
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
    files: ['src/models/**/*.ts', 'src/sim/cost/**/*.ts', 'src/sim/planner/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', frameworkFree],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
    },
  },
  {
    files: ['src/sim/planner/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', plannerWalls] },
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
