// The flat ESLint config every package shares. Syntax-level rules only (no type-aware linting): `pnpm typecheck`
// is the type gate, and this stays fast enough to run on every commit.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["**/node_modules/**", "**/dist/**", "**/runs/**", "**/.turbo/**", "**/__fixtures__/**", "bench-results/**", "**/*.min.js"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: "readonly", process: "readonly", Buffer: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", AbortController: "readonly", AbortSignal: "readonly", TextEncoder: "readonly", TextDecoder: "readonly", fetch: "readonly", performance: "readonly", structuredClone: "readonly", queueMicrotask: "readonly", setImmediate: "readonly" },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "off",
      // instanceof fails for an error from a second copy of @muffler/core; isMufflerError checks its Symbol.for marker.
      "no-restricted-syntax": [
        "error",
        {
          selector: "BinaryExpression[operator='instanceof'][right.name='MufflerError']",
          message: "Use isMufflerError(error) (it survives two copies of @muffler/core); instanceof does not.",
        },
      ],
    },
  },
);
