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
    // Block kinds (src/kinds): what a kind is, what it costs and how it is edited are pure, like src/models and
    // src/sim/cost; only its runtime files (layer, weights, reference, runtime) and the runtime registry import tfjs.
    files: ['src/kinds/**/*.ts'],
    ignores: ['src/kinds/**/layer.ts', 'src/kinds/**/weights.ts', 'src/kinds/**/reference.ts', 'src/kinds/**/runtime.ts', 'src/kinds/runtimes.ts', 'src/kinds/runtimeKind.ts', 'src/kinds/**/*.test.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...frameworkFree.patterns,
            { group: ['**/layer', '**/weights', '**/reference', '**/runtime', '**/runtimes', '**/runtimeKind'], message: 'Pure kind files import no runtime file of a kind.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
    },
  },
  {
    files: ['src/kinds/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['react', 'react-dom', 'react/*', 'react-dom/*', 'zustand', '@xyflow/*', 'recharts', '**/app/**', '**/components/**'], message: 'Block kinds import no views.' }] }],
    },
    ignores: ['src/kinds/**/spec.ts', 'src/kinds/**/cost.ts', 'src/kinds/**/fields.ts', 'src/kinds/specs.ts', 'src/kinds/costs.ts', 'src/kinds/views.ts', 'src/kinds/kindSpec.ts', 'src/kinds/fieldSpec.ts'],
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
            { group: ['**/kinds/**/layer', '**/kinds/**/weights', '**/kinds/**/reference', '**/kinds/**/runtime', '**/kinds/runtimes', '**/kinds/runtimeKind'], message: 'Components read the pure and view registries of the kinds, never their runtime files.' },
          ],
        },
      ],
    },
  },
);
