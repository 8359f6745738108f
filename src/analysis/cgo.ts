/** cgo: files that import "C", and dependencies known to need cgo (with a pure-Go alternative when one exists). */
import { evidenceAt, uniqueEvidence } from "./evidence.js";
import type { GoSourceFile } from "./go-source.js";
import type { CgoFacts, Evidence } from "./types.js";

export const KNOWN_CGO_MODULES: { module: string; alternative?: string }[] = [
  { module: "github.com/mattn/go-sqlite3", alternative: "modernc.org/sqlite" },
  { module: "github.com/confluentinc/confluent-kafka-go", alternative: "github.com/segmentio/kafka-go or github.com/twmb/franz-go" },
  { module: "github.com/confluentinc/confluent-kafka-go/v2", alternative: "github.com/segmentio/kafka-go or github.com/twmb/franz-go" },
  { module: "github.com/ianlancetaylor/cgosymbolizer" },
  { module: "github.com/DataDog/zstd", alternative: "github.com/klauspost/compress/zstd" },
  { module: "github.com/valyala/gozstd", alternative: "github.com/klauspost/compress/zstd" },
  { module: "github.com/mattn/go-oci8", alternative: "github.com/sijms/go-ora/v2" },
  { module: "github.com/libgit2/git2go", alternative: "github.com/go-git/go-git/v5" },
  { module: "github.com/google/gopacket/pcap" },
  { module: "github.com/h2non/bimg" },
  { module: "gopkg.in/gographics/imagick.v3" },
];

/**
 * `required` when a file of the build graph imports "C" or the program imports a known cgo module that
 * the module requires (go.mod or vendor/modules.txt).
 */
export function cgoFacts(files: GoSourceFile[], requiredModules: Set<string>): CgoFacts {
  const evidence: Evidence[] = [];
  const dependencies: CgoFacts["dependencies"] = [];
  for (const src of files) {
    for (const imp of src.imports) {
      if (imp.path === "C") evidence.push(evidenceAt(src, imp.line));
      const known = KNOWN_CGO_MODULES.find((k) => imp.path === k.module || imp.path.startsWith(`${k.module}/`));
      if (!known || dependencies.some((d) => d.module === known.module)) continue;
      const required = [...requiredModules].some((m) => known.module === m || known.module.startsWith(`${m}/`));
      if (!required) continue;
      const dep: CgoFacts["dependencies"][number] = { module: known.module, evidence: evidenceAt(src, imp.line) };
      if (known.alternative) dep.alternative = known.alternative;
      dependencies.push(dep);
    }
  }
  return { required: evidence.length > 0 || dependencies.length > 0, evidence: uniqueEvidence(evidence), dependencies };
}
