// Stand-in base images for container tests. Nothing can be pulled on this machine, so these
// local images carry the OFFICIAL names that generated Dockerfiles use (golang, alpine,
// distroless, debian) but are assembled from the host's Debian packages. Each is labelled
// org.slimgo.stand-in=true so no one mistakes it for the real thing. Hand-written: there is
// no tool that assembles images from host files without a registry.
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ULIMIT_FLAGS, podman, runTool } from "./podman.js";

export const STAND_IN_LABEL = "org.slimgo.stand-in";
/** Hash of this module and the host inputs an image was made from; a mismatch means rebuild. */
export const RECIPE_LABEL = "org.slimgo.stand-in.recipe";

/** The official names each stand-in answers to. */
export const STAND_IN_NAMES = {
  /** No C compiler, like the real alpine image: cgo builds fail, default builds link dynamically. */
  goBuilder: ["docker.io/library/golang:1.19-alpine"],
  /** The Go builder plus the host's gcc, binutils and glibc headers, so cgo builds work. */
  goBuilderCgo: ["docker.io/library/golang:1.19-bookworm", "docker.io/library/golang:1.19"],
  alpine: ["docker.io/library/alpine:3.20"],
  distrolessStatic: ["gcr.io/distroless/static-debian12:nonroot"],
  distrolessBase: ["gcr.io/distroless/base-debian12:nonroot"],
  debianSlim: ["docker.io/library/debian:bookworm-slim"],
} as const satisfies Record<string, readonly string[]>;

export type StandInKind = keyof typeof STAND_IN_NAMES;

export interface StandInReport {
  /** Images (by first name) built in this call, with seconds taken each. */
  built: { name: string; seconds: number }[];
  /** Images that were already current. */
  current: string[];
  seconds: number;
}

const HOST_GOROOT = "/usr/lib/go-1.19";
const HOST_ZONEINFO = "/usr/share/zoneinfo";
const HOST_CERTS = "/etc/ssl/certs/ca-certificates.crt";
const HOST_LIBDIR = "/lib/x86_64-linux-gnu";
const GLIBC_LIBS = ["ld-linux-x86-64.so.2", "libc.so.6", "libpthread.so.0", "libdl.so.2", "libm.so.6", "libresolv.so.2", "librt.so.1"];
const STD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

let ensuring: Promise<StandInReport> | undefined;

/**
 * Makes sure every stand-in image exists and matches the current recipe. Cold: builds them
 * (30-60 s, mostly the Go builders); warm: one `podman image inspect` per image. Safe to call
 * from test files running in parallel: a lock directory serialises builders across processes.
 */
export function ensureStandInImages(): Promise<StandInReport> {
  ensuring ??= ensureAll().catch((e: unknown) => {
    ensuring = undefined;
    throw e;
  });
  return ensuring;
}

async function ensureAll(): Promise<StandInReport> {
  const t0 = performance.now();
  const recipe = recipeHash();
  const kinds = Object.keys(STAND_IN_NAMES) as StandInKind[];
  const report: StandInReport = { built: [], current: [], seconds: 0 };
  const stale = async () => {
    const out: StandInKind[] = [];
    for (const kind of kinds) if (!(await isCurrent(kind, recipe))) out.push(kind);
    return out;
  };
  let todo = await stale();
  if (todo.length > 0) {
    const release = await acquireLock(join(tmpdir(), "slimgo-standins.lock"));
    try {
      todo = await stale(); // another process may have built them while we waited
      for (const kind of todo) {
        const t = performance.now();
        const previous = await imageIds(STAND_IN_NAMES[kind]);
        await buildStandIn(kind, recipe);
        // Untagged old versions would pile up (the Go builder is 450 MB); images still in use stay.
        const current = await imageIds(STAND_IN_NAMES[kind]);
        const untagged = previous.filter((id) => !current.includes(id));
        if (untagged.length > 0) await podman(["rmi", ...untagged], { allowFailure: true });
        report.built.push({ name: STAND_IN_NAMES[kind][0], seconds: (performance.now() - t) / 1000 });
      }
    } finally {
      release();
    }
  }
  for (const kind of kinds) if (!todo.includes(kind)) report.current.push(STAND_IN_NAMES[kind][0]);
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}

