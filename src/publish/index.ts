import { execFileSync } from "node:child_process";
import type { BuiltProgram } from "../build/index.js";
import { inputError } from "../errors.js";
import { daemonPublisher } from "./daemon.js";
import { ociLayoutPublisher } from "./oci-layout.js";
import { tarballPublisher } from "./tarball.js";
import { writeFailure } from "./local-outputs.js";
import type { Published, Publisher } from "./types.js";
import { SPDX_MEDIA_TYPE } from "../sbom/artifact.js";
import { imageNameOf } from "../image/reference.js";

export type { Published, Publisher } from "./types.js";
export { checkLocalOutputs, writeFailure } from "./local-outputs.js";
export { ociLayoutPublisher, tarballPublisher, daemonPublisher };

export interface DestinationFlags {
  push?: string;
  ociLayout?: string;
  tarball?: string;
  load?: string | boolean;
  insecureRegistries?: string[];
  onProgress?: (message: string) => void;
}

export interface Destination {
  /** The publisher for one program's image (a push target per binary with several). */
  for(binary: string, several: boolean): Publisher;
  /** Registries go first: a push that fails then leaves nothing written locally. */
  remote: boolean;
}

export async function destinationsFor(flags: DestinationFlags): Promise<Destination[]> {
  const out: Destination[] = [];
  if (flags.push) {
    const push = flags.push;
    // The registry client loads only for builds that push: it would cost every other build start-up time.
    const { registryPublisher } = await import("./registry.js");
    out.push({
      remote: true,
      for: (binary, several) => registryPublisher(several ? `${push.replace(/\/+$/, "")}/${imageNameOf(binary)}` : push, { insecureRegistries: flags.insecureRegistries, onProgress: flags.onProgress }),
    });
  }
  if (flags.ociLayout) {
    const p = namingWriteFailures("--oci-layout", flags.ociLayout, ociLayoutPublisher(flags.ociLayout, flags.onProgress));
    out.push({ remote: false, for: () => p });
  }
  if (flags.tarball) {
    const file = flags.tarball;
    out.push({
      remote: false,
      for: (binary, several) => {
        const path = tarballPathFor(file, binary, several);
        return namingWriteFailures("--tarball", path, tarballPublisher(path));
      },
    });
  }
  if (flags.load) {
    const engine = flags.load === true ? localEngine() : flags.load;
    if (engine !== "podman" && engine !== "docker") throw inputError(`--load ${engine}: expected podman or docker`);
    const p = daemonPublisher(engine);
    out.push({ remote: false, for: () => p });
  }
  return out;
}

/** A publisher whose failed writes are errors naming the option and path (checkLocalOutputs finds most of them before the build). */
function namingWriteFailures(option: string, path: string, publisher: Publisher): Publisher {
  return {
    description: publisher.description,
    publish: (...args) => publisher.publish(...args).catch((err: unknown) => Promise.reject(writeFailure(option, path, err))),
  };
}

/** `--tarball FILE` with several programs writes one tarball per binary: app.tar → app-api.tar. */
export function tarballPathFor(file: string, binary: string, several: boolean): string {
  return several ? file.replace(/(\.tar)?$/, `-${binary}$1`) : file;
}

function localEngine(): "podman" | "docker" {
  for (const engine of ["podman", "docker"] as const) {
    try {
      execFileSync("sh", ["-c", `command -v ${engine}`], { stdio: "ignore" });
      return engine;
    } catch {
      // try the next one
    }
  }
  throw inputError("--load: neither podman nor docker is installed; use --tarball FILE and load it where one is");
}

/** Publishes every program to every destination, registries first; returns what each got. */
export async function publishAll(
  programs: BuiltProgram[],
  destinations: Destination[],
  options: { several: boolean; name?: string; tags: string[]; onProgress?: (m: string) => void; onWarning?: (m: string) => void },
): Promise<Published[][]> {
  const ordered = [...destinations].sort((a, b) => Number(b.remote) - Number(a.remote));
  const results: Published[][] = programs.map(() => []);
  for (const destination of ordered) {
    for (const [i, program] of programs.entries()) {
      const publisher = destination.for(program.main.binary, options.several);
      const name = options.name && !options.several ? options.name : `localhost/${imageNameOf(program.main.binary)}`;
      options.onProgress?.(`publishing ${program.main.binary} to ${publisher.description}`);
      const attachments = program.sboms.map((sbom) => ({ subject: sbom.subject, document: sbom.document, mediaType: SPDX_MEDIA_TYPE }));
      const published = await publisher.publish(program.image, name, options.tags, attachments);
      for (const n of published.notes ?? []) options.onProgress?.(`  note: ${n}`);
      for (const w of published.warnings ?? []) options.onWarning?.(w);
      results[i]!.push(published);
    }
  }
  return results;
}
