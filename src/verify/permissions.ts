/**
 * Whether the container's user may execute or read a file, as the kernel decides: the owner's bits for
 * its owner, the group's bits for a member of its group, the others' bits otherwise. Root (with the
 * capabilities a container's root has) reads anything and searches any directory, but runs a file
 * only when some execute bit is set.
 */
import type { FileEntry } from "./image-view.js";
import type { Credentials } from "./users.js";

export type Access = "execute" | "read";

export function mayAccess(entry: FileEntry, who: Credentials, access: Access): boolean {
  if (who.uid === 0) return access === "read" || entry.type === "dir" || (entry.mode & 0o111) !== 0;
  const bit = access === "execute" ? 0o1 : 0o4;
  const shift = entry.uid === who.uid ? 6 : who.gids.includes(entry.gid) ? 3 : 0;
  return ((entry.mode >> shift) & bit) !== 0;
}

/** `mode 0700, owner 0:0` */
export function describeOwnership(entry: FileEntry): string {
  return `mode ${entry.mode.toString(8).padStart(4, "0")}, owner ${entry.uid}:${entry.gid}`;
}
