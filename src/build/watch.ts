/**
 * Watching a Go module for changes, for `slimgo build --watch`: debounced batches of
 * module-relative paths, and a loop that runs one rebuild at a time.
 *
 * Hand-written on one non-recursive fs.watch per directory rather than fs.watch(root, { recursive:
 * true }): on Linux, Node 20's recursive mode watches each file's inode, so it misses every save
 * after the first by editors that write a temp file and rename it over the original (tried here),
 * and it cannot skip .git or output directories, which it would fill with one inotify watch per file.
 * A watch on a directory reports both in-place writes and renames of its entries. chokidar 4 was
 * tried in its place and measured: its fixed 50 ms throttle of change events drops a second save
 * that follows within 50 ms (chokidar#1455), and it adds one inotify watch per file.
 */
import { fstatSync, readdirSync, statSync, watch, type FSWatcher } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { inputError } from "../errors.js";
import { displayPath } from "../fsutil/display-path.js";

/** Changes seen since the last batch: module-relative paths ("/"-separated) and when the first came. */
export interface ChangeBatch {
  files: string[];
  /** performance.now() when the first change of the batch was seen. */
  firstSeenAt: number;
}

/** A file by what it is rather than where: its device and inode. */
export interface FileIdentity {
  dev: number;
  ino: number;
}

export interface WatchOptions {
  /** Absolute paths whose changes are not the module's (an output layout, tarball or SBOM dir inside it). */
  ignore?: string[];
  /** Files whose changes are not the module's wherever they are: slimgo's own stdout and stderr redirected into it. */
  ignoreFiles?: readonly FileIdentity[];
  onChange(batch: ChangeBatch): void;
  /** The module root can no longer be watched (removed, permissions); the watcher has closed. */
  onError?(err: Error): void;
  /** Quiet time after the last event before a batch is reported. */
  debounceMs?: number;
  /** Every change as it is seen, before the quiet time (for work that can start at once). */
  onEvent?(): void;
}

export interface ModuleWatcher {
  close(): void;
  /** Module-relative paths ("/"-separated) of the entries being watched. */
  paths(): string[];
}

/** Short: editors finish a save within a few milliseconds, and the wait is part of save-to-image time. */
export const DEFAULT_DEBOUNCE_MS = 20;
/** A steady stream of events (a checkout, a generator) still gets a build this often. */
const MAX_WAIT_MS = 300;
/** Head starts (each one stops the one before) a batch of changes may set off. */
export const MAX_HEAD_STARTS = 4;
/** A save's events (truncate, write; or create, rename) arrive within this, and give one head start. */
const HEAD_START_DELAY_MS = 2;

/**
 * True for paths that are never module changes: anything hidden (.git/, .idea/, editors' `.#x` locks,
 * `.x.swp`, slimgo's own `.x.slimgo-…` temp files) and editor backups and probes (`x~`, `#x#`, vim's `4913`).
 */
export function isEditorOrHiddenPath(relativePath: string): boolean {
  const parts = relativePath.split(/[\\/]/).filter((p) => p !== "" && p !== ".");
  if (parts.some((p) => p.startsWith("."))) return true;
  const name = parts.at(-1) ?? "";
  return name.endsWith("~") || name.endsWith(".swp") || name.endsWith(".swx") || name === "4913" || (name.startsWith("#") && name.endsWith("#"));
}

