import { statSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import { inputError } from "../../errors.js";
import { colorEnabled } from "../output.js";
import { imageSourceOptions, IMAGE_SOURCES_HELP, outputFor, withCommonOptions, withImageSourceOptions, type CommonOptions, type ImageSourceFlags } from "../common.js";

interface InspectFlags extends CommonOptions, ImageSourceFlags {
  tree?: boolean;
  html?: string;
}

export function registerInspect(program: Command): void {
  const cmd = program
    .command("inspect")
    .summary("show what is in an image: layers, config, Go binaries, where the bytes go")
    .description(
      `Opens IMAGE and reports its digest, platform(s), sizes, each layer with the instruction that made it and the files it added, changed and removed, the config (secret-looking env values masked), every Go binary with its build information and run-time needs, and the bytes wasted on files later layers replace.\n\n${IMAGE_SOURCES_HELP}`,
    )
    .argument("<image>", "image reference");
  withImageSourceOptions(cmd, "pick one platform from an index (default: every platform, reported separately)")
    .option("--tree", "also list the final file tree with sizes")
    .option("--html <file>", "write a self-contained HTML report (treemaps and verify results) to FILE");
  withCommonOptions(cmd, { readsConfig: false })
    .addHelpText(
      "after",
      `
Examples:
  slimgo inspect oci:./out:app                 an OCI layout
  slimgo inspect podman:localhost/app:dev      an image in local podman storage
  slimgo inspect ghcr.io/org/app:1.4 --platform linux/arm64
  slimgo inspect docker-archive:app.tar --html report.html`,
    )
    .action(async (image: string, flags: InspectFlags) => {
      const { inspectReference, formatInspectText, formatInspectHtml } = await import("../../inspect/index.js");
      const { writeFilesAtomically } = await import("../../fsutil/atomic-write.js");
      const out = outputFor(flags);
      // Checked before the image is read, which can take a while: a typo should not cost a pull.
      if (flags.html !== undefined) checkWritableDir(flags.html);
      const { result, verify } = await inspectReference(image, {
        ...imageSourceOptions(flags, out),
        tree: flags.tree === true,
        verify: flags.html !== undefined,
      });
      if (flags.html !== undefined) {
        await writeFilesAtomically([{ path: flags.html, content: formatInspectHtml(result, verify) }]).catch((err: NodeJS.ErrnoException) => {
          throw inputError(`--html ${flags.html}: cannot write the report (${err.code ?? err.message}): check the directory exists and is writable`, { file: flags.html });
        });
        out.info(`wrote ${flags.html}`);
      }
      if (flags.json) out.json(result);
      else process.stdout.write(formatInspectText(result, colorEnabled(process.stdout, process.env) ? out.color : undefined));
    });
}

function checkWritableDir(file: string): void {
  const dir = dirname(file);
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() !== true) {
    throw inputError(`--html ${file}: ${dir} is not a directory: create it first, or write the report elsewhere`, { file });
  }
}
