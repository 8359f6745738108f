// Test helper around the podman CLI (rootful podman 4.3 on this machine). Hand-written: the tests
// need the real CLI with this machine's flags, and no npm package wraps podman's CLI.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

/**
 * Global flags this machine needs (see /work/shared/testbed.md): crun fails on cgroups in hybrid
 * mode, and systemd is not running. Passed on every call so tests work whether or not
 * scripts/install-testbed.sh wrote /etc/containers/containers.conf.
 */
export const PODMAN_GLOBAL_FLAGS: readonly string[] = ["--cgroup-manager=cgroupfs", "--runtime", "runc"];

/** `podman run` and `podman build` fail with setrlimit EPERM unless limits fit the host's. */
export const ULIMIT_FLAGS: readonly string[] = ["--ulimit", "nproc=1000:1000", "--ulimit", "nofile=1000:1000"];

export interface PodmanOptions {
  /** Kill podman after this long; default 120 s. */
  timeoutMs?: number;
  /** Written to podman's stdin. */
  input?: string | Buffer;
  cwd?: string;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Resolve with the exit code instead of throwing when podman exits non-zero. */
  allowFailure?: boolean;
}

export interface PodmanResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Commands that list or inspect images read every image's metadata and fail when another test
 * process removes an image at that moment; such a failure is retried. podman 4.3 also fails an
 * `image inspect NAME` whose name it has just resolved to an ID ("locating image with ID ...: image
 * not known") while another process writes the image store (podman#17515); an image really gone
 * fails again on the retries.
 */
const CONCURRENT_REMOVAL = /locating (item named "[^"]+" for )?image with ID/;

/** Runs `podman <global flags> ...args`; throws with podman's stderr when it fails. */
export async function podman(args: readonly string[], opts: PodmanOptions = {}): Promise<PodmanResult> {
  const full = [...PODMAN_GLOBAL_FLAGS, ...args];
  for (let attempt = 1; ; attempt++) {
    const result = await runTool("podman", full, { ...opts, allowFailure: true });
    const raced = result.code !== 0 && CONCURRENT_REMOVAL.test(result.stderr);
    if (raced && attempt < 4) {
      await new Promise((r) => setTimeout(r, 200 * attempt));
      continue;
    }
    if (result.code !== 0 && !opts.allowFailure) {
      throw new Error(`exit ${result.code}: podman ${full.join(" ")}\n${result.stderr.trim()}`);
    }
    return result;
  }
}

/** Runs any command line tool the same way `podman` does (skopeo, go, tar ...). */
export function runTool(cmd: string, args: readonly string[], opts: PodmanOptions = {}): Promise<PodmanResult> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
      stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} could not start: ${e.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const result = {
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        code: code ?? 128,
      };
      const line = `${cmd} ${args.join(" ")}`;
      if (timedOut) reject(new Error(`timed out after ${timeoutMs} ms: ${line}\n${result.stderr}`));
      else if (result.code !== 0 && !opts.allowFailure) {
        reject(new Error(`exit ${code ?? signal}: ${line}\n${result.stderr.trim()}`));
      } else resolve(result);
    });
    child.stdin.on("error", () => {}); // the tool may exit before reading its input
    child.stdin.end(opts.input ?? "");
  });
}

export interface BuildOptions {
  context: string;
  /** Path to the Dockerfile; default `<context>/Dockerfile`. */
  dockerfile?: string;
  tag: string;
  buildArgs?: Record<string, string>;
  target?: string;
  /** buildah reuses cached RUN layers after bind-mounted source changes; tests usually want true. */
  noCache?: boolean;
  /** Keep intermediate layer images (build cache); default false, so test builds leave no dangling images. */
  layers?: boolean;
  /** "docker" keeps HEALTHCHECK, SHELL and STOPSIGNAL in the image config (OCI has no such fields). */
  format?: "oci" | "docker";
  timeoutMs?: number;
  /** Return a failed build's result instead of throwing (for builds that are meant to fail). */
  allowFailure?: boolean;
}

/** `podman build --isolation chroot` with this machine's ulimits; returns the build log. */
export async function podmanBuild(opts: BuildOptions): Promise<PodmanResult> {
  const args = ["build", "--isolation", "chroot", ...ULIMIT_FLAGS, `--layers=${opts.layers ?? false}`, "-t", opts.tag];
  if (opts.dockerfile) args.push("-f", opts.dockerfile);
  for (const [k, v] of Object.entries(opts.buildArgs ?? {})) args.push("--build-arg", `${k}=${v}`);
  if (opts.target) args.push("--target", opts.target);
  if (opts.noCache) args.push("--no-cache");
  if (opts.format) args.push("--format", opts.format);
  args.push(opts.context);
  return podman(args, { timeoutMs: opts.timeoutMs ?? 300_000, allowFailure: opts.allowFailure ?? false });
}