export function watchModule(root: string, options: WatchOptions): ModuleWatcher {
  const moduleRoot = resolve(root);
  const ignored = (options.ignore ?? []).map((p) => resolve(p));
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const watchers = new Map<string, FSWatcher>();
  // Entries known to exist before the current batch: a path that is gone at the end of a batch is a
  // deletion only if it was one of these; otherwise it was a temp file (sed -i, editors) and no change.
  const known = new Set<string>();
  let pending = new Map<string, { existedBefore: boolean }>();
  let firstSeenAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const isIgnored = (abs: string) => {
    if (ignored.some((p) => abs === p || abs.startsWith(p + sep))) return true;
    const rel = relative(moduleRoot, abs);
    return rel !== "" && isEditorOrHiddenPath(rel);
  };

  const flush = () => {
    timer = undefined;
    if (closed || firstSeenAt === undefined) return;
    const files = [...pending]
      .filter(([abs, { existedBefore }]) => existedBefore || statSync(abs, { throwIfNoEntry: false }) !== undefined)
      .map(([abs]) => relative(moduleRoot, abs).split(sep).join("/") || ".")
      .sort();
    const batch = { files, firstSeenAt };
    pending = new Map();
    firstSeenAt = undefined;
    if (files.length > 0) options.onChange(batch);
  };

  const record = (abs: string, existsNow: boolean) => {
    if (!pending.has(abs)) pending.set(abs, { existedBefore: known.has(abs) });
    if (existsNow) known.add(abs);
    else known.delete(abs);
    const now = performance.now();
    firstSeenAt ??= now;
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, Math.max(0, Math.min(debounceMs, firstSeenAt + MAX_WAIT_MS - now)));
    options.onEvent?.();
  };

  const unwatchTree = (dir: string) => {
    for (const [path, w] of watchers) {
      if (path.startsWith(dir + sep)) {
        w.close();
        watchers.delete(path);
      }
    }
    watchers.get(dir)?.close();
    watchers.delete(dir);
    for (const path of known) if (path.startsWith(dir + sep)) known.delete(path);
  };

  const fail = (err: Error) => {
    close();
    options.onError?.(err);
  };

  const onEvent = (dir: string, event: string, name: string | Buffer | null) => {
    if (closed) return;
    if (name === null) {
      if (!isIgnored(dir)) record(dir, existsDir(dir));
      return;
    }
    const abs = join(dir, name.toString());
    if (isIgnored(abs)) return;
    const info = statSync(abs, { throwIfNoEntry: false });
    if (info !== undefined && options.ignoreFiles?.some((f) => f.dev === info.dev && f.ino === info.ino)) return;
    if (event === "rename") {
      if (info === undefined) {
        // The directory itself went away (its parent reports that) or an entry was removed.
        if (!existsDir(dir)) return unwatchTree(dir);
        unwatchTree(abs);
      } else if (info.isDirectory()) {
        watchTree(abs);
      }
    }
    record(abs, info !== undefined);
  };

  const watchTree = (dir: string) => {
    if (closed || watchers.has(dir) || (dir !== moduleRoot && isIgnored(dir))) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: true }, (event, name) => onEvent(dir, event, name));
    } catch (err) {
      if (dir === moduleRoot) throw err;
      return; // removed or unreadable meanwhile: its parent's event covers it
    }
    watcher.on("error", (err) => {
      if (dir === moduleRoot) fail(err);
      else unwatchTree(dir);
    });
    watchers.set(dir, watcher);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (isIgnored(path)) continue;
      known.add(path);
      // Symbolic links to directories are not followed: a link out of the module is not its source.
      if (entry.isDirectory()) watchTree(path);
    }
  };

  function close() {
    if (closed) return;
    closed = true;
    if (timer) clearTimeout(timer);
    for (const w of watchers.values()) w.close();
    watchers.clear();
  }

  if (!existsDir(moduleRoot)) throw inputError(`${displayPath(moduleRoot)} is not a directory: pass the directory of a Go module`, { file: moduleRoot });
  watchTree(moduleRoot);
  return { close, paths: () => [...known].map((abs) => relative(moduleRoot, abs).split(sep).join("/")) };
}

function existsDir(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}

export interface RebuildLoopOptions {
  ignore?: string[];
  ignoreFiles?: readonly FileIdentity[];
  debounceMs?: number;
  /**
   * Starts the slow part of a rebuild while the quiet time runs, when no rebuild is running; false
   * when it could not. Called 2 ms after a change (a save's several events give one call; a change
   * after it, another) and at most MAX_HEAD_STARTS times a batch.
   */
  headStart?(): boolean;
  /**
   * Runs one rebuild; report its own failures. Never called while another is running.
   * `headStarted`: headStart succeeded after the batch's last change, so what it started saw them all.
   */
  rebuild(batch: ChangeBatch, headStarted: boolean): Promise<void>;
  /**
   * A batch whose files are all as they were when the last rebuild that named them started (a
   * save seen as two events, an attribute change): no rebuild; undo what headStart started.
   */
  unchanged?(batch: ChangeBatch): void;
  /** The watch itself failed, or `rebuild` threw. */
  onError?(err: Error): void;
}

