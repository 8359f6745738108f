/**
 * RUN commands that put a Go toolchain into an image that is not a golang image: a distribution's
 * Go package (apt-get install golang-go, apk add go) or the go.dev tarball unpacked by tar.
 */
import { unwrapCommand } from "./command-wrappers.js";
import type { InstructionModel, ShellWord } from "./types.js";

/** Debian/Ubuntu (golang, golang-go, golang-1.19, golang-1.19-go) and Fedora/RHEL (golang) Go packages. */
const distroGoPackage = /^golang(-go|-any|-\d+\.\d+(-go)?)?$/;
/** The Go release archive: go1.22.3.linux-amd64.tar.gz, go${GO_VERSION}.linux-${TARGETARCH}.tar.gz. */
const goTarball = /(^|\/)go[^/\s]*\.linux-[^/\s]*\.tar\.gz$/;

/** How `ins` installs a Go toolchain that stays in the image ("apt-get install golang-go"), or undefined. */
export function toolchainInstall(ins: InstructionModel): string | undefined {
  if (ins.keyword !== "RUN") return undefined;
  const commands = ins.commands.map((c) => unwrapCommand(c).words.map((w: ShellWord) => w.value));
  for (let i = 0; i < commands.length; i++) {
    const found = installIn(commands[i]!, commands);
    if (found && !commands.slice(i + 1).some(removesToolchain)) return found;
  }
  return undefined;
}

function installIn(words: string[], all: string[][]): string | undefined {
  const [tool, sub] = words;
  const packages = words.slice(2).filter((w) => !w.startsWith("-")).map((w) => w.replace(/[=/].*$/, "").replace(/:[a-z0-9]+$/, ""));
  if ((tool === "apt-get" || tool === "apt" || tool === "dnf" || tool === "yum" || tool === "microdnf") && sub === "install") {
    const pkg = packages.find((p) => distroGoPackage.test(p));
    if (pkg) return `${tool} install ${pkg}`;
  }
  if (tool === "apk" && sub === "add" && packages.includes("go")) return "apk add go";
  const tarball = words.find((w) => goTarball.test(w));
  if (tarball && all.some((c) => c[0] === "tar")) return `${tarball.split("/").pop()} unpacked by tar`;
  return undefined;
}

function removesToolchain(words: string[]): boolean {
  const [tool, sub] = words;
  const rest = words.slice(2);
  if ((tool === "apt-get" || tool === "apt") && (sub === "purge" || sub === "remove" || sub === "autoremove")) return rest.some((w) => distroGoPackage.test(w));
  if ((tool === "dnf" || tool === "yum") && (sub === "remove" || sub === "erase")) return rest.some((w) => distroGoPackage.test(w));
  if (tool === "apk" && sub === "del") return rest.includes("go");
  return tool === "rm" && words.some((w) => /^\/usr\/local\/go\/?$/.test(w));
}
