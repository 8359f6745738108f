/**
 * Every action and CI image the generated pipelines use, pinned to a release tag (never a moving
 * major like @v4 or :latest). Tags, not commit SHAs: slimgo cannot check SHAs offline, and a wrong
 * SHA fails the first run. Teams that pin by SHA can let Dependabot or Renovate rewrite these.
 */
export const ACTIONS = {
  checkout: "actions/checkout@v4.2.2",
  setupNode: "actions/setup-node@v4.1.0",
  setupGo: "actions/setup-go@v5.1.0",
  setupQemu: "docker/setup-qemu-action@v3.2.0",
  setupBuildx: "docker/setup-buildx-action@v3.7.1",
  login: "docker/login-action@v3.3.0",
  metadata: "docker/metadata-action@v5.5.1",
  buildPush: "docker/build-push-action@v6.9.0",
  scan: "anchore/scan-action@v6.2.0",
  uploadSarif: "github/codeql-action/upload-sarif@v3.27.0",
} as const;

export const CI_IMAGES = {
  docker: "docker:27.3.1",
  dind: "docker:27.3.1-dind",
  node: "node:20.18.0-bookworm",
  trivy: "aquasec/trivy:0.56.2",
} as const;

/** The platforms every pipeline builds. */
export const CI_PLATFORMS = "linux/amd64,linux/arm64";

/** How pipelines run slimgo: the published package, at the version that wrote them. */
export function slimgoCommand(version: string): string {
  return `npx --yes slimgo@${version}`;
}
