// @vitest-environment node
// The layer rule of eslint.config.js, run through ESLint's Node API on deliberate bad imports:
// proof that it fails where it should (and only there), without leaving a bad import in src/.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";

const frontend = fileURLToPath(new URL("..", import.meta.url));
const eslint = new ESLint({ cwd: frontend });

/** The no-restricted-imports messages ESLint reports for `code` saved as src/<file>. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${frontend}src/${file}` });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === "no-restricted-imports")
    .map((m) => m.message);
}

describe("the app/ -> features/ -> api/, ui/, lib/ boundary rule", () => {
  it.each([
    ["features/settings/Bad.tsx", "@/app/AppLayout", "features/ must not import app/"],
    ["ui/Bad.tsx", "@/features/auth/context", "ui/ must not import features/"],
    ["ui/Bad.tsx", "@/api/client", "ui/ must not import api/"],
    ["api/bad.ts", "@/ui/primitives", "api/ must not import ui/"],
    ["api/bad.ts", "@/features/tasks/api", "api/ must not import features/"],
    ["lib/bad.ts", "@/api/client", "lib/ must not import api/"],
    ["lib/bad.ts", "@/app/router", "lib/ must not import app/"],
    ["features/tasks/bad.ts", "../../app/router", "Import another folder through its @/ path."],
  ])("%s importing %s is an error", async (file, from, message) => {
    const errors = await boundaryErrors(
      file,
      `import { x } from "${from}";\nexport const y = x;\n`,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });

  it.each([
    [
      "app/Good.tsx",
      ["@/features/tasks/TaskListPage", "@/api/client", "@/ui/primitives", "@/lib/cn"],
    ],
    [
      "features/settings/Good.tsx",
      ["@/features/auth/context", "@/api/client", "@/ui/primitives", "@/lib/cn", "./ThemeSwitch"],
    ],
    ["ui/Good.tsx", ["@/lib/cn", "./primitives"]],
    ["api/good.ts", ["@/lib/dates", "./client"]],
  ])("%s may import %j", async (file, froms) => {
    const code = froms.map((f, i) => `import { x${i} } from "${f}";\nexport const y${i} = x${i};`);
    expect(await boundaryErrors(file, code.join("\n") + "\n")).toEqual([]);
  });

  it("covers every folder under src/: each one but app/ (the top) and test/ is barred from app/", async () => {
    const src = fileURLToPath(new URL(".", import.meta.url));
    const folders = readdirSync(src, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(folders).toEqual(expect.arrayContaining(["app", "features", "api", "ui", "lib"]));
    for (const folder of folders.filter((f) => f !== "app" && f !== "test")) {
      const errors = await boundaryErrors(
        `${folder}/probe.ts`,
        'import { x } from "@/app/router";\n',
      );
      expect(errors, `${folder}/ has no layer in eslint.config.js`).toHaveLength(1);
    }
  });
});
