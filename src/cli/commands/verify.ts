import { Option, type Command } from "commander";
import { colorEnabled } from "../output.js";
import { imageSourceOptions, IMAGE_SOURCES_HELP, oneOf, outputFor, withCommonOptions, withImageSourceOptions, type CommonOptions, type ImageSourceFlags } from "../common.js";

interface VerifyFlags extends CommonOptions, ImageSourceFlags {
  maxSize?: string;
  shell?: boolean;
  packageManager?: boolean;
  format?: "text" | "json" | "sarif";
}

export function registerVerify(program: Command): void {
  const cmd = program
    .command("verify")
    .summary("prove an image runs its Go binaries the way the recipe says (exit 1 when a check fails)")
    .description(
      `Opens IMAGE and checks it against what its Go binaries need at run time (read from their build info and linked functions) and against what a production image must not carry: entrypoint and health check exist and need no missing shell, static binaries or the libc they need, the right architecture, a non-root user, CA certificates, zoneinfo, a writable /tmp, passwd entries, no toolchain, source or secrets.\n\n${IMAGE_SOURCES_HELP}`,
    )
    .argument("<image>", "image reference");
  withImageSourceOptions(cmd, "check one platform of an index (default: every platform)")
    .option("--max-size <size>", "fail when the image is larger, e.g. 20MB or 25MiB (compressed layers)")
    .option("--no-shell", "fail when the image contains a shell")
    .option("--no-package-manager", "fail when the image contains a package manager")
    .addOption(new Option("--format <format>", "text, json or sarif").argParser(oneOf(["text", "json", "sarif"] as const)).conflicts("json"));
  withCommonOptions(cmd, { readsConfig: false })
    .addHelpText(
      "after",
      `
Examples:
  slimgo verify oci:./out:app
  slimgo verify podman:localhost/app:dev --no-shell --max-size 20MB
  slimgo verify ghcr.io/org/app:1.4 --format sarif > verify.sarif

Exit codes: 0 every check passed or skipped, 1 a check failed, 2 bad reference or unreadable image.`,
    )
    .action(async (image: string, flags: VerifyFlags) => {
      const { verifyReference } = await import("../../inspect/index.js");
      const { formatJson, formatSarif, formatText, parseByteSize, verifyExitCode } = await import("../../verify/index.js");
      const { VERSION } = await import("../../version.js");
      const out = outputFor(flags);
      const maxSize = flags.maxSize === undefined ? undefined : parseByteSize(flags.maxSize);
      const reports = await verifyReference(image, {
        ...imageSourceOptions(flags, out),
        ...(maxSize === undefined ? {} : { maxSize }),
        // commander sets shell/packageManager to false for --no-shell / --no-package-manager.
        noShell: flags.shell === false,
        noPackageManager: flags.packageManager === false,
      });
      const format = flags.format ?? (flags.json ? "json" : "text");
      if (format === "json") out.jsonText(formatJson(reports));
      else if (format === "sarif") process.stdout.write(formatSarif(reports, { toolVersion: VERSION }));
      else process.stdout.write(formatText(reports, colorEnabled(process.stdout, process.env) ? out.color : undefined));
      process.exitCode = verifyExitCode(reports);
    });
}
