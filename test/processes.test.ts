import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMonitorOf, ProcessHandle } from '../src/host/processes.js';

function start(script: string): ChildProcess {
  return spawn('/bin/sh', ['-c', script], { stdio: 'ignore' });
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => child.once('exit', resolve));
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await sleep(25);
  assert.ok(check(), what);
}

describe('ProcessHandle', () => {
  test('alive while the process runs, not once it has exited, also when its pid is not reaped', async () => {
    const a = start('exec sleep 100');
    // A parent that never reaps: `sleep 100` inherits the shell's child, which stays a zombie once it exits.
    const b = start('sleep 0.3 & exec sleep 100');
    try {
      const ha = ProcessHandle.open(a.pid!)!;
      await until("the shell's child to start", () => readFileSync(`/proc/${b.pid}/task/${b.pid}/children`, 'utf8').trim() !== '');
      const zombiePid = Number(readFileSync(`/proc/${b.pid}/task/${b.pid}/children`, 'utf8').trim());
      const hz = ProcessHandle.open(zombiePid)!;
      assert.ok(ha && hz);
      assert.deepEqual(ProcessHandle.aliveAll([ha, hz]), [true, true]);
      await until('the child to be a zombie', () => / Z /.test(readFileSync(`/proc/${zombiePid}/stat`, 'utf8')));
      assert.deepEqual(ProcessHandle.aliveAll([ha, hz]), [true, false], 'a zombie counts as exited');
      a.kill('SIGKILL');
      await exited(a);
      assert.equal(ha.alive(), false);
      ha.close();
      assert.equal(ha.alive(), false, 'a closed handle holds nothing');
      hz.close();
    } finally {
      a.kill('SIGKILL');
      b.kill('SIGKILL');
      await Promise.all([exited(a), exited(b)]);
    }
  });

  test('no handle for a pid with no process', () => {
    assert.equal(ProcessHandle.open(0), undefined);
    // Above the kernel's pid_max: never a process.
    assert.equal(ProcessHandle.open(2 ** 22 + 1), undefined);
    assert.equal(ProcessHandle.open(3e9), undefined, 'nor a number beyond 32 bits');
  });

  test("no handle, and no error, for a thread's id: a dead conmon's pid can come back as one", () => {
    const thread = readdirSync('/proc/self/task').map(Number).find((t) => t !== process.pid);
    assert.ok(thread, 'node runs threads besides its main one');
    assert.equal(ProcessHandle.open(thread), undefined);
  });
});

describe('isMonitorOf', () => {
  test("only a process whose argv gives the id as conmon's -c", async () => {
    const id = 'a'.repeat(64);
    // One process each, with the argv given (a shell would exec sleep and lose it).
    const holding = (...args: string[]) => spawn(process.execPath, ['-e', 'setTimeout(() => {}, 100_000)', '--', ...args], { stdio: 'ignore' });
    const monitor = holding('-c', id, '-u', id.slice(0, 20));
    const mentions = holding('exec', id);
    try {
      await until('both to start', () => [monitor, mentions].every((c) => readFileSync(`/proc/${c.pid}/cmdline`, 'utf8').includes(id)));
      assert.equal(isMonitorOf(monitor.pid!, id), true);
      assert.equal(isMonitorOf(mentions.pid!, id), false, 'naming the id is not enough');
      assert.equal(isMonitorOf(monitor.pid!, 'b'.repeat(64)), false);
    } finally {
      monitor.kill('SIGKILL');
      mentions.kill('SIGKILL');
      await Promise.all([exited(monitor), exited(mentions)]);
    }
  });
});
