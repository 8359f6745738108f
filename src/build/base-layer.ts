import { rootCertificates } from "node:tls";
import type { TarEntry } from "../tar/write.js";

export const NONROOT_UID = 65532;
export const CA_BUNDLE_PATH = "/etc/ssl/certs/ca-certificates.crt";
export const ZONEINFO_PATH = "/usr/share/zoneinfo/zoneinfo.zip";

export interface BaseLayerOptions {
  caCertificates: boolean;
  /** Path of a Go zoneinfo.zip to include at ZONEINFO_PATH. */
  zoneinfoZip?: string;
  /** Absolute directories the program writes its state to, owned by the non-root user. */
  stateDirectories?: string[];
}

/**
 * The files of slimgo's own base image, the same on every machine: root and a non-root user
 * 65532, /tmp with mode 1777, and only when the program needs them, CA certificates (Node's
 * bundled Mozilla store) and Go's zoneinfo.zip.
 */
export function baseLayerEntries(options: BaseLayerOptions): TarEntry[] {
  const entries: TarEntry[] = [
    { path: "etc/passwd", type: "file", mode: 0o644, content: `root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${NONROOT_UID}:${NONROOT_UID}:nonroot:/home/nonroot:/sbin/nologin\n` },
    { path: "etc/group", type: "file", mode: 0o644, content: `root:x:0:\nnonroot:x:${NONROOT_UID}:\n` },
    { path: "home/nonroot", type: "dir", mode: 0o755, uid: NONROOT_UID, gid: NONROOT_UID },
    { path: "tmp", type: "dir", mode: 0o1777 },
  ];
  if (options.caCertificates) {
    entries.push({ path: CA_BUNDLE_PATH, type: "file", mode: 0o644, content: `${rootCertificates.join("\n")}\n` });
  }
  if (options.zoneinfoZip) {
    entries.push({ path: ZONEINFO_PATH, type: "file", mode: 0o644, sourcePath: options.zoneinfoZip });
  }
  entries.push(...stateDirectoryEntries(options.stateDirectories ?? []));
  return entries;
}

/** The directories a program writes its state to, owned by the non-root user it runs as (it could not create them). */
export function stateDirectoryEntries(paths: readonly string[]): TarEntry[] {
  return paths.map((path) => ({ path: path.replace(/^\/+/, ""), type: "dir", mode: 0o755, uid: NONROOT_UID, gid: NONROOT_UID }));
}

/** What the base layer holds, for its history entry. */
export function describeBaseLayer(options: BaseLayerOptions): string {
  const parts = ["passwd and group with uid 65532", "/tmp (1777)"];
  if (options.caCertificates) parts.push(`CA certificates (Node ${process.versions.node} Mozilla store)`);
  if (options.zoneinfoZip) parts.push("Go zoneinfo.zip");
  if (options.stateDirectories?.length) parts.push(`${options.stateDirectories.join(" ")} (owned by ${NONROOT_UID})`);
  return `slimgo base: ${parts.join(", ")}`;
}