function recipeHash(): string {
  const h = createHash("sha256");
  const inputs = [fileURLToPath(import.meta.url), join(HOST_GOROOT, "VERSION"), HOST_CERTS, join(HOST_ZONEINFO, "tzdata.zi"), "/bin/busybox"];
  for (const input of inputs) {
    if (!existsSync(input)) throw new Error(`stand-in images need ${input} from the host; run scripts/install-testbed.sh`);
    h.update(readFileSync(input));
  }
  return h.digest("hex").slice(0, 16);
}

async function isCurrent(kind: StandInKind, recipe: string): Promise<boolean> {
  for (const name of STAND_IN_NAMES[kind]) {
    const r = await podman(["image", "inspect", "--format", `{{index .Labels "${RECIPE_LABEL}"}}`, name], {
      allowFailure: true,
    });
    if (r.code !== 0 || r.stdout.trim() !== recipe) return false;
  }
  return true;
}

async function imageIds(names: readonly string[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const name of names) {
    const r = await podman(["image", "inspect", "--format", "{{.Id}}", name], { allowFailure: true });
    if (r.code === 0) ids.add(r.stdout.trim());
  }
  return [...ids];
}

interface ImageConfig {
  env: Record<string, string>;
  user?: string;
  workdir: string;
  cmd?: string[];
}

