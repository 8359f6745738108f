import { homedir } from "node:os";
import { join } from "node:path";

/** `$SLIMGO_CACHE_DIR`, else `$XDG_CACHE_HOME/slimgo`, else `~/.cache/slimgo`. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SLIMGO_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "slimgo");
}
