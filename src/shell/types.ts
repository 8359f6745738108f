/** A shell word with its unquoted value and where it sits in the text it was read from (a Dockerfile, a script). */
export interface ShellWord {
  value: string;
  /** Offsets into that text: [start, end). */
  start: number;
  end: number;
  /** True when any part of the word was quoted. */
  quoted: boolean;
}

/** One simple command: leading VAR=value assignments, then the command words. */
export interface ShellCommand {
  assignments: { name: string; value: string; word: ShellWord }[];
  words: ShellWord[];
  /** The command name (first word), or "" when the command is only assignments. */
  name: string;
  /** The operator that follows this command ("&&", "||", ";", "|", "&", "\n" or "" at the end). */
  next: string;
  /** The `sh -c '...'`, `su -c '...'` or `["sh", "-c", "..."]` script this command is in; undefined at the RUN's own level. */
  script?: NestedScript;
}

/** A script given to a shell as one quoted string (`sh -c 'go build'`), read in place: its words point into the Dockerfile. */
export interface NestedScript {
  /** The command that runs the script, in the script around it. */
  host: ShellCommand;
  /** The shell as messages name it ("sh", "su -", "runuser -l"). */
  shell: string;
  /** Variables of the host's environment the script's shell keeps (su and runuser reset some or all). */
  keeps: (name: string) => boolean;
  /**
   * `'` or `"` around the script; `"` also for the JSON string of an exec-form RUN. "" for such a
   * string with a backslash escape: its words point at the whole string and no edit may land in it.
   */
  quote: "'" | '"' | "";
  /** Offsets of the text between the quotes: [start, end); the whole string, quotes included, for quote "". */
  start: number;
  end: number;
}
