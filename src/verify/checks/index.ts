/** Every verify check, in report order. Adding a check: one file here and one line below. */
import type { VerifyCheck } from "../types.js";
import { check as entrypoint } from "./SV001-entrypoint.js";
import { check as healthcheck } from "./SV002-healthcheck.js";
import { check as linking } from "./SV003-linking.js";
import { check as architecture } from "./SV004-architecture.js";
import { check as nonRootUser } from "./SV005-non-root-user.js";
import { check as caCertificates } from "./SV006-ca-certificates.js";
import { check as zoneinfo } from "./SV007-zoneinfo.js";
import { check as writableTmp } from "./SV008-writable-tmp.js";
import { check as passwdEntry } from "./SV009-passwd-entry.js";
import { check as noToolchain } from "./SV010-no-toolchain.js";
import { check as noSecretFiles } from "./SV011-no-secret-files.js";
import { check as noSecretsInConfig } from "./SV012-no-secrets-in-config.js";
import { check as maxSize } from "./SV013-max-size.js";
import { check as noShell } from "./SV014-no-shell.js";
import { check as noPackageManager } from "./SV015-no-package-manager.js";
import { check as signals } from "./SV016-signals.js";

export const checks: readonly VerifyCheck[] = [
  entrypoint,
  healthcheck,
  linking,
  architecture,
  nonRootUser,
  caCertificates,
  zoneinfo,
  writableTmp,
  passwdEntry,
  noToolchain,
  noSecretFiles,
  noSecretsInConfig,
  maxSize,
  noShell,
  noPackageManager,
  signals,
];
