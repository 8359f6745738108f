/** Small hand-built ImageViews for unit tests of single checks. */
import type { GoBinaryInfo } from "../../src/gobinary/index.js";
import type { ContainerConfig, FileEntry, GoBinaryInImage, HistoryEntry, ImageView, Platform } from "../../src/verify/image-view.js";

export type FakeFile =
  | string
  | { content?: string | Buffer; mode?: number; uid?: number; gid?: number; size?: number }
  | { dir: true; mode?: number; uid?: number; gid?: number }
  | { symlink: string }
  | { hardlink: string };

export interface FakeImage {
  platform?: Platform;
  config?: ContainerConfig;
  history?: HistoryEntry[];
  /** Image path → a file's content (mode 0644), or details. Parent directories are implied. */
  files?: Record<string, FakeFile>;
  goBinaries?: GoBinaryInImage[];
  compressedSize?: number;
  layersCompressed?: boolean;
}

export function fakeView(image: FakeImage): ImageView {
  const files = new Map<string, FileEntry>();
  const contents = new Map<string, Buffer>();
  for (const [path, spec] of Object.entries(image.files ?? {})) {
    if (typeof spec === "string" || "content" in spec || (!("dir" in spec) && !("symlink" in spec) && !("hardlink" in spec))) {
      const s = typeof spec === "string" ? { content: spec } : (spec as { content?: string | Buffer; mode?: number; uid?: number; gid?: number; size?: number });
      const data = Buffer.from(s.content ?? "");
      contents.set(path, data);
      files.set(path, { type: "file", mode: s.mode ?? 0o644, size: s.size ?? data.length, uid: s.uid ?? 0, gid: s.gid ?? 0 });
    } else if ("dir" in spec) {
      files.set(path, { type: "dir", mode: spec.mode ?? 0o755, size: 0, uid: spec.uid ?? 0, gid: spec.gid ?? 0 });
    } else if ("symlink" in spec) {
      files.set(path, { type: "symlink", mode: 0o777, size: 0, uid: 0, gid: 0, linkTarget: spec.symlink });
    } else {
      files.set(path, { type: "hardlink", mode: 0o644, size: 0, uid: 0, gid: 0, linkTarget: spec.hardlink });
    }
  }
  for (const b of image.goBinaries ?? []) {
    if (!files.has(b.path)) files.set(b.path, { type: "file", mode: 0o755, size: b.info.size, uid: 0, gid: 0 });
  }
  let uncompressedSize = 0;
  for (const entry of files.values()) uncompressedSize += entry.type === "file" ? entry.size : 0;
  return {
    platform: image.platform ?? { os: "linux", architecture: "amd64" },
    config: image.config ?? {},
    history: image.history ?? [],
    files,
    readFile: async (path, maxBytes) => (files.get(path)?.type === "file" ? (contents.get(path) ?? Buffer.alloc(0)).subarray(0, maxBytes) : undefined),
    goBinaries: image.goBinaries ?? [],
    ...(image.compressedSize === undefined ? {} : { compressedSize: image.compressedSize }),
    ...(image.layersCompressed === undefined ? {} : { layersCompressed: image.layersCompressed }),
    uncompressedSize,
  };
}

export interface FakeBinary {
  goarch?: string;
  goos?: string;
  interpreter?: string;
  needed?: string[];
  tlsClient?: boolean;
  zoneinfo?: boolean;
  embeddedTzdata?: boolean;
  tempFiles?: boolean;
  osUser?: boolean;
  /** Import path of the main package (cmd/go for the go command). */
  mainPath?: string;
  packages?: string[];
}

const need = (linked: boolean | undefined, fn: string) => ({ linked: linked === true, evidence: linked ? [fn] : [] });

/** A GoBinaryInfo with the facts a test is about; a static amd64 binary with no needs by default. */
export function goBinary(path: string, facts: FakeBinary = {}): GoBinaryInImage {
  const dynamic = facts.interpreter !== undefined || (facts.needed?.length ?? 0) > 0;
  const info: GoBinaryInfo = {
    file: path,
    size: 2_000_000,
    elf: {
      class: 64,
      endianness: "little",
      type: "exec",
      machine: facts.goarch === "arm64" ? "aarch64" : "x86_64",
      machineCode: facts.goarch === "arm64" ? 183 : 62,
      goarch: facts.goarch ?? "amd64",
      entry: 0x401000,
      linking: dynamic ? "dynamic" : "static",
      ...(facts.interpreter === undefined ? {} : { interpreter: facts.interpreter }),
      needed: facts.needed ?? [],
      stripped: true,
      debugInfo: false,
      sections: [],
      segments: [],
    },
    goVersion: "go1.19.8",
    buildInfo: {
      goVersion: "go1.19.8",
      path: facts.mainPath ?? "example.com/app",
      deps: [],
      settings: [],
      known: { trimpath: true, ...(facts.goos === undefined ? { goos: "linux" } : { goos: facts.goos }) },
    },
    linked: { tableVersion: "1.18", functionCount: 1000, packages: facts.packages ?? [] },
    runtime: {
      x509Roots: need(facts.tlsClient, "crypto/x509.loadSystemRoots"),
      tlsClient: need(facts.tlsClient, "crypto/tls.(*Conn).clientHandshake"),
      zoneinfo: { ...need(facts.zoneinfo, "time.LoadLocation"), embeddedTzdata: facts.embeddedTzdata === true, tzdataEvidence: [], localTime: false },
      tempFiles: need(facts.tempFiles, "os.CreateTemp"),
      osUser: { ...need(facts.osUser, "os/user.Current"), lookup: "pure" },
      cgoResolver: need(false, ""),
    },
    warnings: [],
  };
  return { path, info };
}
