/**
 * The facts `analyze(dir)` returns about a Go module. Every fact carries the
 * evidence that produced it, so `init`, `lint`, `build` and `verify` can say why.
 * Paths in evidence are relative to the module root, with forward slashes.
 */

export interface Evidence {
  file: string;
  /** 1-based line number. */
  line: number;
  /** The trimmed source line, for display. */
  text?: string;
}

/** Which engine produced the package facts: `go list` when Go is installed, otherwise slimgo's own scanner. */
export type AnalysisEngine = "go-list" | "scanner";

export interface GoModRequire {
  path: string;
  version: string;
  indirect: boolean;
  evidence: Evidence;
}

export interface GoModReplace {
  oldPath: string;
  oldVersion?: string;
  newPath: string;
  newVersion?: string;
  evidence: Evidence;
}

export interface GoModFile {
  /** Module path from the `module` directive. */
  path: string;
  pathEvidence: Evidence;
  /** The `go` directive, e.g. "1.22" or "1.22.3". */
  go?: string;
  goEvidence?: Evidence;
  /** The `toolchain` directive without the "go" prefix, e.g. "1.22.5". */
  toolchain?: string;
  toolchainEvidence?: Evidence;
  requires: GoModRequire[];
  replaces: GoModReplace[];
}

export interface GoWorkFile {
  file: string;
  go?: string;
  uses: { dir: string; evidence: Evidence }[];
}

/** A run-time need of the program, with the source lines that show it. */
export interface RuntimeNeed {
  needed: boolean;
  evidence: Evidence[];
}

export interface RuntimeNeeds {
  /** Outbound TLS: the program needs root certificates. */
  tlsRoots: RuntimeNeed;
  /**
   * Any HTTP client or TLS dial, even one that only calls http://127.0.0.1 (a health probe): the
   * binary links Go's TLS client, so a reader of the binary alone (verify) expects CA certificates.
   */
  tlsClientCode?: RuntimeNeed;
  /** Loads time zones; `embeddedTzdata` when it imports time/tzdata (then the image needs no zoneinfo). */
  zoneinfo: RuntimeNeed & { embeddedTzdata: boolean };
  /** Creates temporary files: needs a writable /tmp. */
  tmp: RuntimeNeed;
  /** Uses os/user: needs a passwd entry for its uid. */
  user: RuntimeNeed;
}

export interface CgoFacts {
  required: boolean;
  /** Files that `import "C"`. */
  evidence: Evidence[];
  /** Dependencies known to need cgo, with a pure-Go alternative when one exists. */
  dependencies: { module: string; alternative?: string; evidence: Evidence }[];
  /**
   * The program has files that `import "C"` but also builds with CGO_ENABLED=0 (they are left out and
   * a pure-Go fallback, such as a `//go:build !cgo` file, takes their place): those `import "C"` lines
   * and the fallback's constraint. The facts are then those of the build without cgo.
   */
  optional?: Evidence[];
}

export interface ListeningPort {
  port: number;
  source: "literal" | "flag" | "env";
  /** For source "env": the variable read, e.g. "PORT". */
  envVar?: string;
  /** For source "flag": the flag's name, e.g. "addr". */
  flag?: string;
  /** For sources "flag" and "env": the default as written (":8080", "8080"), which a value for another port keeps the form of. */
  written?: string;
  /** A literal assigned to an address variable (`addr = ":8080"`), which the program may have set otherwise before. */
  fallback?: true;
  /** The address as written when it is on the loopback interface only ("localhost:8080", "127.0.0.1:8080"): unreachable from outside a container. */
  loopback?: string;
  /** A UDP listener (`net.ListenPacket("udp", ":53")`): exposed and published as PORT/udp. */
  udp?: true;
  evidence: Evidence;
}

export interface HealthEndpoint {
  path: string;
  evidence: Evidence;
  /** The port of the HTTP server started beside the route's registration, when the source says. */
  port?: number;
}

/** A health route on a handler mounted in a way slimgo cannot read (`http.StripPrefix(prefix, api)` with a variable prefix): its served path is unknown. */
export interface UnresolvedHealthRoute {
  /** The path as registered on its handler. */
  path: string;
  evidence: Evidence;
  /** The line that mounts the handler. */
  mount: Evidence;
  why: string;
}

/** The flags a program's command line takes, all of them (see analysis/command-line-flags.ts). */
export interface CommandLineFlags {
  flags: { name: string; boolean: boolean; evidence: Evidence }[];
}

/** A flag that turns the binary into its own health probe (e.g. `-health`). */
export interface HealthFlag {
  /** Flag name without dashes. */
  name: string;
  evidence: Evidence;
}

