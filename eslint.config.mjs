// ESLint flat config: Next.js rules + typescript-eslint (recommended + a few
// type-aware rules). Plain JS files (scripts/*.mjs, configs) are linted without
// type information. eslint-plugin-regexp rejects expressions that backtrack
// or move super-linearly: many run on untrusted text (DLQ entries, requests).
import { defineConfig, globalIgnores } from "eslint/config";
import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import regexpPlugin from "eslint-plugin-regexp";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores([
    ".next/**",
    "out/**",
    "build/**",
    "node_modules/**",
    "bench/peers/**",
    "coverage/**",
    "playwright-report/**",
    "test-results/**",
    "next-env.d.ts",
  ]),

  // Next.js (react, react-hooks, import, jsx-a11y, @next/next core-web-vitals).
  ...nextCoreWebVitals,

  tseslint.configs.recommended,

  {
    files: ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts"],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-explicit-any": "error",
    },
  },

  {
    plugins: { regexp: regexpPlugin },
    rules: {
      "regexp/no-super-linear-backtracking": "error",
      "regexp/no-super-linear-move": "error",
      "regexp/no-misleading-capturing-group": "error",
    },
  },

  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          args: "after-used",
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
        },
      ],
    },
  },

  // Sizes that keep a file readable in one sitting and a function on one
  // screen: 300 lines a file, 50 a function; components may reach 80 (markup
  // is tall), benchmarks 60 (a scenario measures, prints and reports). Blank
  // lines and comments do not count, nor does an immediately invoked function
  // (a scope, such as an in-page script's). Tests are lists of cases inside a
  // describe callback: only the file size applies to them.
  {
    rules: {
      "max-lines": ["error", { max: 300, skipBlankLines: true, skipComments: true }],
      "max-lines-per-function": ["error", { max: 50, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ["components/**"],
    rules: {
      "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ["bench/**"],
    rules: {
      "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ["tests/**"],
    rules: { "max-lines-per-function": "off" },
  },

  // lib/ is the product: it never reaches into the UI, the demo or the
  // harnesses around it (the `@/` alias or a relative path alike).
  {
    files: ["lib/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?:@/|(?:\\.\\./)+)(?:app|components|demo|scripts|tests|bench)(?:/|$)",
              caseSensitive: true,
              message: "lib/ must not import app/, components/, demo/, scripts/, tests/ or bench/.",
            },
          ],
        },
      ],
    },
  },

  // Client components get types from lib/, never its server code: only the
  // response-shape modules (no server imports) may be imported as values.
  {
    files: ["components/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^@/lib/(?!(?:http|queues|metrics|cache)/types$)",
              caseSensitive: true,
              allowTypeImports: true,
              message:
                "Components may import values only from @/lib/{http,queues,metrics,cache}/types; use `import type` for other lib/ modules.",
            },
            {
              regex: "^(?:\\.\\./)+lib(?:/|$)",
              caseSensitive: true,
              message: "Import lib/ modules through the @/lib/ alias.",
            },
          ],
        },
      ],
    },
  },

  // Not React code: vitest fixtures (`use(...)`) and helpers named `useXxx`
  // trip react-hooks/rules-of-hooks.
  {
    files: ["tests/**", "scripts/**", "bench/**", "demo/**"],
    rules: {
      "react-hooks/rules-of-hooks": "off",
    },
  },

  // Plain JS: no type information available.
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs", "**/*.jsx"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
