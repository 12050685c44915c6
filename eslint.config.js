// ESLint with typescript-eslint's type-aware rules, plus the project's own rules (STYLE.md): the
// environment and the process exit belong to the entry points, output goes through CliContext or the
// logger, and `any` needs a reason.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Files allowed to touch process-wide state: the entry points. */
const ENTRY_POINTS = ['src/primitives/library-env.ts', 'src/cli/context.ts', 'src/devcluster/**', 'src/hook/main.ts', 'src/gateway/main.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'prebuilds/**', 'node_modules/**', '.python-env/**', '.dev-cluster/**', 'bench/**', 'scripts/**', 'python/**', 'docker/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
      // An async function turns a synchronous throw into a rejection, which callers rely on.
      '@typescript-eslint/require-await': 'off',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Return an exit code from main() instead; only bin/ sets process.exitCode.' },
        { object: 'process', property: 'env', message: 'Read the environment in an entry point and pass it down (CliContext.env).' },
      ],
    },
  },
  { files: ENTRY_POINTS, rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'Return an exit code from main() instead.' }] } },
  {
    // Tests may read the environment, build loose fixtures and leave a promise to vitest.
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-properties': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
);
