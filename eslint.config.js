// ESLint for the TypeScript side (tests, tasks, scripts, deploy modules). Type-aware rules are
// off so that lint runs before the first compile has generated the typechain bindings;
// `npm run typecheck` (tsc) checks the types.
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "artifacts/",
      "cache/",
      "types/",
      "coverage/",
      "deploy/deployments/",
      "web/dist/",
      "web/src/chain/abi.ts",
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: "readonly", process: "readonly", URL: "readonly" },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-unused-expressions": "off",
      eqeqeq: "error",
      "no-console": "off",
    },
  },
);
