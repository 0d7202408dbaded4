import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import reactRefresh from "eslint-plugin-react-refresh";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * The web app's one-way layers: app/ -> features/ -> api/, ui/, lib/ (frontend/README.md).
 * Each folder under src/ and the folders its files must not import. Features may use each other
 * (settings uses the auth context); api/, ui/ and lib/ know no feature and no app shell.
 * src/boundaries.test.ts lints deliberate bad imports against this rule and checks that every
 * folder under src/ is listed here.
 */
const LAYERS = {
  app: [],
  features: ["app"],
  api: ["app", "features", "ui"],
  ui: ["app", "features", "api"],
  lib: ["app", "features", "api", "ui"],
  test: [],
};

const layerRules = Object.entries(LAYERS).map(([layer, forbidden]) => ({
  files: [`src/${layer}/**/*.{ts,tsx}`],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          // A relative path out of the folder would slip past the layer names below.
          { group: ["../*"], message: "Import another folder through its @/ path." },
          ...forbidden.map((f) => ({
            group: [`@/${f}`, `@/${f}/*`],
            message: `${layer}/ must not import ${f}/: layers go app/ -> features/ -> api/, ui/, lib/ (see frontend/README.md).`,
          })),
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ["dist", "node_modules", "src/api/schema.d.ts", "coverage"] },
  {
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    files: ["**/*.{ts,tsx}"],
    languageOptions: { ecmaVersion: 2022, globals: { ...globals.browser, ...globals.node } },
    plugins: { "react-hooks": reactHooks, "react-refresh": reactRefresh },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "react-refresh/only-export-components": ["warn", { allowConstantExport: true }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "no-console": ["error", { allow: ["warn", "error"] }],
    },
  },
  {
    // Entry points and the route table are not hot-reloaded component modules.
    files: ["src/main.tsx", "src/app/router.tsx"],
    rules: { "react-refresh/only-export-components": "off" },
  },
  ...layerRules,
  {
    files: ["e2e/**/*.ts", "scripts/**/*.ts", "src/test/**/*.{ts,tsx}", "src/**/*.test.{ts,tsx}"],
    rules: {
      "react-refresh/only-export-components": "off",
      "no-console": "off",
      "react-hooks/rules-of-hooks": "off",
    },
  },
);
