// Guards the documentation as a whole: the front page stays a front page that links every chapter, every
// relative link and anchor in README.md and docs/*.md resolves, and the two stories' trace excerpts on the
// front page are what the scenarios really write (their golden trace.csv, itself checked against a fresh run).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { allPages, readFrontPage } from "./support/docs.ts";

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, "")
    .replace(/ /g, "-");
}

function anchorsIn(text: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const m = /^#{1,6} (.*)$/.exec(line);
    if (m && !fenced) anchors.add(anchorOf(m[1] as string));
  }
  return anchors;
}

const pages = allPages();

describe("documentation", () => {
  it("has a front page of at most 300 lines that links every chapter", () => {
    const front = readFrontPage();
    expect(front.split("\n").length).toBeLessThanOrEqual(300);
    const chapters = pages.filter((p) => p.file.startsWith("docs/"));
    expect(chapters.length).toBeGreaterThanOrEqual(10);
    for (const { file } of chapters) expect(front, file).toContain(`](${file}`);
  });

  it("has no relative link or anchor that leads nowhere", () => {
    const broken: string[] = [];
    const texts = new Map(pages.map((p) => [p.file, p.text]));
    for (const { file, text } of pages) {
      const body = text.replace(/```[\s\S]*?```/g, "");
      for (const m of body.matchAll(/\]\(([^)\s]+)\)/g)) {
        const link = m[1] as string;
        if (/^[a-z]+:/.test(link)) continue;
        const [target, anchor] = link.split("#") as [string, string | undefined];
        const resolved = target === "" ? file : path.normalize(path.join(path.dirname(file), target));
        if (!existsSync(resolved)) {
          broken.push(`${file}: ${link} (no file ${resolved})`);
          continue;
        }
        if (anchor !== undefined) {
          const targetText = texts.get(resolved) ?? readFileSync(resolved, "utf8");
          if (!anchorsIn(targetText).has(anchor)) broken.push(`${file}: ${link} (no heading #${anchor})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it("shows the stories' traces as the scenarios write them", () => {
    const front = readFrontPage();
    const blocks = [...front.matchAll(/```\n(time_us,node,op[^\n]*\n[\s\S]*?)```/g)].map(
      (m) => m[1] as string,
    );
    expect(blocks.length).toBe(2);
    const [local, global] = blocks as [string, string];
    expect(local).toBe(readFileSync("test/golden/local-stale/trace.csv", "utf8"));
    const shown = global.split("\n").filter((line) => line !== "" && line !== "...");
    const golden = readFileSync("test/golden/global-coordinator/trace.csv", "utf8").split("\n");
    expect(shown.length).toBeGreaterThan(3);
    expect(shown).toEqual(golden.slice(0, shown.length));
  });
});