export interface RunOptions {
  image: string;
  env?: Record<string, string>;
  /**
   * Container ports to publish on 127.0.0.1 (bridge network), as `{ containerPort: hostPort }`.
   * Without it the container shares the host network: pick a port with `freePort()` and pass it
   * in `env.PORT`.
   */
  ports?: Record<number, number>;
  /** Arguments after the image (the command, or arguments to the entrypoint). */
  args?: string[];
  user?: string;
  entrypoint?: string;
  /** More `podman run` flags, placed before the image. */
  flags?: string[];
}

export interface StopResult {
  /** Wall time of `podman stop`, in milliseconds. */
  ms: number;
  exitCode: number;
}

export interface ContainerHandle {
  id: string;
  exec(cmd: string[]): Promise<PodmanResult>;
  /** stdout and stderr of the container so far. */
  logs(): Promise<string>;
  /** `podman inspect` of the container (the first element of its JSON array). */
  inspect(): Promise<Record<string, any>>;
  /** Sends the stop signal, waits up to `timeoutSeconds`, then SIGKILL. */
  stop(timeoutSeconds?: number): Promise<StopResult>;
  remove(): Promise<void>;
}

const started = new Set<string>();

/** Starts a detached container; remember to `remove()` it (or call `removeStartedContainers()`). */
export async function runContainer(opts: RunOptions): Promise<ContainerHandle> {
  const args = ["run", "-d", ...ULIMIT_FLAGS];
  if (opts.ports && Object.keys(opts.ports).length > 0) {
    for (const [inner, outer] of Object.entries(opts.ports)) args.push("-p", `127.0.0.1:${outer}:${inner}`);
  } else {
    args.push("--network", "host");
  }
  for (const [k, v] of Object.entries(opts.env ?? {})) args.push("-e", `${k}=${v}`);
  if (opts.user !== undefined) args.push("--user", opts.user);
  if (opts.entrypoint !== undefined) args.push("--entrypoint", opts.entrypoint);
  args.push(...(opts.flags ?? []), opts.image, ...(opts.args ?? []));
  const id = (await podman(args, { timeoutMs: 60_000 })).stdout.trim();
  started.add(id);
  return containerHandle(id);
}

function containerHandle(id: string): ContainerHandle {
  return {
    id,
    exec: (cmd) => podman(["exec", id, ...cmd], { allowFailure: true }),
    logs: async () => {
      const r = await podman(["logs", id]);
      return r.stdout + r.stderr;
    },
    inspect: async () => {
      const parsed = JSON.parse((await podman(["container", "inspect", id])).stdout) as Record<string, any>[];
      const first = parsed[0];
      if (!first) throw new Error(`podman inspect ${id} returned nothing`);
      return first;
    },
    stop: async (timeoutSeconds = 10) => {
      const t0 = performance.now();
      await podman(["stop", "-t", String(timeoutSeconds), id], { timeoutMs: (timeoutSeconds + 30) * 1000 });
      const ms = performance.now() - t0;
      const code = (await podman(["container", "inspect", "--format", "{{.State.ExitCode}}", id])).stdout.trim();
      return { ms, exitCode: Number(code) };
    },
    remove: async () => {
      await podman(["rm", "-f", "-t", "0", id], { allowFailure: true });
      started.delete(id);
    },
  };
}

/** Removes every container this process started and has not removed yet (for `after()`). */
export async function removeStartedContainers(): Promise<void> {
  for (const id of [...started]) await containerHandle(id).remove();
}

/** Removes images by reference, ignoring ones that are already gone. */
export async function removeImages(...refs: string[]): Promise<void> {
  if (refs.length > 0) await podman(["rmi", "-f", ...refs], { allowFailure: true });
}

/** True when local storage holds `ref`. */
export async function imageExists(ref: string): Promise<boolean> {
  return (await podman(["image", "exists", ref], { allowFailure: true })).code === 0;
}

/** `podman image inspect` of a local image (the first element of its JSON array). */
export async function inspectImage(ref: string): Promise<Record<string, any>> {
  const parsed = JSON.parse((await podman(["image", "inspect", ref])).stdout) as Record<string, any>[];
  const first = parsed[0];
  if (!first) throw new Error(`podman image inspect ${ref} returned nothing`);
  return first;
}

/**
 * Runs the container's HEALTHCHECK once; `healthy` is false when the check fails. Needs an
 * image built with `format: "docker"`; podman drops HEALTHCHECK from OCI images.
 */
export async function healthcheckRun(id: string): Promise<{ healthy: boolean; output: string }> {
  const r = await podman(["healthcheck", "run", id], { allowFailure: true });
  return { healthy: r.code === 0, output: (r.stdout + r.stderr).trim() };
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

/** Polls `url` until it answers with any HTTP status; returns that status. Throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      return res.status;
    } catch (e) {
      lastError = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${lastError})`);
}
