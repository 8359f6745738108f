/**
 * The zoneinfo.zip of the Go toolchain that builds the image, for slimgo's base layer.
 *
 * Go's own distribution has it at $GOROOT/lib/time/zoneinfo.zip. Debian's and Ubuntu's golang-go
 * packages leave lib/time out, but ship the same zip as a string constant in
 * $GOROOT/src/time/tzdata (what `import _ "time/tzdata"` embeds): zipdata.go up to Go 1.20, made
 * with strconv.Quote in 60-byte pieces joined by `+`; zzipdata.go from Go 1.21, one literal that
 * cmd/dist writes with \x escapes. Decoding the constant gives the zip byte for byte, so the image
 * gets that Go's time zone data as a file instead of 430 KB more binary in every rebuild.
 */
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { mkdir, readFile, utimes } from "node:fs/promises";
import { dirname, join } from "node:path";
import { SlimgoError } from "../errors.js";
import { writeFilesAtomically } from "../fsutil/atomic-write.js";
import { cacheDir } from "./cache-dir.js";

export interface GoZoneinfo {
  /** The zoneinfo.zip to put in the image; decoding the constant the first time takes about 0.1 s, so it starts when asked. */
  zip: () => Promise<string>;
}

const decoding = new Map<string, Promise<string>>();

/** The toolchain's time zone data, or undefined when it has neither lib/time/zoneinfo.zip nor the tzdata package's constant. */
export function findGoZoneinfo(goroot: string): GoZoneinfo | undefined {
  const shipped = join(goroot, "lib", "time", "zoneinfo.zip");
  if (existsSync(shipped)) return { zip: async () => shipped };
  const sources = ["zzipdata.go", "zipdata.go"].map((name) => join(goroot, "src", "time", "tzdata", name));
  const source = sources.find((path) => existsSync(path));
  if (source === undefined) return undefined;
  const stat = statSync(source);
  const key = createHash("sha256").update(`${source}\0${stat.size}\0${stat.mtimeMs}`).digest("hex").slice(0, 32);
  const decoded = join(cacheDir(), "zoneinfo", `${key}.zip`);
  const zip = () => {
    let running = decoding.get(decoded);
    if (!running) {
      running = existsSync(decoded) ? Promise.resolve(decoded) : decodeInto(source, decoded);
      decoding.set(decoded, running);
      running.catch(() => decoding.delete(decoded));
    }
    return running.then(touched);
  };
  return { zip };
}

/** A use: the cache is pruned least recently used first (layer-cache.ts pruneBuildCache). */
async function touched(path: string): Promise<string> {
  const now = new Date();
  await utimes(path, now, now).catch(() => undefined);
  return path;
}

async function decodeInto(source: string, target: string): Promise<string> {
  const zip = zipFromZipdataGo(await readFile(source, "utf8"));
  if (!zip) throw new SlimgoError(`${source}: no zoneinfo.zip in its zipdata constant; build with --base (an image with /usr/share/zoneinfo), or reinstall Go`);
  await mkdir(dirname(target), { recursive: true });
  await writeFilesAtomically([{ path: target, content: zip }]);
  return target;
}

/** The bytes of `const zipdata = "…" + "…"`, or undefined when the file does not hold a zip that way. */
export function zipFromZipdataGo(text: string): Buffer | undefined {
  const start = text.search(/^const zipdata = "/m);
  if (start < 0) return undefined;
  const parts: Buffer[] = [];
  const literal = /"((?:[^"\\\n]|\\.)*)"(\s*\+\s*)?/gy;
  literal.lastIndex = text.indexOf('"', start);
  for (let m = literal.exec(text); m; m = literal.exec(text)) {
    parts.push(goStringBytes(m[1]!));
    if (!m[2]) break;
  }
  const zip = Buffer.concat(parts);
  // A zip starts with a local file header and ends with the end-of-central-directory record (no comment).
  const ends = zip.length >= 22 && zip.readUInt32LE(zip.length - 22) === 0x06054b50;
  return zip.length >= 4 && zip.readUInt32LE(0) === 0x04034b50 && ends ? zip : undefined;
}

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92, '"': 34, "'": 39 };

/** The bytes of a Go interpreted string literal's body: \x and octal escapes are bytes, \u and \U and plain characters UTF-8. */
export function goStringBytes(body: string): Buffer {
  // No escape makes more bytes than its text, and UTF-8 is at most 3 bytes per UTF-16 unit.
  const out = Buffer.allocUnsafe(body.length * 3);
  let n = 0;
  let plain = 0;
  for (let i = body.indexOf("\\"); i >= 0; i = body.indexOf("\\", plain)) {
    if (i > plain) n += out.write(body.slice(plain, i), n, "utf8");
    const e = body[i + 1]!;
    let length = 2;
    if (e === "x") {
      out[n++] = (hexDigit(body.charCodeAt(i + 2)) << 4) | hexDigit(body.charCodeAt(i + 3));
      length = 4;
    } else if (e === "u" || e === "U") {
      length = e === "u" ? 6 : 10;
      n += out.write(String.fromCodePoint(parseInt(body.slice(i + 2, i + length), 16)), n, "utf8");
    } else if (e >= "0" && e <= "7") {
      out[n++] = ((body.charCodeAt(i + 1) - 48) << 6) | ((body.charCodeAt(i + 2) - 48) << 3) | (body.charCodeAt(i + 3) - 48);
      length = 4;
    } else {
      const b = SIMPLE_ESCAPES[e];
      if (b === undefined) throw new Error(`unknown escape \\${e} in a Go string`);
      out[n++] = b;
    }
    plain = i + length;
  }
  n += out.write(body.slice(plain), n, "utf8");
  return Buffer.from(out.subarray(0, n));
}

function hexDigit(code: number): number {
  return code <= 57 ? code - 48 : (code | 32) - 87;
}
