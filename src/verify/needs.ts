/** Which Go binaries in the image link code with a given run-time need. */
import type { GoBinaryInfo, LinkedNeed } from "../gobinary/index.js";
import type { GoBinaryInImage, ImageView } from "./image-view.js";

export type NeedName = "tlsClient" | "zoneinfo" | "tempFiles" | "osUser";

export interface BinaryNeed {
  binary: GoBinaryInImage;
  /** "/app links crypto/tls.(*Conn).clientHandshake, …" */
  evidence: string;
}

const SHOWN_FUNCTIONS = 3;

export function binariesNeeding(view: Pick<ImageView, "goBinaries">, need: NeedName): BinaryNeed[] {
  return view.goBinaries
    .filter((b) => (b.info.runtime[need] as LinkedNeed).linked)
    .map((binary) => {
      const functions = (binary.info.runtime[need] as LinkedNeed).evidence;
      const shown = functions.slice(0, SHOWN_FUNCTIONS).join(", ");
      const more = functions.length > SHOWN_FUNCTIONS ? ` and ${functions.length - SHOWN_FUNCTIONS} more` : "";
      return { binary, evidence: `${binary.path} links ${shown}${more}` };
    });
}

/** golang.org/x/crypto/x509roots/fallback: a binary that links it carries its own CA roots. */
export const EMBEDDED_ROOTS_PACKAGE = "golang.org/x/crypto/x509roots/fallback";

/** True when the binary opens TLS client connections and needs the image's CA certificates for them. */
export function needsCaCertificates(info: Pick<GoBinaryInfo, "runtime" | "linked">): boolean {
  return info.runtime.tlsClient.linked && !(info.linked?.packages ?? []).includes(EMBEDDED_ROOTS_PACKAGE);
}
