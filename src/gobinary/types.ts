/** What slimgo reads from an ELF file and from the Go data inside it. */
import type { Endianness } from "./view.js";

export type { Endianness };

export type ElfType = "rel" | "exec" | "dyn" | "core" | "unknown";

export interface ElfSection {
  name: string;
  /** sh_type, e.g. 1 PROGBITS, 2 SYMTAB, 8 NOBITS. */
  type: number;
  flags: number;
  address: number;
  offset: number;
  size: number;
  link: number;
}

export interface ElfSegment {
  /** p_type, e.g. 1 PT_LOAD, 2 PT_DYNAMIC, 3 PT_INTERP. */
  type: number;
  /** p_flags: 1 execute, 2 write, 4 read. */
  flags: number;
  offset: number;
  address: number;
  fileSize: number;
  memorySize: number;
}

export interface ElfInfo {
  class: 32 | 64;
  endianness: Endianness;
  type: ElfType;
  /** e_machine as a name: x86_64, aarch64, arm, riscv64, s390x, ppc64le, ppc64, i386, mips…; `unknown-N` otherwise. */
  machine: string;
  machineCode: number;
  /** The GOARCH (and OCI architecture) this machine runs: amd64, arm64, arm, riscv64, s390x, ppc64le, 386…; undefined when unknown. */
  goarch?: string;
  entry: number;
  /** Dynamic when the file names an interpreter (PT_INTERP) or needs shared libraries (DT_NEEDED). */
  linking: "static" | "dynamic";
  /** PT_INTERP, e.g. /lib64/ld-linux-x86-64.so.2. */
  interpreter?: string;
  /** DT_NEEDED libraries, e.g. libc.so.6, in file order. */
  needed: string[];
  /** No .symtab section (`-s`, `strip`). */
  stripped: boolean;
  /** Has DWARF (.debug_* or .zdebug_* sections); `-w` removes it. */
  debugInfo: boolean;
  sections: ElfSection[];
  segments: ElfSegment[];
}

export interface GoModule {
  path: string;
  /** "(devel)" for the main module built from a work tree. */
  version: string;
  sum?: string;
  replace?: GoModule;
}

export interface BuildSetting {
  key: string;
  value: string;
}

/** The build settings slimgo checks, picked out of `settings`. */
export interface KnownBuildSettings {
  buildmode?: string;
  compiler?: string;
  /** `-trimpath=true`. */
  trimpath: boolean;
  /** Not recorded by Go 1.19 when -trimpath is set. */
  ldflags?: string;
  tags?: string;
  /** CGO_ENABLED=1; undefined when not recorded. Says nothing about linking: see ElfInfo.linking. */
  cgoEnabled?: boolean;
  goos?: string;
  goarch?: string;
  goamd64?: string;
  vcs?: string;
  vcsRevision?: string;
  vcsTime?: string;
  vcsModified?: boolean;
}

export interface GoBuildInfo {
  /** e.g. "go1.19.8". */
  goVersion: string;
  /** Import path of the main package. */
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  /** Every `build` line in order, as `go version -m` prints them. */
  settings: BuildSetting[];
  known: KnownBuildSettings;
}

/** A run-time need shown by functions linked into the binary; evidence is function names. */
export interface LinkedNeed {
  linked: boolean;
  evidence: string[];
}

export interface LinkedRuntimeNeeds {
  /**
   * crypto/x509 can load the system root certificates. Every TLS server links this too (it can
   * verify client certificates), so the need for CA certificates follows `tlsClient`.
   */
  x509Roots: LinkedNeed;
  /** Opens TLS client connections (tls.Client's handshake method value, tls.Dial, net/http.Transport). */
  tlsClient: LinkedNeed;
  /**
   * Loads named time zones (time.LoadLocation). `localTime` reports time.initLocal alone, which every
   * program that prints local time links (it reads TZ or /etc/localtime and falls back to UTC).
   */
  zoneinfo: LinkedNeed & { embeddedTzdata: boolean; tzdataEvidence: string[]; localTime: boolean };
  /** Creates temporary files or directories: needs a writable temp dir. */
  tempFiles: LinkedNeed;
  /** Uses os/user; `lookup` says whether through libc (cgo) or by reading /etc/passwd (pure). */
  osUser: LinkedNeed & { lookup: "cgo" | "pure" | "unknown" };
  /** net resolves names through libc getaddrinfo (cgo). */
  cgoResolver: LinkedNeed;
}

export interface LinkedCode {
  /** Which function table format was read: "1.2" (Go 1.2–1.15), "1.16", "1.18", "1.20". */
  tableVersion: "1.2" | "1.16" | "1.18" | "1.20";
  functionCount: number;
  /** Sorted import paths of the packages that have functions in the binary. */
  packages: string[];
}

export interface GoBinaryInfo {
  /** Path or name of the source. */
  file: string;
  size: number;
  elf: ElfInfo;
  /** From the build info; undefined when only the function table was found. */
  goVersion?: string;
  buildInfo?: GoBuildInfo;
  /** Undefined when no function table was found (the warnings say why). */
  linked?: LinkedCode;
  runtime: LinkedRuntimeNeeds;
  /** Things that could not be read; the rest of the result still holds. */
  warnings: string[];
}
