// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
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

/**
 * The model server's layers, outermost first: a layer may import the layers after it, never one
 * before it (`server` → `backends` → `sim` → `families` → `base`). The entry points at its root
 * (`main.ts`, `generate-dataset.ts`) may import any layer. It shares no code with the product.
 */
const modelServerLayers = ['server', 'backends', 'sim', 'families', 'base'];
const productDirs = ['core', 'workflows', 'activities', 'platform', 'worker', 'client'];

const modelServerZones = [
  ...modelServerLayers.map((layer, i) => ({
    target: `./model-server/${layer}`,
    from: ['./model-server/*.ts', ...modelServerLayers.slice(0, i).map((outer) => `./model-server/${outer}/**`)],
    message: `model-server/${layer} must not import an outer layer (${modelServerLayers.join(' → ')}).`,
  })),
  {
    target: './model-server',
    from: [...productDirs, 'infra', 'test', 'bench'].map((dir) => `./${dir}`),
    message: 'The model server is a separate program: it must not import the product, its tests or its tooling.',
  },
  ...productDirs.map((dir) => ({
    target: `./${dir}`,
    from: './model-server',
    message:
      'The product reaches the model server over HTTP only; tests, benchmarks and infra/harness.ts may import it.',
  })),
];

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
    settings: {
      // Imports name the emitted `.js`; resolving them to the `.ts` source lets the import rules see every edge.
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.js', '.json'], extensionAlias: { '.js': ['.ts', '.js'] } }),
      ],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: modelServerZones }],
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
);
