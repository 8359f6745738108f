#!/bin/sh
":" /*
# This file is both a sh script and the JavaScript that Node runs. sh reads up to `exec node`;
# Node skips the first line and takes this sh part for a comment.
#
# Why sh first: for `slimgo build`, it starts the go build the last build in this directory ran
# (the plan src/build/go-build-plan.ts records) about 80 ms before Node could, and Node takes it
# over (src/build/speculation.ts). Nothing is started unless the plan file reads as one, and
# only `go build` ($SLIMGO_GO) is ever run from it. setsid gives the build its own process
# group, so that Node can stop it with everything it started.
slimgo_start_go_build() {
  [ "$1" = build ] && [ -z "${SLIMGO_NO_SPECULATION-}" ] && command -v setsid >/dev/null 2>&1 || return 0
  cd -P . 2>/dev/null || return 0
  slimgo_plan="${SLIMGO_CACHE_DIR-${XDG_CACHE_HOME-$HOME/.cache}/slimgo}/go-build-plans$PWD/@plan"
  [ -r "$slimgo_plan" ] || return 0
  slimgo_go=${SLIMGO_GO-go}
  case $slimgo_go in "" | -* | *=*) return 0 ;; esac
  set --
  {
    IFS= read -r line && [ "$line" = "slimgo go build plan 1" ] || return 0
    IFS= read -r cwd && [ -n "$cwd" ] && IFS= read -r kept || return 0
    while IFS= read -r line && [ "$line" != -- ]; do
      case $line in [A-Za-z_]*=*) set -- "$@" "$line" ;; *) return 0 ;; esac
    done
    [ "$line" = -- ] && IFS= read -r line && [ "$line" = build ] || return 0
    set -- "$@" -- build
    while IFS= read -r line; do set -- "$@" "$line"; done
  } <"$slimgo_plan"
  slimgo_dir="${TMPDIR:-/tmp}/slimgo-speculative-$$"
  mkdir -m 700 "$slimgo_dir" 2>/dev/null || return 0
  # Writes the plan it runs (for Node to compare), then runs env NAME=value... go build ..., with
  # the empty line as the -o path, and writes go's exit status (one write) when it has ended.
  setsid sh -c '
    d=$1 cwd=$2 kept=$3 go=$4 owner=$5
    shift 5
    printf "%s\n" "slimgo go build plan 1" "$cwd" "$kept" "$@" >"$d/plan"
    for a; do
      shift
      case $a in --) a=$go ;; "") a=$d/binary ;; esac
      set -- "$@" "$a"
    done
    [ -z "$kept" ] || ln -- "$kept" "$d/binary" 2>/dev/null
    mkdir "$d/gotmp"
    if cd "$cwd"; then
      env GOTMPDIR="${GOTMPDIR:-$d/gotmp}" "$@" 2>"$d/stderr"
      echo $? >"$d/status"
    else
      echo 127 >"$d/status"
    fi
    # Node (the pid of the script that started this, as exec keeps it) removes the dir; when it
    # has died first (a Ctrl-C before it took the build over), nothing else would.
    kill -0 "$owner" 2>/dev/null || rm -rf "$d"
  ' slimgo-go-build "$slimgo_dir" "$cwd" "$kept" "$slimgo_go" "$$" "$@" </dev/null >/dev/null 2>&1 &
  SLIMGO_LAUNCHED_GO_BUILD="$!:$slimgo_dir"
  export SLIMGO_LAUNCHED_GO_BUILD
}
slimgo_start_go_build "$@"
exec node "$0" "$@"
*/
import { availableParallelism } from "node:os";

// Layers are gzipped on libuv's thread pool (src/tar/parallel-gzip.ts); its default of 4 threads
// would leave most cores of a larger machine idle. It is read when the pool first starts.
process.env.UV_THREADPOOL_SIZE ??= String(Math.min(Math.max(4, availableParallelism()), 64));

// `slimgo build` starts the last build's `go build` before the CLI loads, unless the sh part
// above has (see src/build/speculation.ts).
if (process.argv[2] === "build") (await import("../dist/src/build/speculation.js")).speculate(process.cwd());
const { main } = await import("../dist/src/cli/main.js");

// `slimgo ... | head` closes stdout early: that is not an error.
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});
process.exitCode = await main(process.argv.slice(2));
