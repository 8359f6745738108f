import type { GoBuildInfo, GoModule } from "../gobinary/types.js";

/** An SPDX 2.3 JSON document (the fields slimgo writes). */
export interface SpdxDocument {
  spdxVersion: "SPDX-2.3";
  dataLicense: "CC0-1.0";
  SPDXID: "SPDXRef-DOCUMENT";
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: SpdxPackage[];
  relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
}

interface SpdxPackage {
  name: string;
  SPDXID: string;
  versionInfo: string;
  downloadLocation: "NOASSERTION";
  filesAnalyzed: false;
  supplier?: string;
  checksums?: { algorithm: "SHA256"; checksumValue: string }[];
  externalRefs: { referenceCategory: "PACKAGE-MANAGER"; referenceType: "purl"; referenceLocator: string }[];
  comment?: string;
}

export interface SbomSubject {
  /** The binary's name and platform, e.g. "notes linux/arm64". */
  name: string;
  /** Digest of the image the SBOM describes: makes the namespace unique and stable. */
  imageDigest: string;
  created: string;
  tool: string;
}

/**
 * An SPDX 2.3 SBOM from a Go binary's embedded build information: the main module, every
 * dependency with its version and go.sum checksum, the Go standard library, and the build settings.
 */
export function spdxFromBuildInfo(info: GoBuildInfo, subject: SbomSubject): SpdxDocument {
  const main = info.main ?? { path: info.path ?? subject.name, version: "(devel)" };
  const packages: SpdxPackage[] = [];
  const relationships: SpdxDocument["relationships"] = [];
  const mainId = "SPDXRef-Package-main";
  packages.push({
    ...goPackage(main, mainId),
    comment: `Built with ${info.goVersion}; build settings: ${info.settings.map((s) => `${s.key}=${s.value}`).join(" ")}`,
  });
  relationships.push({ spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: mainId });

  const stdlibId = "SPDXRef-Package-stdlib";
  packages.push({
    name: "stdlib",
    SPDXID: stdlibId,
    versionInfo: info.goVersion,
    downloadLocation: "NOASSERTION",
    filesAnalyzed: false,
    externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: `pkg:golang/stdlib@${info.goVersion.replace(/^go/, "v")}` }],
  });
  relationships.push({ spdxElementId: mainId, relationshipType: "DEPENDS_ON", relatedSpdxElement: stdlibId });

  const sorted = [...info.deps].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  sorted.forEach((dep, i) => {
    const id = `SPDXRef-Package-${i + 1}-${spdxIdSafe(dep.path)}`;
    packages.push(goPackage(dep.replace ?? dep, id, dep.replace ? `replaces ${dep.path} ${dep.version}` : undefined));
    relationships.push({ spdxElementId: mainId, relationshipType: "DEPENDS_ON", relatedSpdxElement: id });
  });

  return {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: subject.name,
    documentNamespace: `https://spdx.org/spdxdocs/slimgo/${encodeURIComponent(main.path)}/${subject.imageDigest.replace(":", "-")}`,
    creationInfo: { created: subject.created, creators: [`Tool: ${subject.tool}`] },
    packages,
    relationships,
  };
}

function goPackage(module: GoModule, id: string, comment?: string): SpdxPackage {
  const pkg: SpdxPackage = {
    name: module.path,
    SPDXID: id,
    versionInfo: module.version,
    downloadLocation: "NOASSERTION",
    filesAnalyzed: false,
    externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: purl(module) }],
  };
  const checksum = module.sum ? h1ToHex(module.sum) : undefined;
  if (checksum) pkg.checksums = [{ algorithm: "SHA256", checksumValue: checksum }];
  if (comment) pkg.comment = comment;
  return pkg;
}

/** pkg:golang/github.com/foo/bar@v1.2.3 (purl escapes each path segment). */
function purl(module: GoModule): string {
  const path = module.path.split("/").map(encodeURIComponent).join("/");
  return module.version && module.version !== "(devel)" ? `pkg:golang/${path}@${encodeURIComponent(module.version)}` : `pkg:golang/${path}`;
}

/** go.sum's "h1:" is base64 of a SHA-256 over the module's file hashes; SPDX wants hex. */
function h1ToHex(sum: string): string | undefined {
  if (!sum.startsWith("h1:")) return undefined;
  const bytes = Buffer.from(sum.slice(3), "base64");
  return bytes.length === 32 ? bytes.toString("hex") : undefined;
}

function spdxIdSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9.-]/g, "-");
}
