import { cp, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES } from "./cli.js";
import { podmanBuild, runTool } from "./podman.js";

/**
 * Images made from Go binaries built on the host (fast, and cgo works with the host's gcc) and a
 * hand-written Dockerfile: how tests make deliberately wrong images. Temp dirs and tags are
 * recorded in `dirs` and `images` for the test's cleanup.
 */
export class BinaryImages {
  readonly dirs: string[] = [];
  readonly images: string[] = [];
  private binaries = "";

  constructor(private readonly prefix: string) {}

  /** `go build -trimpath -ldflags="-s -w"` of a test/fixtures module into the shared binaries dir. */
  async hostBuild(fixture: string, output: string, cgo = false): Promise<void> {
    if (this.binaries === "") {
      this.binaries = await mkdtemp(join(tmpdir(), `slimgo-${this.prefix}-bin-`));
      this.dirs.push(this.binaries);
    }
    await runTool("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", join(this.binaries, output), "."], {
      cwd: join(FIXTURES, fixture),
      env: { CGO_ENABLED: cgo ? "1" : "0", GOFLAGS: "", GOWORK: "off", GOPROXY: "off" },
      timeoutMs: 180_000,
    });
  }

  /**
   * Builds a context holding the host-built binaries plus `extra` files, with `dockerfile`. By default
   * (`layers: false`) buildah commits one layer for the whole build; `layers: true` gives one per
   * instruction, as `podman build` does by default.
   */
  async build(name: string, dockerfile: string, extra: Record<string, string> = {}, layers = false): Promise<string> {
    const context = await mkdtemp(join(tmpdir(), `slimgo-${this.prefix}-${name}-`));
    this.dirs.push(context);
    if (this.binaries !== "") await cp(this.binaries, context, { recursive: true });
    for (const [file, content] of Object.entries(extra)) await writeFile(join(context, file), content);
    await writeFile(join(context, "Dockerfile"), dockerfile);
    const tag = `localhost/slimgo-test/${this.prefix}-${name}:latest`;
    this.images.push(tag);
    await podmanBuild({ context, tag, format: "docker", noCache: true, layers });
    return tag;
  }
}