export interface VersionVariable {
  /** The `-X` symbol, e.g. "main.version". */
  symbol: string;
  role: "version" | "commit" | "date" | "other";
  evidence: Evidence;
}

export interface EnvVariable {
  name: string;
  /** The default the code falls back to, when one is visible. */
  default?: string;
  evidence: Evidence;
}

export interface EmbedDirective {
  patterns: string[];
  evidence: Evidence;
}

export interface DataDirectory {
  /** Path the program reads at run time that is not embedded. */
  path: string;
  evidence: Evidence;
}

/** A directory outside the working directory the program writes to (see state-directories.ts). */
export interface StateDirectory {
  /** Absolute path in the container. */
  path: string;
  /** Where the path comes from: a literal the program writes under, or the default of a flag or environment variable. */
  source: "literal" | "flag" | "env";
  /** The flag or variable, for those sources: the deployment can move the directory with it. */
  name?: string;
  evidence: Evidence;
}

/** A package-level variable or constant of the program's own packages, as `-ldflags -X` names it. */
export interface PackageLevelName {
  /** "main.version" in the main package, "<import path>.<name>" elsewhere. */
  symbol: string;
  /** A string variable, which -X can set; constants and other variables it leaves as they are. */
  settable: boolean;
  kind: "var" | "const";
  evidence: Evidence;
}

/** A program the Go program starts by a name written in its source (`exec.Command("ffmpeg")`). */
export interface ExternalCommand {
  /** As written: "ffmpeg", or a path such as "/usr/bin/git". */
  name: string;
  /** The call as written, e.g. "exec.Command". */
  call: string;
  evidence: Evidence;
}

export interface ProgramFacts {
  needs: RuntimeNeeds;
  cgo: CgoFacts;
  ports: ListeningPort[];
  healthEndpoints: HealthEndpoint[];
  /** Health routes left out of healthEndpoints: the path they are served at could not be read. */
  unresolvedHealthRoutes?: UnresolvedHealthRoute[];
  healthFlag?: HealthFlag;
  /** Every flag the command line takes, when the standard flag package reads it and the source shows them all. */
  commandLineFlags?: CommandLineFlags;
  /** The subcommand the server runs under, when main dispatches on its first argument. */
  serveSubcommand?: { name: string; evidence: Evidence };
  versionVariables: VersionVariable[];
  envVariables: EnvVariable[];
  embeds: EmbedDirective[];
  dataDirectories: DataDirectory[];
  /** Directories outside the working directory it writes to: the image must have them, owned by the user it runs as. */
  stateDirectories: StateDirectory[];
  /** Import paths of every package in the program's build graph (module-internal and external). */
  imports: string[];
  /** Module-relative paths of the Go files the program compiles for linux (its own packages, no tests). */
  sourceFiles: string[];
  /** Package-level variables and constants of the program's own packages, for checking `-X` flags. */
  packageLevelNames: PackageLevelName[];
  /** True when the program serves HTTP or listens on a port. */
  isServer: boolean;
  /**
   * A server with no port in its source that reads a PORT-style variable with no default
   * (`port := os.Getenv("PORT")`): the port is whatever the environment sets, and nothing when unset.
   */
  portVariable?: EnvVariable;
  /** Programs it starts by name: the image must have them. */
  externalCommands: ExternalCommand[];
  /** Where the program serves TLS (ListenAndServeTLS, ServeTLS, tls.Listen, Gin's RunTLS…): a plain-HTTP probe gets no 2xx there. */
  tlsServer?: Evidence;
}

export interface MainPackage {
  /** Directory relative to the module root: "." or "cmd/api". */
  dir: string;
  importPath: string;
  /** Binary name: last element of the import path (the module's last element for the root). */
  binary: string;
  /** Where `func main` is declared. */
  evidence: Evidence;
  facts: ProgramFacts;
}

export interface ModuleAnalysis {
  /** Absolute path of the module root (the directory holding go.mod). */
  root: string;
  engine: AnalysisEngine;
  goMod: GoModFile;
  goWork?: GoWorkFile;
  vendored: boolean;
  vendorEvidence?: Evidence;
  mainPackages: MainPackage[];
  /** The main package `init`/`build` use by default; undefined when the choice is ambiguous (ask via --main). */
  primary?: MainPackage;
  primaryReason: string;
  /** Version variables named in a Makefile or .goreleaser config, beside those found in main packages. */
  buildConfigVersionVariables: VersionVariable[];
  warnings: string[];
}
