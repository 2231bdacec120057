// The literal-string guard (eslint.config.js) covers every source file but the tests and the
// generated API client: a literal in a new screen fails the lint; the not-yet list only shrinks.
import { existsSync } from "node:fs";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { NOT_YET } from "../../eslint.config.js";

const eslint = new ESLint({ cwd: `${__dirname}/../..` });

async function errors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => m.message);
}

const LITERAL = `export function P() { return <p title="Hello there">Good morning</p>; }\n`;
const TRANSLATED = `import { useTranslation } from "react-i18next";\nexport function P() { const { t } = useTranslation(); return <p title={t("a")}>{t("b")} ▲<input placeholder="WO-2001" /></p>; }\n`;

describe("the literal-string lint", () => {
  it.each(["src/pages/SomeNewPage.tsx", "src/components/x/Box.tsx", "src/pages/workorders/WorkOrdersPage.tsx", "src/lib/thing.tsx"])(
    "fails a literal text and title in %s",
    async (path) => {
      expect(await errors(path, LITERAL)).toHaveLength(2);
      expect(await errors(path, TRANSLATED)).toEqual([]);
    },
  );
  it("leaves the tests and the generated API code alone", async () => {
    expect(await errors("src/pages/SomeNewPage.test.tsx", LITERAL)).toEqual([]);
    expect(await errors("src/api/generated/x.tsx", LITERAL)).toEqual([]);
  });
  it("lists only screens that exist as not yet translated", () => {
    for (const path of NOT_YET) expect([path, existsSync(`${__dirname}/../../${path}`)]).toEqual([path, true]);
  });
});
