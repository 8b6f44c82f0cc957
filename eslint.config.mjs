// Lint: type-aware rules catch un-awaited promises; workflows may not import Node built-ins (determinism).
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'worker_threads', 'dns'];

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'test-output/**', 'dist/**', '*.js', '*.mjs', '*.cjs'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Migrations use Kysely<any> on purpose (frozen in time); tests read untyped JSON answers.
    files: ['src/db/migrat*.ts', 'src/db/migrations/**/*.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: nodeBuiltins.flatMap((m) => [m, `node:${m}`]), patterns: ['node:*'] },
      ],
    },
  },
);
