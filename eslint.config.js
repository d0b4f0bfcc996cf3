// Lint: type-aware checks for async mistakes, and the determinism boundary — workflow code and
// the packages bundled into the workflow sandbox may not import Node built-ins or I/O packages.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]);
const nonWorkflowPackages = ['activity', 'client', 'worker', 'engine', 'embedded', 'transport', 'storage', 'store-sqlite', 'testing', 'server'].flatMap((p) => [
  `@endure/${p}`,
  `@endure/${p}/*`,
]);

export default tseslint.config(
  // packaging/projects: example user projects, type-checked by their own tools in the packing test.
  { ignores: ['**/dist/**', '**/node_modules/**', 'scripts/**', '*.config.js', '**/lint-fixtures/**', 'packages/packaging/projects/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Code that runs inside the deterministic workflow sandbox.
    files: ['packages/workflow/src/**/*.ts', 'packages/common/src/**/*.ts', '**/workflows.ts', '**/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeBuiltins, ...nonWorkflowPackages],
              message: 'Workflow code runs in a deterministic sandbox: no Node built-ins or I/O packages. Move this into an activity (type-only imports are fine).',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
