import { skipUnless } from "../../support/tools.js";

/** Registry tests start real tools: skipped with the container tests (npm run test:unit), else when a tool is missing. */
export function skipUnlessRegistryTools(...tools: string[]): string | false {
  if (process.env.SLIMGO_SKIP_CONTAINERS === "1") return "SLIMGO_SKIP_CONTAINERS=1";
  return skipUnless("docker-registry", ...tools);
}
