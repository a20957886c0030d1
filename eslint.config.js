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
        {
          group: ['**/worker/*', '**/client/*', '**/infra/*', '**/storage/*'],
          message: `${layer} must not import outer layers or storage.`,
        },
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
 * SQL lives in storage/ (one module per table family) and in the migrations (infra/migrations,
 * platform/migrations.ts), nowhere else: no SQL text in a string, no `.query(` with a statement or
 * with parameters. Temporal's `handle.query(someQuery)` (one argument, not a string) passes; a
 * Temporal query with arguments needs an eslint-disable comment saying so. Tests under test/ are
 * exempt: they verify what was stored (e.g. the secrets scan of every table) with their own SQL.
 */
const sqlText =
  '/\\b(SELECT\\s[\\s\\S]*\\sFROM|INSERT\\s+INTO|UPDATE\\s+\\w+\\s+SET|DELETE\\s+FROM|ON\\s+CONFLICT|(CREATE|DROP|ALTER|TRUNCATE)\\s+(TABLE|SCHEMA|INDEX|FUNCTION)|GRANT\\s+\\w+|WITH\\s+RECURSIVE)\\b|^\\s*(BEGIN|COMMIT|ROLLBACK)\\s*;?\\s*$/';
const sqlMessage = 'SQL belongs in storage/ (or a migration); call a storage function instead.';
const noSqlOutsideStorage = {
  'no-restricted-syntax': [
    'error',
    { selector: `Literal[value=${sqlText}]`, message: sqlMessage },
    { selector: `TemplateElement[value.raw=${sqlText}]`, message: sqlMessage },
    {
      selector: "CallExpression[callee.property.name='query'][arguments.0.type=/^(Literal|TemplateLiteral)$/]",
      message: sqlMessage,
    },
    {
      selector: "CallExpression[callee.property.name='query'][arguments.length>1]",
      message: `${sqlMessage} (A Temporal query with arguments: disable this line with a comment saying so.)`,
    },
  ],
  'no-restricted-imports': [
    'error',
    {
      paths: [
        {
          name: 'pg',
          message: 'Only platform/ (the pool, migrations) uses pg; database access goes through storage/.',
        },
      ],
    },
  ],
};

/**
 * The model server's layers, outermost first: a layer may import the layers after it, never one
 * before it (`server` → `backends` → `sim` → `families` → `base`). The entry points at its root
 * (`main.ts`, `generate-dataset.ts`) may import any layer. It shares no code with the product.
 */
const modelServerLayers = ['server', 'backends', 'sim', 'families', 'base'];
const productDirs = ['core', 'workflows', 'activities', 'storage', 'platform', 'worker', 'client'];

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

/**
 * contracts/ is what crosses process boundaries; client, workers, workflows and activities import
 * it, so it stays deterministic: core/ and Temporal's define* helpers only.
 */
const contractsRules = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        ...[...nodeBuiltins, ...ioModules].map((name) => ({
          name,
          message: 'contracts/ must stay free of I/O and Node built-ins: workflow code imports it.',
        })),
        {
          name: '@temporalio/workflow',
          allowImportNames: ['defineSignal', 'defineQuery', 'defineUpdate'],
          message: "contracts/ may use @temporalio/workflow's define* helpers only.",
        },
        {
          name: '@temporalio/common',
          allowImportNames: ['defineSearchAttributeKey', 'SearchAttributeType'],
          message: 'contracts/ may use @temporalio/common for search attribute keys only.',
        },
      ],
      patterns: [
        {
          group: [
            '**/activities/*',
            '**/workflows/*',
            '**/worker/*',
            '**/client/*',
            '**/infra/*',
            '**/platform/*',
            '**/storage/*',
          ],
          message: 'contracts/ imports core/ only: every other layer imports contracts/.',
        },
      ],
    },
  ],
  'no-restricted-globals': forbidIo('contracts/')['no-restricted-globals'],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', '.venv/**', '.bench-venv/**', 'bench/out/**', '**/*.html'] },
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
  {
    files: ['**/*.ts'],
    ignores: ['storage/**', 'platform/**', 'test/**'],
    rules: noSqlOutsideStorage,
  },
  {
    files: ['platform/**/*.ts'],
    ignores: ['platform/migrations.ts'],
    rules: { 'no-restricted-syntax': noSqlOutsideStorage['no-restricted-syntax'] },
  },
  {
    files: ['storage/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/activities/*', '**/client/*', '**/worker/*', '**/workflows/*', '**/infra/*', '**/bench/*'],
              message:
                'storage/ imports only core/, contracts/ and platform/: it is used by activities, the client and benchmarks.',
            },
          ],
        },
      ],
    },
  },
  {
    // The service runtime (promptevo/runtime) is imported by services: no Temporal, no local model
    // runtime, no worker or client code; it reads the registry through storage/ only.
    files: ['runtime/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...noSqlOutsideStorage['no-restricted-imports'][1].paths,
            { name: 'node-llama-cpp', message: 'The runtime calls models over HTTP only.' },
            { name: 'pino', message: 'The runtime logs through the logger its service gives it.' },
          ],
          patterns: [
            { group: ['@temporalio/*'], message: 'The runtime must not depend on Temporal.' },
            {
              group: [
                '**/activities/*',
                '**/workflows/*',
                '**/worker/*',
                '**/client/*',
                '**/infra/*',
                '**/contracts/*',
              ],
              message: 'The runtime imports only core/, storage/ and platform/db (see the import-graph test).',
            },
          ],
        },
      ],
    },
  },
  { files: ['core/**/*.ts'], rules: forbidIo('core/', ['@temporalio/workflow']) },
  { files: ['workflows/**/*.ts'], rules: forbidIo('workflows/') },
  { files: ['contracts/**/*.ts'], rules: contractsRules },
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