async function buildStandIn(kind: StandInKind, recipe: string): Promise<void> {
  if (kind === "goBuilderCgo") return buildCgoBuilder(recipe);
  const root = mkdtempSync(join(tmpdir(), `slimgo-standin-${kind}-`));
  try {
    const config = await populate[kind](root);
    const [first, ...aliases] = STAND_IN_NAMES[kind];
    const changes = [
      `LABEL ${STAND_IN_LABEL}=true`,
      `LABEL ${RECIPE_LABEL}=${recipe}`,
      `WORKDIR ${config.workdir}`,
      ...Object.entries(config.env).map(([k, v]) => `ENV ${k}=${v}`),
      ...(config.user ? [`USER ${config.user}`] : []),
      ...(config.cmd ? [`CMD ${JSON.stringify(config.cmd)}`] : []),
    ];
    const tar = `${root}.tar`;
    try {
      await runTool("tar", ["--numeric-owner", "-C", root, "-cf", tar, "."], { timeoutMs: 120_000 });
      await podman(["import", "-q", ...changes.flatMap((c) => ["--change", c]), tar, first], { timeoutMs: 180_000 });
    } finally {
      rmSync(tar, { force: true });
    }
    for (const alias of aliases) await podman(["tag", first, alias]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const populate: Record<Exclude<StandInKind, "goBuilderCgo">, (root: string) => Promise<ImageConfig>> = {
  async goBuilder(root) {
    const goroot = join(root, "usr/local/go");
    mkdirSync(dirname(goroot), { recursive: true });
    // Debian links src, api, misc and pkg/include into /usr/share/go-1.19.
    await runTool("cp", ["-rL", HOST_GOROOT, goroot], { timeoutMs: 120_000 });
    rmSync(join(goroot, "test"), { recursive: true, force: true });
    // Debian's go and gofmt link glibc; the stand-in has none.
    for (const tool of ["go", "gofmt"]) {
      await runTool("go", ["build", "-o", join(goroot, "bin", tool), "."], {
        cwd: join(HOST_GOROOT, "src/cmd", tool),
        timeoutMs: 300_000,
        env: { CGO_ENABLED: "0" },
      });
    }
    await buildZoneinfoZip(join(goroot, "lib/time/zoneinfo.zip"));
    await busybox(root);
    baseFiles(root, { users: ["root", "nobody"] });
    // As the official image: anyone may write to GOPATH.
    for (const dir of ["go", "go/bin", "go/src"]) {
      mkdirSync(join(root, dir), { recursive: true });
      chmodSync(join(root, dir), 0o1777);
    }
    return {
      workdir: "/go",
      env: {
        PATH: `/go/bin:/usr/local/go/bin:${STD_PATH}`,
        GOPATH: "/go",
        GOLANG_VERSION: readFileSync(join(HOST_GOROOT, "VERSION"), "utf8").trim().replace(/^go/, ""),
        // Stand-in only: there is no network, so module downloads must fail fast.
        GOPROXY: "off",
      },
      cmd: ["/bin/sh"],
    };
  },

  async alpine(root) {
    await busybox(root);
    baseFiles(root, { users: ["root", "nobody"], zoneinfo: true });
    packageManagerStub(root, "apk", ["ca-certificates", "ca-certificates-bundle", "tzdata", "busybox"]);
    writeFileSync(join(root, "etc/alpine-release"), "3.20.0\n");
    writeFileSync(join(root, "etc/os-release"), osRelease("alpine", "Alpine Linux (slimgo stand-in)", "3.20.0"));
    return { workdir: "/", env: { PATH: STD_PATH }, cmd: ["/bin/sh"] };
  },

  async distrolessStatic(root) {
    distrolessFiles(root);
    return distrolessConfig();
  },

  async distrolessBase(root) {
    distrolessFiles(root);
    glibc(root);
    return distrolessConfig();
  },

  async debianSlim(root) {
    await busybox(root);
    glibc(root);
    baseFiles(root, { users: ["root", "daemon", "nobody"], zoneinfo: true });
    packageManagerStub(root, "apt-get", ["ca-certificates", "tzdata"]);
    writeFileSync(join(root, "etc/debian_version"), "12.0\n");
    writeFileSync(join(root, "etc/os-release"), osRelease("debian", "Debian GNU/Linux 12 (bookworm) (slimgo stand-in)", "12"));
    return { workdir: "/", env: { PATH: STD_PATH }, cmd: ["/bin/sh"] };
  },
};

/** Debian packages whose files make a working `gcc` for cgo (from `ldd` of gcc, cc1, as, ld). */
const CGO_PACKAGES = [
  "gcc", "gcc-12", "cpp-12", "binutils", "binutils-x86-64-linux-gnu", "libbinutils", "libctf0", "libctf-nobfd0",
  "libgmp10", "libisl23", "libjansson4", "libmpc3", "libmpfr6", "libzstd1", "zlib1g", "libc6", "libc6-dev",
  "libgcc-12-dev", "libgcc-s1", "libstdc++6", "linux-libc-dev", "libcrypt-dev", "libcrypt1",
];
/** Docs, locales, config, and tools cgo never runs (gold, LTO, gcov). */
const CGO_SKIP = /^\/usr\/share\/|\/gconv\/|^\/etc\/|\/plugin\/|gold|lto-dump|lto1|gcov|dwp/;

/**
 * The cgo builder is the Go builder plus one layer of the host's C toolchain, added with
 * `podman build` so the 450 MB Go layer is not imported twice. Files keep their package paths,
 * moved under /usr (Debian 12 is merged-/usr; /lib and /lib64 become links as there).
 */
async function buildCgoBuilder(recipe: string): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), "slimgo-standin-cgo-"));
  try {
    const dpkg = await runTool("dpkg", ["-L", ...CGO_PACKAGES], { allowFailure: true });
    if (dpkg.code !== 0) {
      throw new Error(`stand-in ${STAND_IN_NAMES.goBuilderCgo[0]} needs the host's gcc packages (${dpkg.stderr.trim()}); run scripts/install-testbed.sh`);
    }
    const listed = dpkg.stdout.split("\n");
    const files = listed.filter((f) => f.startsWith("/") && !CGO_SKIP.test(f) && isFileOrLink(f));
    const listPath = join(context, "files");
    writeFileSync(listPath, [...new Set(files)].join("\0"));
    const root = join(context, "root");
    mkdirSync(root);
    const transform = "s,^lib64/,usr/lib64/,;s,^lib/,usr/lib/,;s,^bin/,usr/bin/,;s,^sbin/,usr/sbin/,";
    await runTool("sh", [
      "-c",
      'tar --null -T "$1" --transform "$2" -cf - 2>/dev/null | tar -C "$3" -xf -',
      "sh", listPath, transform, root,
    ], { timeoutMs: 120_000 });
    symlinkSync("usr/lib", join(root, "lib"));
    symlinkSync("usr/lib64", join(root, "lib64"));
    const [first, ...aliases] = STAND_IN_NAMES.goBuilderCgo;
    writeFileSync(
      join(context, "Dockerfile"),
      `FROM ${STAND_IN_NAMES.goBuilder[0]}\nCOPY root/ /\n` +
        // Proves the copied toolchain is complete: compile, link against glibc, run.
        `RUN printf 'int main(void){return 0;}' >/tmp/t.c && gcc -o /tmp/t /tmp/t.c && /tmp/t && rm /tmp/t /tmp/t.c\n` +
        `LABEL ${STAND_IN_LABEL}=true ${RECIPE_LABEL}=${recipe}\n`,
    );
    await podman(["build", "--isolation", "chroot", ...ULIMIT_FLAGS, "--layers=false", "-q", "-t", first, context], {
      timeoutMs: 300_000,
    });
    for (const alias of aliases) await podman(["tag", first, alias]);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** Files and symlinks, but not directories nor the merged-/usr links to them (/lib, /lib64). */
function isFileOrLink(path: string): boolean {
  try {
    return !lstatSync(path).isDirectory() && !statSync(path).isDirectory();
  } catch {
    return lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() ?? false; // dangling link
  }
}

const PASSWD: Record<string, string> = {
  root: "root:x:0:0:root:/root:/bin/sh",
  daemon: "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
  nonroot: "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin",
  nobody: "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin",
};
const GROUP: Record<string, string> = {
  root: "root:x:0:",
  daemon: "daemon:x:1:",
  nonroot: "nonroot:x:65532:",
  nobody: "nobody:x:65534:",
};

/** /etc/passwd, /etc/group, CA bundle, /tmp 1777, /root, and optionally /usr/share/zoneinfo. */
function baseFiles(root: string, opts: { users: string[]; zoneinfo?: boolean }): void {
  mkdirSync(join(root, "etc/ssl/certs"), { recursive: true });
  const passwd = opts.users.map((u) => PASSWD[u]).filter((l) => l !== undefined);
  const group = opts.users.map((u) => GROUP[u]).filter((l) => l !== undefined);
  writeFileSync(join(root, "etc/passwd"), passwd.join("\n") + "\n");
  writeFileSync(join(root, "etc/group"), group.join("\n") + "\n");
  writeFileSync(join(root, "etc/nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files dns\n");
  cpSync(HOST_CERTS, join(root, "etc/ssl/certs/ca-certificates.crt"), { dereference: true });
  mkdirSync(join(root, "tmp"));
  chmodSync(join(root, "tmp"), 0o1777);
  mkdirSync(join(root, "root"), { mode: 0o700 });
  if (opts.zoneinfo) {
    // posix/ and right/ are duplicate trees; real images ship only the plain zones.
    cpSync(HOST_ZONEINFO, join(root, "usr/share/zoneinfo"), {
      recursive: true,
      dereference: true,
      filter: (src) => !/\/zoneinfo\/(posix|right)(\/|$)/.test(src),
    });
  }
}

function distrolessFiles(root: string): void {
  baseFiles(root, { users: ["root", "nonroot", "nobody"], zoneinfo: true });
  writeFileSync(join(root, "etc/passwd"), readFileSync(join(root, "etc/passwd"), "utf8").replace("/root:/bin/sh", "/root:/sbin/nologin"));
  mkdirSync(join(root, "home"), { mode: 0o755 });
  const home = join(root, "home/nonroot");
  mkdirSync(home, { mode: 0o700 });
  chownSync(home, 65532, 65532);
  writeFileSync(join(root, "etc/os-release"), osRelease("debian", "Distroless (slimgo stand-in)", "12"));
}

function distrolessConfig(): ImageConfig {
  return {
    workdir: "/home/nonroot",
    user: "65532",
    env: { PATH: STD_PATH, SSL_CERT_FILE: "/etc/ssl/certs/ca-certificates.crt" },
  };
}

/** Static busybox at /bin/busybox with every applet linked where busybox would install it. */
async function busybox(root: string): Promise<void> {
  mkdirSync(join(root, "bin"), { recursive: true });
  cpSync("/bin/busybox", join(root, "bin/busybox"), { dereference: true });
  const applets = (await runTool("/bin/busybox", ["--list-full"])).stdout.split("\n").filter(Boolean);
  for (const applet of applets) {
    const link = join(root, applet);
    if (existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync("/bin/busybox", link);
  }
}

/** The host's glibc at the paths a Debian image has them, so cgo-linked binaries run. */
function glibc(root: string): void {
  const libdir = join(root, HOST_LIBDIR);
  mkdirSync(libdir, { recursive: true });
  for (const lib of GLIBC_LIBS) {
    const src = join(HOST_LIBDIR, lib);
    if (existsSync(src)) cpSync(src, join(libdir, lib), { dereference: true });
  }
  mkdirSync(join(root, "lib64"), { recursive: true });
  symlinkSync(`${HOST_LIBDIR}/ld-linux-x86-64.so.2`, join(root, "lib64/ld-linux-x86-64.so.2"));
}

/**
 * A package manager that "installs" only packages the stand-in already holds (certificates,
 * time zones) and fails loudly for anything else, since nothing can be downloaded here.
 */
function packageManagerStub(root: string, tool: "apk" | "apt-get", preinstalled: string[]): void {
  const path = join(root, tool === "apk" ? "sbin/apk" : "usr/bin/apt-get");
  mkdirSync(dirname(path), { recursive: true });
  const script = `#!/bin/sh
# slimgo stand-in ${tool}: packages listed here are already in the image; nothing can be downloaded.
preinstalled=" ${preinstalled.join(" ")} "
for arg in "$@"; do
  case "$arg" in
    -*|add|install|update|upgrade|del|remove|purge|clean|autoremove|dist-clean) ;;
    *=*) ;;
    *) case "$preinstalled" in *" $arg "*) ;; *) echo "stand-in ${tool}: cannot install $arg (no network; preinstalled:$preinstalled)" >&2; exit 1 ;; esac ;;
  esac
done
exit 0
`;
  writeFileSync(path, script, { mode: 0o755 });
  const updateCa = join(root, "usr/sbin/update-ca-certificates");
  mkdirSync(dirname(updateCa), { recursive: true });
  writeFileSync(updateCa, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
}

function osRelease(id: string, name: string, version: string): string {
  return `PRETTY_NAME="${name}"\nID=${id}\nVERSION_ID="${version}"\n`;
}

/**
 * Go's own lib/time/zoneinfo.zip is an uncompressed zip of the zone files; Debian does not ship
 * it. Built from the host's /usr/share/zoneinfo the same way (zip -0), symlinks stored as files.
 */
export async function buildZoneinfoZip(dest: string): Promise<void> {
  mkdirSync(dirname(dest), { recursive: true });
  rmSync(dest, { force: true });
  await runTool("zip", ["-0", "-r", "-q", "-D", dest, ".", "-x", "posix/*", "right/*", "*.tab", "*.zi", "*.list", "leapseconds", "localtime"], {
    cwd: HOST_ZONEINFO,
    timeoutMs: 60_000,
  });
}

/** A lock directory shared by all test processes; stale locks (dead owner) are taken over. */
async function acquireLock(dir: string): Promise<() => void> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, "pid"), String(process.pid));
      return () => rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    if (lockOwnerIsDead(dir)) {
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${dir}; remove it if no test is running`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function lockOwnerIsDead(dir: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dir, "pid"), "utf8"));
  } catch {
    // The owner may be between mkdir and writing its pid; judge it dead only after a while.
    try {
      return Date.now() - statSync(dir).mtimeMs > 30_000;
    } catch {
      return false;
    }
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}
