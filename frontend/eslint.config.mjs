// ESLint flat config: recommended JS + type-aware TypeScript rules + Lit.
import js from "@eslint/js";
import lit from "eslint-plugin-lit";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dev/vendor/"] },
  js.configs.recommended,
  {
    files: ["src/**/*.ts"],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { lit },
    rules: {
      ...lit.configs.recommended.rules,
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      // Lit event bindings are arrow functions that call a method.
      "@typescript-eslint/no-confusing-void-expression": "off",
    },
  },
  {
    files: ["*.mjs", "dev/**/*.mjs"],
    languageOptions: { globals: globals.node },
  },
  {
    files: ["dev/**/*.js"],
    languageOptions: { globals: globals.browser },
  },
);
