/** inParallel runs slimgo build's go builds (one per program and platform) a few at a time. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { inParallel } from "../../src/build/go-build.js";

test("keeps results in order and never runs more than the limit at once", async () => {
  let running = 0;
  let most = 0;
  const tasks = [30, 5, 20, 1, 10].map((ms, i) => async () => {
    most = Math.max(most, ++running);
    await sleep(ms);
    running--;
    return i;
  });
  assert.deepEqual(await inParallel(tasks, 2), [0, 1, 2, 3, 4]);
  assert.equal(most, 2);
});

test("starts no task after one has failed: the build has failed already", async () => {
  const started: number[] = [];
  const tasks = [0, 1, 2, 3, 4].map((i) => async () => {
    started.push(i);
    await sleep(i === 1 ? 1 : 20);
    if (i === 1) throw new Error("task 1 failed");
    return i;
  });
  await assert.rejects(inParallel(tasks, 2), /task 1 failed/);
  await sleep(100);
  assert.deepEqual(started, [0, 1], "tasks 2 to 4 never start");
});
