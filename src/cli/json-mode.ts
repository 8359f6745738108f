import type { Command, Option } from "commander";

/**
 * Whether the command line asks for JSON on stdout: `--json`, or `--format json` where the command
 * has --format. Read from `argv` the way commander reads options, so that it is known also when
 * parsing stopped at an error before reaching them (`build --format bad --json`), and a value that
 * only looks like an option (`build --arg --json`) does not count.
 */
export function asksForJson(program: Command, argv: readonly string[]): boolean {
  // Options before the command are slimgo's own (--version, --help), and take no value.
  const at = argv.findIndex((a) => !a.startsWith("-"));
  if (at === -1) return false;
  const cmd = program.commands.find((c) => c.name() === argv[at] || c.aliases().includes(argv[at]!));
  const args = argv.slice(at + 1);
  if (!cmd) return args.slice(0, endOfOptions(args)).includes("--json");
  const find = (flag: string) => cmd.options.find((o) => o.long === flag || o.short === flag);
  let json = false;
  let format: string | undefined;
  const seen = (option: Option | undefined, value?: string) => {
    if (option?.long === "--json") json = true;
    if (option?.long === "--format") format = value;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") break;
    if (!arg.startsWith("-") || arg === "-") continue;
    const option = find(arg);
    if (option) {
      const takesNext = option.required || (option.optional && i + 1 < args.length && !args[i + 1]!.startsWith("-"));
      seen(option, takesNext ? args[++i] : undefined);
    } else if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      if (eq > 0) seen(find(arg.slice(0, eq)), arg.slice(eq + 1));
    } else {
      // -qt1.2: flags, then one that takes the rest (or the next argument) as its value.
      for (let j = 1; j < arg.length; j++) {
        const short = find(`-${arg[j]}`);
        if (!short) break;
        if (short.required || short.optional) {
          seen(short, j + 1 < arg.length ? arg.slice(j + 1) : short.required ? args[++i] : undefined);
          break;
        }
        seen(short);
      }
    }
  }
  return json || format === "json";
}

function endOfOptions(args: readonly string[]): number {
  const i = args.indexOf("--");
  return i === -1 ? args.length : i;
}
