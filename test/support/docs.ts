// Test support: the documentation's pages, read the way the tests that check them need them.
import { readdirSync, readFileSync } from "node:fs";

/** A chapter under docs/ by its name (`docs/<name>.md`). */
export function readChapter(name: string): string {
  return readFileSync(`docs/${name}.md`, "utf8");
}

/** The front page. */
export function readFrontPage(): string {
  return readFileSync("README.md", "utf8");
}

/** Every markdown page: the front page first, then the chapters in name order. */
export function allPages(): Array<{ file: string; text: string }> {
  const chapters = readdirSync("docs")
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`);
  return ["README.md", ...chapters].map((file) => ({ file, text: readFileSync(file, "utf8") }));
}
