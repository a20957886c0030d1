// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** Modules that do I/O or hold process state: never in deterministic or pure code. */
const ioModules = [
  'pg',
  'pino',
  'openai',
  'node-llama-cpp',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
];

const forbidIo = (layer, extra = []) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: [...nodeBuiltins, ...ioModules, ...extra].map((name) => ({
        name,
        message: `${layer} must stay free of I/O and Node built-ins; move this into activities/ or worker/.`,
      })),
      patterns: [
        {
          group: ['**/activities/*', '!**/activities/types*'],
          message: `${layer} may import activities as types only.`,
          allowTypeImports: true,
        },
        { group: ['**/worker/*', '**/client/*', '**/infra/*'], message: `${layer} must not import outer layers.` },
      ],
    },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'process', message: `${layer} must not read process state.` },
    { name: 'setTimeout', message: 'Use the Temporal sleep() / timers from @temporalio/workflow.' },
    { name: 'fetch', message: `${layer} must not do network I/O.` },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', '.venv/**', '.bench-venv/**', 'bench/out/**', '**/*.html'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      'import-x/no-cycle': 'error',
    },
  },
  { files: ['core/**/*.ts'], rules: forbidIo('core/', ['@temporalio/workflow']) },
  { files: ['workflows/**/*.ts'], rules: forbidIo('workflows/') },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  {
    // The report page's script: a classic script in the browser, after Chart.js's bundle.
    files: ['client/report/assets/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { document: 'readonly', getComputedStyle: 'readonly', Chart: 'readonly' },
    },
  },
);
