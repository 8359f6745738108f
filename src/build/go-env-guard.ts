import { inputError } from "../errors.js";

/**
 * Variables slimgo sets from --platform and --cgo: given in go-env they would make a binary the
 * image does not describe (arm64 code labelled amd64, a PE file, a dynamic binary on a base with
 * no C library), and skip the checks those flags make.
 */
const SET_BY_FLAG: Record<string, string> = {
  GOOS: "--platform (or build.platforms)",
  GOARCH: "--platform (or build.platforms)",
  CGO_ENABLED: "--cgo with a --base that has the C library",
};

/** Refuses a go-env variable that a flag owns; `named(key)` says where it was given (`slimgo.yaml:9: build.go-env.GOOS`). */
export function checkGoEnv(goEnv: Record<string, string>, named: (key: string) => string): void {
  for (const key of Object.keys(goEnv)) {
    const flag = SET_BY_FLAG[key];
    if (flag) throw inputError(`${named(key)}: slimgo sets ${key} itself, so the image describes the binary: use ${flag} instead`);
  }
}