export interface RebuildLoop {
  /** Stops watching and resolves when the rebuild in progress, if any, has finished. */
  stop(): Promise<void>;
  /** True while a rebuild runs. */
  readonly building: boolean;
}

/**
 * Watches `root` and calls `rebuild` for each batch of changes, one at a time: everything that
 * changes while a rebuild runs is merged into exactly one more rebuild after it.
 */
export function rebuildOnChange(root: string, options: RebuildLoopOptions): RebuildLoop {
  const moduleRoot = resolve(root);
  let waiting: ChangeBatch | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let lastEventAt = -Infinity;
  let headStartedAt = -Infinity;
  let headStartsThisBatch = 0;
  let headStartQueued = false;
  // Each path's state when the last rebuild whose batch named it started (or the watch did).
  const stateAtRebuild = new Map<string, string>();

  // A checkout or a generator writes many files over many turns: past a few restarts, the
  // head start is left to the rebuild itself.
  const onEvent = () => {
    lastEventAt = performance.now();
    if (!options.headStart || headStartQueued || headStartsThisBatch >= MAX_HEAD_STARTS) return;
    headStartQueued = true;
    setTimeout(() => {
      headStartQueued = false;
      if (stopped || running) return;
      headStartsThisBatch++;
      if (options.headStart!()) headStartedAt = performance.now();
    }, HEAD_START_DELAY_MS);
  };

  const next = () => {
    if (stopped || running || !waiting) return;
    const batch = waiting;
    waiting = undefined;
    const headStarted = headStartedAt >= lastEventAt;
    headStartsThisBatch = 0;
    const states = batch.files.map((f) => [f, fileState(join(moduleRoot, f))] as const);
    const unchanged = states.every(([f, state]) => stateAtRebuild.get(f) === state);
    for (const [f, state] of states) stateAtRebuild.set(f, state);
    if (unchanged) return options.unchanged?.(batch);
    running = options
      .rebuild(batch, headStarted)
      .catch((err: unknown) => options.onError?.(err instanceof Error ? err : new Error(String(err))))
      .finally(() => {
        running = undefined;
        next();
      });
  };

  const watcher = watchModule(root, {
    ignore: options.ignore,
    ...(options.ignoreFiles ? { ignoreFiles: options.ignoreFiles } : {}),
    debounceMs: options.debounceMs,
    onError: options.onError,
    onEvent,
    onChange: (batch) => {
      waiting = waiting
        ? { files: [...new Set([...waiting.files, ...batch.files])].sort(), firstSeenAt: Math.min(waiting.firstSeenAt, batch.firstSeenAt) }
        : batch;
      next();
    },
  });
  // The first build, which starts with the watch, reads the module as it is now.
  for (const path of watcher.paths()) stateAtRebuild.set(path, fileState(join(moduleRoot, path)));

  return {
    get building() {
      return running !== undefined;
    },
    async stop() {
      stopped = true;
      waiting = undefined;
      watcher.close();
      while (running) await running;
    },
  };
}

/** What a rebuild would read differently if it changed: the file's identity, size, modification time and mode. */
function fileState(path: string): string {
  const info = statSync(path, { bigint: true, throwIfNoEntry: false });
  return info === undefined ? "absent" : `${info.ino}:${info.size}:${info.mtimeNs}:${info.mode}`;
}

/** "main.go", "main.go and api/x.go", "main.go, a.go and 3 more" for messages. */
export function describeChanges(files: string[]): string {
  if (files.length === 0) return "a file";
  if (files.length <= 2) return files.join(" and ");
  if (files.length === 3) return `${files[0]}, ${files[1]} and ${files[2]}`;
  return `${files[0]}, ${files[1]} and ${files.length - 2} more`;
}

/**
 * The regular files this process's stdout and stderr write to (`slimgo build --watch > build.log
 * 2>&1` in the module): each line a build prints would otherwise be a change that starts the next.
 */
export function ownOutputFiles(): FileIdentity[] {
  return [1, 2].flatMap((fd) => {
    try {
      const info = fstatSync(fd);
      return info.isFile() ? [{ dev: info.dev, ino: info.ino }] : [];
    } catch {
      return [];
    }
  });
}
