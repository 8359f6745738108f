import type { ImageView } from "../image-view.js";
import { imageEnv, pathsUnder, resolveImagePath } from "../image-paths.js";
import { binariesNeeding, needsCaCertificates } from "../needs.js";
import { fail, pass, skip, type VerifyCheck } from "../types.js";

/** Where Go's crypto/x509 looks on Linux (root_linux.go), in its order. */
export const GO_CERT_FILES = [
  "/etc/ssl/certs/ca-certificates.crt",
  "/etc/pki/tls/certs/ca-bundle.crt",
  "/etc/ssl/ca-bundle.pem",
  "/etc/pki/tls/cacert.pem",
  "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
  "/etc/ssl/cert.pem",
];
export const GO_CERT_DIRS = ["/etc/ssl/certs", "/etc/pki/tls/certs"];

/** Roots compiled into the binary (Go 1.20+); no files needed. */

function nonEmptyFile(view: ImageView, path: string): string | undefined {
  const resolved = resolveImagePath(view, path);
  return resolved?.entry?.type === "file" && resolved.entry.size > 0 ? resolved.path : undefined;
}

function certsInDir(view: ImageView, dir: string): number {
  const resolved = resolveImagePath(view, dir);
  if (resolved?.entry?.type !== "dir") return 0;
  let count = 0;
  for (const [path, entry] of pathsUnder(view, resolved.path)) {
    if (path.slice(resolved.path.length + 1).includes("/")) continue; // Go reads one level only
    if (entry.type === "symlink" ? nonEmptyFile(view, path) !== undefined : entry.type === "file" && entry.size > 0) count++;
  }
  return count;
}

/** Why a bundle path that is in the image gives Go no roots; undefined when it is absent. */
function unusableFile(view: ImageView, path: string): string | undefined {
  const own = resolveImagePath(view, path, false)?.entry;
  if (own === undefined) return undefined;
  const resolved = resolveImagePath(view, path);
  if (resolved?.entry === undefined) return `${path} is a link to ${resolved?.path ?? own.linkTarget}, which is not in the image`;
  if (resolved.entry.type === "file" && resolved.entry.size === 0) return `${path} is empty`;
  if (resolved.entry.type !== "file") return `${path} is a ${resolved.entry.type}, not a file`;
  return undefined;
}

/** Why a certificate directory that is in the image gives Go no roots; undefined when it is absent. */
function unusableDir(view: ImageView, dir: string): string | undefined {
  const resolved = resolveImagePath(view, dir);
  if (resolved?.entry?.type !== "dir") return undefined;
  let dangling = 0;
  let entries = 0;
  for (const [path, entry] of pathsUnder(view, resolved.path)) {
    if (path.slice(resolved.path.length + 1).includes("/")) continue;
    entries++;
    if (entry.type === "symlink" && nonEmptyFile(view, path) === undefined) dangling++;
  }
  if (entries === 0) return `${dir} is an empty directory`;
  if (dangling > 0) return `${dir} holds ${dangling} link${dangling === 1 ? "" : "s"} to certificates that are not in the image (copy the files they point to, or the bundle itself)`;
  return `${dir} holds no certificate files`;
}

export const check: VerifyCheck = {
  id: "SV006",
  name: "ca-certificates",
  title: "CA certificates are where Go looks for them when a binary opens TLS client connections",
  async run(view) {
    const needs = binariesNeeding(view, "tlsClient").filter((n) => needsCaCertificates(n.binary.info));
    if (needs.length === 0) return skip("no Go binary opens TLS client connections with the system roots");
    const evidence = needs.map((n) => n.evidence);
    const env = imageEnv(view);
    const certFile = env.get("SSL_CERT_FILE");
    const certDir = env.get("SSL_CERT_DIR");
    // SSL_CERT_FILE and SSL_CERT_DIR replace Go's default file and directory lists.
    const files = certFile !== undefined && certFile !== "" ? [certFile] : GO_CERT_FILES;
    const dirs = certDir !== undefined && certDir !== "" ? certDir.split(":").filter(Boolean) : GO_CERT_DIRS;
    if (certFile) evidence.push(`SSL_CERT_FILE=${certFile}`);
    if (certDir) evidence.push(`SSL_CERT_DIR=${certDir}`);
    for (const file of files) {
      const found = nonEmptyFile(view, file);
      if (found !== undefined) return pass(`CA bundle ${file} is in the image`, [...evidence, `${file} → ${found}, ${resolveImagePath(view, found)?.entry?.size ?? 0} bytes`]);
    }
    for (const dir of dirs) {
      const count = certsInDir(view, dir);
      if (count > 0) return pass(`${count} certificate file${count === 1 ? "" : "s"} in ${dir}`, [...evidence, `${dir}: ${count} files`]);
    }
    const unusable = [...files.map((file) => unusableFile(view, file)), ...dirs.map((dir) => unusableDir(view, dir))].filter((s) => s !== undefined);
    const absent = [...files, ...dirs].filter((path) => resolveImagePath(view, path, false)?.entry === undefined);
    if (absent.length > 0) evidence.push(`none of ${absent.join(", ")} is in the image`);
    evidence.push(...unusable);
    const what = unusable.length > 0 ? "no usable CA certificates" : "no CA certificates";
    return fail(
      `a Go binary makes TLS client connections but the image has ${what}, so every HTTPS call fails with "x509: failed to load system roots": COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/`,
      evidence,
    );
  },
};
