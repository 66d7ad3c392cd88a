// `cachesim report <folder>`: writes report.html (and each chart as SVG) for a run's, a sweep's or
// `cachesim mrc`'s report folder.
import path from "node:path";
import type { CommandModule } from "yargs";
import { SEQUENCE_ROWS_OPTION, sequenceRowsFrom } from "./sequenceRows.ts";

interface ReportArgs {
  folder: string;
  out?: string;
  quiet: boolean;
  "sequence-rows": string;
}

export function reportCommand(setExitCode: (code: number) => void): CommandModule<object, ReportArgs> {
  return {
    command: "report <folder>",
    describe: "write report.html with charts (and each chart as SVG) for a run, sweep or mrc folder",
    builder: (y) =>
      y
        .positional("folder", {
          type: "string",
          demandOption: true,
          describe: "a run's, a sweep's or an mrc report folder",
        })
        .option("out", {
          type: "string",
          describe: "write the HTML and SVGs here instead of into the folder",
        })
        .option("sequence-rows", SEQUENCE_ROWS_OPTION)
        .option("quiet", { type: "boolean", default: false, describe: "print only failures" }) as never,
    handler: async (args) => {
      const { writeHtmlReport } = await import("../report/html/writeReport.ts");
      const rows = sequenceRowsFrom(args["sequence-rows"]);
      if (typeof rows === "string") {
        console.error(`cachesim report: ${rows}`);
        setExitCode(2);
        return;
      }
      try {
        const files = await writeHtmlReport(args.folder, args.out, { sequenceRowsMax: rows });
        if (!args.quiet) {
          const dir = args.out ?? args.folder;
          console.log(
            `report: ${path.join(dir, files[0] ?? "")} (${files.length - 1} charts, also as SVG in ${dir})`,
          );
        }
        setExitCode(0);
      } catch (error) {
        if (error instanceof Error && (error.name === "ReportError" || error.name === "OutputDirError")) {
          console.error(`cachesim report: ${error.message}`);
          setExitCode(error.name === "ReportError" ? 2 : 1);
          return;
        }
        throw error;
      }
    },
  };
}
