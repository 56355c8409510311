import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PodFixture } from './helpers/pod.js';
import { berthctl, BERTHCTL } from './helpers/daemon.js';
import { buildImage, layerTar, pushImage } from './helpers/images.js';
import { v1rt } from './helpers/v1.js';
import * as pty from 'node-pty';

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('berthctl', () => {
  let f: PodFixture;
  let dir: string;
  const ctl = (...args: string[]) => berthctl(f.d.socket, args);
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const podYaml = (name: string, labels = 'app: web') =>
    file(`${name}.yaml`, `metadata: {name: ${name}, namespace: ns-${name}, uid: ${name}-1}\nlabels: {${labels}}\nlog_directory: ${join(f.logDir, name)}\n`);
  const ctrYaml = (name: string, command: string, extra = '') =>
    file(`${name}-ctr.yaml`, `metadata: {name: ${name}${extra}}\nimage: {image: ${f.image}}\ncommand: [sh, -c, '${command}']\nlog_path: ${name}/0.log\nlabels: {tier: t-${name}}\n`);
  const podCount = async () => (await v1rt<{ items: unknown[] }>(f.d, 'ListPodSandbox', {})).items.length;
  const state = async (id: string) => (await v1rt<{ status: { state: string; exit_code: number } }>(f.d, 'ContainerStatus', { container_id: id })).status;
  const waitFor = async (what: string, fn: () => Promise<boolean>, ms = 20_000) => {
    const deadline = Date.now() + ms;
    while (!(await fn())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  };
  /** Runs a pod from a YAML config through berthctl; returns its id. */
  const runp = async (name: string, labels?: string) => {
    const r = await ctl('runp', podYaml(name, labels));
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };
  const createStart = async (pod: string, name: string, command: string) => {
    const c = await ctl('create', pod, ctrYaml(name, command), join(dir, 'web.yaml'));
    assert.equal(c.code, 0, c.stderr);
    const id = c.stdout.trim();
    const s = await ctl('start', id);
    assert.deepEqual([s.code, s.stdout], [0, `${id}\n`], s.stderr);
    return id;
  };
  let web = '';

  before(async () => {
    f = await PodFixture.start('10.123.81.0/24');
    dir = mkdtempSync(join(tmpdir(), 'berth-ctl-'));
    web = await runp('web');
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await f.dispose();
  });

  test('numbers that do not parse are usage errors: exit 1, the usage, nothing sent', async () => {
    const id = await createStart(web, 'numbers', 'sleep 1000');
    for (const args of [
      ['stop', '-t', 'abc', id],
      ['stop', '-t', '-1', id],
      ['stop', '-t', '1.5', id],
      ['--timeout', 'abc', 'stop', id],
      ['--timeout', '-3', 'ps'],
      ['ps', '-n', 'x'],
      ['pods', '--last', '2x'],
      ['logs', '--tail', 'abc', id],
      ['logs', '--since', 'yesterday', id],
      ['ps', '--state', 'sleeping'],
      ['pods', '--state', 'up'],
      ['ps', '--name', '(unclosed'],
      ['update', '--memory', '1G', id],
      ['stats', '-s', '0', id],
    ]) {
      const r = await ctl(...args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
      assert.match(r.stderr, /^error: option '.*' argument '.*' is invalid\. expected .*\n[\s\S]*Usage: berthctl/, args.join(' '));
    }
    assert.equal((await state(id)).state, 'CONTAINER_RUNNING', 'stop -t abc did not stop it');
    const good = await ctl('--timeout', '30s', 'stop', '-t', '0', id);
    assert.deepEqual([good.code, good.stdout], [0, `${id}\n`], good.stderr);
    assert.equal((await state(id)).state, 'CONTAINER_EXITED');
  });

  test('config files are checked strictly: unknown keys and wrong types name the path and the file, parse errors the line', async () => {
    const before = await podCount();
    const cases: [string, string, RegExp][] = [
      ['typo.yaml', 'metadata: {name: t, namespace: d, uid: t1}\nport_mapings:\n  - {container_port: 80}\n', /typo\.yaml: port_mapings: unknown field \(PodSandboxConfig has .*port_mappings/],
      ['nested.json', '{"metadata": {"name": "t", "namespace": "d", "uid": "u", "atempt": 1}}', /nested\.json: metadata\.atempt: unknown field/],
      ['port.yaml', 'metadata: {name: t, namespace: d, uid: t1}\nport_mappings:\n  - {container_port: eighty, host_port: 8080}\n', /port\.yaml: port_mappings\[0\]\.container_port: expected an integer, got "eighty"/],
      ['neg.yaml', 'metadata: {name: t, namespace: d, uid: t1, attempt: -1}\n', /neg\.yaml: metadata\.attempt: expected an integer >= 0/],
      ['enum.yaml', 'metadata: {name: t}\nlinux: {security_context: {namespace_options: {network: PODD}}}\n', /enum\.yaml: linux\.security_context\.namespace_options\.network: "PODD" is not one of POD, CONTAINER, NODE, TARGET/],
      ['bad.json', '{\n  "metadata": {"name": "t",\n  "namespace": "d"\n  "uid": "x"}\n}\n', /bad\.json: line 4, column 3: /],
      ['bad.yaml', 'metadata:\n  name: t\n namespace: x\n', /bad\.yaml: line 3, column \d+: /],
      ['list.yaml', '- metadata: {name: t}\n', /list\.yaml: the file: expected a mapping \(PodSandboxConfig\)/],
    ];
    for (const [name, text, err] of cases) {
      const r = await ctl('runp', file(name, text));
      assert.equal(r.code, 1, name);
      assert.match(r.stderr, err, name);
    }
    const missing = await ctl('runp', join(dir, 'nonexistent.yaml'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nonexistent\.yaml: no such file/);
    // camelCase keys are the proto's names too, and accepted.
    const camel = await ctl('runp', file('camel.json', JSON.stringify({ metadata: { name: 'camel', namespace: 'd', uid: 'c1' }, logDirectory: join(f.logDir, 'camel'), dnsConfig: { servers: ['1.1.1.1'] } })));
    assert.equal(camel.code, 0, camel.stderr);
    assert.equal(await podCount(), before + 1, 'only the good config made a pod');
    assert.equal((await ctl('rmp', '-f', camel.stdout.trim())).code, 0);
    // The container's config is checked before anything is created.
    const c = await ctl('create', web, file('ctr-typo.yaml', `metadata: {name: x}\nimage: {image: ${f.image}}\ncomand: [sh]\n`), join(dir, 'web.yaml'));
    assert.equal(c.code, 1);
    assert.match(c.stderr, /ctr-typo\.yaml: comand: unknown field \(ContainerConfig has .*command/);
    const r = await ctl('run', join(dir, 'ctr-typo.yaml'), podYaml('runtypo'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /comand: unknown field/);
    assert.equal(await podCount(), before, 'run with a bad container config makes no pod');
  });

  test('unknown ids say not found and exit 1; a multi-id command goes on with the others', async () => {
    const unknown = 'deadbeefdeadbeef';
    for (const [cmd, err] of [
      ['stop', /NOT_FOUND/],
      ['rm', /NOT_FOUND/],
      ['start', /NOT_FOUND/],
      ['inspect', /NOT_FOUND/],
      ['stopp', /NOT_FOUND/],
      ['rmp', /NOT_FOUND/],
      ['inspectp', /NOT_FOUND/],
      ['rmi', /no such image/],
      ['inspecti', /no such image/],
    ] as const) {
      const r = await ctl(cmd, unknown);
      assert.equal(r.code, 1, cmd);
      assert.equal(r.stdout, '', cmd);
      assert.match(r.stderr, new RegExp(`^berthctl: ${cmd} ${unknown}: ${err.source}`), cmd);
    }
    const a = await createStart(web, 'multi1', 'sleep 1000');
    const b = await createStart(web, 'multi2', 'sleep 1000');
    const stop = await ctl('stop', '-t', '0', a, unknown, b);
    assert.equal(stop.code, 1);
    assert.equal(stop.stdout, `${a}\n${b}\n`, 'the ids after the unknown one are stopped too');
    assert.match(stop.stderr, new RegExp(`stop ${unknown}: NOT_FOUND`));
    const rm = await ctl('rm', unknown, a, b);
    assert.equal(rm.code, 1);
    assert.equal(rm.stdout, `${a}\n${b}\n`);
    const ins = await ctl('inspect', unknown, web);
    assert.equal(ins.code, 1, 'a pod id is no container id');
  });

  test('a socket that is missing, refused or not permitted says what to do', async () => {
    const missing = await berthctl(join(dir, 'none.sock'), ['ps']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /berthctl: berthd is not running: there is no socket at .*none\.sock\. Start it as root with `berthd`/);
    // A socket file nobody listens on: its process died without removing it.
    const dead = join(dir, 'dead.sock');
    spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(dead)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    assert.ok(existsSync(dead));
    const refused = await berthctl(dead, ['rm', 'a', 'b']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^berthctl: berthd is not running: nothing listens on .*dead\.sock/);
    assert.equal(refused.stderr.split('\n').filter(Boolean).length, 1, 'an unreachable daemon ends a multi-id command at once');
    // As a user who may not reach the socket (the daemon's dir is root's, mode 0700).
    const nobody = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, BERTHCTL, '-r', f.d.socket, 'version'], { encoding: 'utf8' });
    assert.equal(nobody.status, 1, nobody.stderr);
    assert.match(nobody.stderr, /^berthctl: permission denied on .*berth\.sock: run berthctl as root \(sudo berthctl \.\.\.\), or give your group the socket \(chgrp GROUP/);
  });

  test('version, --version, info, imagefsinfo, completion', async () => {
    const v = await ctl('version');
    assert.match(v.stdout, /^Version:  0\.1\.0\nRuntimeName:  berth\nRuntimeVersion:  \S+\nRuntimeApiVersion:  v1\n$/);
    assert.equal(JSON.parse((await ctl('version', '-o', 'json')).stdout).runtimeName, 'berth');
    assert.match((await ctl('version', '-o', 'yaml')).stdout, /^runtimeApiVersion: v1$/m);
    for (const flag of ['--version', '-v']) {
      const r = spawnSync(process.execPath, [BERTHCTL, flag], { encoding: 'utf8' });
      assert.deepEqual([r.status, r.stdout], [0, 'berthctl version 0.1.0\n']);
    }
    const info = JSON.parse((await ctl('info')).stdout) as { status: { conditions: { type: string; status: boolean }[] }; config: { root: string } };
    assert.deepEqual(info.status.conditions.map((c) => [c.type, c.status]), [['RuntimeReady', true], ['NetworkReady', true]]);
    assert.equal(info.config.root, f.d.root);
    assert.match((await ctl('info', '-o', 'yaml')).stdout, /^ {2}conditions:\n {2}- /m);
    assert.equal((await ctl('info', '-o', 'go-template', '--template', '{{.config.root}}')).stdout, `${f.d.root}\n`);
    const noTemplate = await ctl('info', '-o', 'go-template');
    assert.equal(noTemplate.code, 1);
    assert.match(noTemplate.stderr, /-o go-template needs --template/);
    assert.equal((await ctl('--seed', 'info')).code, 1, 'info is CRI v1 only');
    const fs = JSON.parse((await ctl('imagefsinfo')).stdout) as { status: { timestamp: string; fsId: { mountpoint: string }; usedBytes: { value: string }; inodesUsed: { value: string } } };
    assert.ok(fs.status.fsId.mountpoint.startsWith(f.d.root), fs.status.fsId.mountpoint);
    assert.ok(Number(fs.status.usedBytes.value) > 1_000_000, 'the busybox image is there');
    assert.equal((await ctl('imagefsinfo', '-o', 'go-template', '--template', '{{.status.fsId.mountpoint}}')).stdout, `${fs.status.fsId.mountpoint}\n`);
    const fsTable = (await ctl('imagefsinfo', '-o', 'table')).stdout;
    assert.equal(fsTable.replace(/^TimeStamp: \d+\n/, ''), `UsedBytes: ${fs.status.usedBytes.value}\nInodesUsed: ${fs.status.inodesUsed.value}\nMountpoint: ${fs.status.fsId.mountpoint}\n`);
    assert.match(fsTable, /^TimeStamp: \d{19}\n/, "crictl's table: the time in ns");
    const bash = await ctl('completion', 'bash');
    assert.match(bash.stdout, /complete -o default -F _berthctl berthctl/);
    assert.match(bash.stdout, /rmp\) opts="--force --all"/);
    assert.equal(spawnSync('bash', ['-n'], { input: bash.stdout }).status, 0, 'bash parses it');
    assert.equal((await ctl('completion')).stdout, bash.stdout, 'bash by default, as crictl');
    assert.match((await ctl('completion', 'zsh')).stdout, /^#compdef berthctl/);
    assert.match((await ctl('completion', 'fish')).stdout, /complete -c berthctl -n __fish_use_subcommand -a inspecti/);
    assert.equal((await ctl('completion', 'tcsh')).code, 1);
  });

  test('pods: table, filters, -q, --no-trunc, -v, -l, -n, -o json|yaml, inspectp', async () => {
    const other = await runp('other', 'app: db');
    const t = await ctl('pods', '--label', 'app=web');
    assert.equal(t.code, 0, t.stderr);
    const [head, ...rows] = t.stdout.trimEnd().split('\n');
    assert.match(head, /^POD ID {14}CREATED {13,}STATE {15}NAME {16}NAMESPACE {11}ATTEMPT {13}RUNTIME$/, 'crictl columns: at least 20 wide');
    assert.equal(rows.length, 1);
    assert.match(rows[0], new RegExp(`^${web.slice(0, 13)}\\s+(\\d+ (seconds|minutes)|About a minute|Less than a second) ago\\s+Ready\\s+web\\s+ns-web\\s+0\\s+\\(default\\)$`));
    assert.equal((await ctl('pods', '-q', '--name', '^oth')).stdout, `${other}\n`, '--name is a regular expression');
    assert.equal((await ctl('pods', '-q', '--namespace', 'ns-w.b')).stdout, `${web}\n`);
    assert.equal((await ctl('pods', '-q', '--label', 'app=db', '--state', 'READY')).stdout, `${other}\n`);
    assert.equal((await ctl('pods', '-q', '-s', 'notready', '--label', 'app=db')).stdout, '');
    assert.equal((await ctl('pods', '-q', '-l')).stdout, `${other}\n`, '-l: the newest');
    assert.equal((await ctl('pods', '-q', '-n', '2')).stdout, `${other}\n${web}\n`, '-n: the n newest');
    assert.equal((await ctl('pods', '-q', '--id', other.slice(0, 8))).stdout, `${other}\n`);
    assert.match((await ctl('pods', '--no-trunc', '--label', 'app=db')).stdout, new RegExp(`^${other}\\s`, 'm'));
    const v = (await ctl('pods', '-v', '--label', 'app=db')).stdout;
    assert.match(v, new RegExp(`^ID: ${other}\nName: other\nUID: other-1\nNamespace: ns-other\nStatus: Ready\nCreated: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)? \\+0000 UTC\nLabels:\n\tapp -> db\nRuntime: \\(default\\)\n\n$`));
    const j = JSON.parse((await ctl('pods', '-o', 'json', '--label', 'app=db')).stdout) as { items: { id: string; state: string; createdAt: string; metadata: { name: string } }[] };
    assert.deepEqual(j.items.map((p) => [p.id, p.state, p.metadata.name]), [[other, 'SANDBOX_READY', 'other']]);
    assert.match((await ctl('pods', '-o', 'yaml', '--label', 'app=db')).stdout, new RegExp(`^items:\n- annotations: \\{\\}\n  createdAt: "\\d+"\n  id: ${other}\n`));
    const ip = JSON.parse((await ctl('inspectp', other.slice(0, 10))).stdout) as { status: { id: string; createdAt: string; state: string }; info?: { config: unknown } };
    assert.equal(ip.status.id, other);
    assert.match(ip.status.createdAt, RFC3339, 'readable time');
    assert.ok(ip.info?.config, 'verbose info');
    assert.equal(JSON.parse((await ctl('inspectp', '-q', other)).stdout).info, undefined);
    assert.equal((await ctl('inspectp', '-o', 'go-template', '--template', '{{.status.metadata.name}}/{{.status.state}}', other, web)).stdout, 'other/SANDBOX_READY\nweb/SANDBOX_READY\n');
    assert.match((await ctl('inspectp', '-o', 'table', other)).stdout, new RegExp(`^ID: ${other}\nName: other\nUID: other-1\nNamespace: ns-other\nAttempt: 0\nStatus: Ready\nCreated: \\d{4}-\\d\\d-\\d\\d \\S+ \\+0000 UTC\nIP Addresses: 10\\.123\\.81\\.\\d+\nLabels:\n\tapp -> db\n$`));
    const yaml = (await ctl('inspectp', '-o', 'yaml', other)).stdout;
    assert.match(yaml, /^status:$/m);
    assert.match(yaml, /^ {2}createdAt: "?\d{4}-\d\d-\d\dT/m, 'readable time, keys sorted as crictl');
    const refuse = await ctl('rmp', other);
    assert.equal(refuse.code, 1, 'a ready pod is not removed without -f');
    assert.match(refuse.stderr, /stop it first \(stopp\) or use -f/);
    assert.deepEqual(await ctl('stopp', other), { code: 0, stdout: `Stopped sandbox ${other}\n`, stderr: '' });
    assert.deepEqual(await ctl('rmp', other), { code: 0, stdout: `Removed sandbox ${other}\n`, stderr: '' });
  });

  test('pods --watch and ps --watch redraw until interrupted; with -o they are usage errors', async () => {
    for (const cmd of ['pods', 'ps']) {
      const w = spawn(process.execPath, [BERTHCTL, '-r', f.d.socket, cmd, '--watch', '--name', '^watched'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      w.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((r) => w.on('exit', (code) => r(code)));
      try {
        await waitFor(`${cmd} --watch's first frame`, async () => out.includes('NAME'));
        const pod = cmd === 'pods' ? await runp('watched') : web;
        if (cmd === 'ps') await createStart(pod, 'watched', 'sleep 1000');
        await waitFor(`a later frame of ${cmd} --watch to show the new one`, async () => /^\S+\s.*\bwatched\b/m.test(out));
        assert.ok(out.split('\n').filter((l) => /^(POD ID|CONTAINER)\s/.test(l)).length >= 2, 'several frames');
        w.kill('SIGINT');
        assert.equal(await exited, 0, 'an interrupt ends the watch cleanly');
      } finally {
        w.kill('SIGKILL');
      }
    }
    const bad = await ctl('ps', '--watch', '-o', 'json');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--watch redraws a table: drop -o/);
    await ctl('rm', '-f', ...(await ctl('ps', '-q', '--name', '^watched')).stdout.split('\n').filter(Boolean));
    const pod = (await ctl('pods', '-q', '--name', '^watched')).stdout.trim();
    await ctl('rmp', '-f', pod);
  });

  test('ps: table with CREATED, STATE with the exit code, POD ID and POD; filters; -o json|yaml; inspect', async () => {
    const run = await createStart(web, 'psrun', 'sleep 1000');
    const done = await createStart(web, 'psdone', 'exit 3');
    await waitFor('the exit', async () => (await state(done)).state === 'CONTAINER_EXITED');
    const all = await ctl('ps', '-a', '--pod', web);
    const [head, ...rows] = all.stdout.trimEnd().split('\n');
    assert.match(head, /^CONTAINER {11}IMAGE\s+CREATED {13,}STATE {15}NAME {16}ATTEMPT {13}POD ID {14}POD$/);
    const img = f.image.replace(/\./g, '\\.');
    assert.match(rows.join('\n'), new RegExp(`^${done.slice(0, 13)}\\s+${img}\\s+.+ ago\\s+Exited \\(3\\)\\s+psdone\\s+0\\s+${web.slice(0, 13)}\\s+web$`, 'm'));
    assert.match(rows.join('\n'), new RegExp(`^${run.slice(0, 13)}\\s+${img}\\s+.+ ago\\s+Running\\s+psrun\\s+0\\s+${web.slice(0, 13)}\\s+web$`, 'm'));
    assert.equal(rows[0].slice(0, 13), done.slice(0, 13), 'newest first');
    const running = (await ctl('ps', '-q')).stdout;
    assert.ok(running.includes(run) && !running.includes(done), 'running ones only without -a');
    assert.equal((await ctl('ps', '-q', '-a', '--name', '^ps(d|x)')).stdout, `${done}\n`);
    assert.equal((await ctl('ps', '-q', '--state', 'exited', '--label', 'tier=t-psdone')).stdout, `${done}\n`);
    assert.equal((await ctl('ps', '-q', '-l')).stdout, `${done}\n`, '-l: the newest, any state');
    assert.equal((await ctl('ps', '-q', '-n', '2')).stdout, `${done}\n${run}\n`);
    assert.equal((await ctl('ps', '-q', '--id', run.slice(0, 9))).stdout, `${run}\n`);
    assert.equal((await ctl('ps', '-q', '--image', f.image, '--name', 'psrun')).stdout, `${run}\n`);
    const imageId = JSON.parse((await ctl('inspecti', f.image)).stdout).status.id as string;
    assert.equal((await ctl('ps', '-q', '--image', imageId, '--name', 'psrun')).stdout, `${run}\n`, '--image by id');
    assert.equal((await ctl('ps', '-q', '--image', 'no/such:image')).stdout, '');
    assert.match((await ctl('ps', '--no-trunc', '--name', 'psrun')).stdout, new RegExp(`^${run}\\s+.*${web}\\s+web$`, 'm'));
    assert.match((await ctl('ps', '-v', '--name', 'psrun')).stdout, new RegExp(`^ID: ${run}\nPodID: ${web}\nName: psrun\nAttempt: 0\nState: Running\nImage: ${img}\nCreated: .+ ago\nLabels:\n\ttier -> t-psrun\n\n$`));
    const j = JSON.parse((await ctl('ps', '-o', 'json', '--name', 'psrun')).stdout) as { containers: { id: string; podSandboxId: string; state: string; labels: Record<string, string> }[] };
    assert.deepEqual(j.containers.map((c) => [c.id, c.podSandboxId, c.state, c.labels.tier]), [[run, web, 'CONTAINER_RUNNING', 't-psrun']]);
    assert.match((await ctl('ps', '-o', 'yaml', '--name', 'psrun')).stdout, /^containers:\n- annotations: \{\}\n/);

    const st = JSON.parse((await ctl('inspect', done)).stdout) as { status: { id: string; state: string; exitCode: number; createdAt: string; startedAt: string; finishedAt: string }; info?: object };
    assert.deepEqual([st.status.id, st.status.state, st.status.exitCode], [done, 'CONTAINER_EXITED', 3]);
    for (const t of [st.status.createdAt, st.status.startedAt, st.status.finishedAt]) assert.match(t, RFC3339);
    assert.ok(st.info, 'the verbose info');
    const created = (await ctl('create', web, ctrYaml('pscreated', 'true'), join(dir, 'web.yaml'))).stdout.trim();
    const cst = JSON.parse((await ctl('inspect', '-q', created)).stdout) as { status: { startedAt: string; finishedAt: string }; info?: object };
    assert.deepEqual([cst.status.startedAt, cst.status.finishedAt, cst.info], ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00Z', undefined], "Go's zero time, as crictl");
    const tpl = await ctl('inspect', '-o', 'go-template', '--template', '{{.status.metadata.name}} {{.status.exitCode}}', done, run);
    assert.deepEqual([tpl.code, tpl.stdout], [0, 'psdone 3\npsrun 0\n']);
    assert.match((await ctl('inspect', '-o', 'yaml', done)).stdout, /^ {2}exitCode: 3$/m);
    assert.match((await ctl('inspect', '-o', 'table', done)).stdout, new RegExp(`^ID: ${done}\nName: psdone\nState: Exited\nImage: ${img}\nCreated: .+ ago\nStarted: .+ ago\nFinished: .+ ago\nExit Code: 3\nReason: Error\n$`));
    const both = (await ctl('inspect', done, run)).stdout;
    assert.equal(both.match(/^\{$/gm)?.length, 2, 'a document per id');

    const rm = await ctl('rm', run);
    assert.equal(rm.code, 1, 'a running container is not removed without -f');
    assert.match(rm.stderr, /is running: stop it first or use -f/);
    assert.deepEqual(await ctl('rm', '-f', run), { code: 0, stdout: `${run}\n`, stderr: '' });
    assert.deepEqual(await ctl('rm', done, created), { code: 0, stdout: `${done}\n${created}\n`, stderr: '' });
  });

  test('logs: --tail, --since, --timestamps, --previous, -f', async () => {
    const id = await createStart(web, 'talker', 'for i in 1 2 3 4 5; do echo out $i; done; echo err >&2; sleep 1000');
    await waitFor('the output', async () => (await ctl('logs', id)).stderr === 'err\n');
    const all = await ctl('logs', id);
    assert.deepEqual([all.code, all.stdout, all.stderr], [0, 'out 1\nout 2\nout 3\nout 4\nout 5\n', 'err\n']);
    const tail = await ctl('logs', '--tail', '2', id);
    assert.deepEqual([tail.stdout, tail.stderr], ['out 5\n', 'err\n'], 'the last two lines of both streams');
    assert.equal((await ctl('logs', '--tail', '0', id)).stdout, '');
    assert.equal((await ctl('logs', '--since', '1h', id)).stdout.split('\n').length, 6);
    assert.equal((await ctl('logs', '--since', new Date(Date.now() + 60_000).toISOString().replace(/\.\d+/, ''), id)).stdout, '', 'a time to come: nothing yet');
    const ts = (await ctl('logs', '-t', '--tail', '1', id)).stderr;
    assert.match(ts, /^\d{4}-\d\d-\d\dT\S+ err\n$/);
    const prev = await ctl('logs', '-p', id);
    assert.equal(prev.code, 1);
    assert.match(prev.stderr, /no previous attempt/);
    // The next attempt of the same container: -p prints the log of the one before.
    assert.equal((await ctl('rm', '-f', id)).code, 0);
    const again = await ctl('create', web, file('talker1.yaml', `metadata: {name: talker, attempt: 1}\nimage: {image: ${f.image}}\ncommand: [sh, -c, 'echo second']\nlog_path: talker/1.log\n`), join(dir, 'web.yaml'));
    const id1 = again.stdout.trim();
    assert.equal((await ctl('logs', '-p', id1)).stdout, 'out 1\nout 2\nout 3\nout 4\nout 5\n');
    // -f follows until the container exits, and has everything it wrote.
    const slow = await createStart(web, 'slow', 'echo a; sleep 1; echo b; sleep 1; echo c');
    const follow = await ctl('logs', '-f', slow);
    assert.deepEqual([follow.code, follow.stdout], [0, 'a\nb\nc\n']);
    assert.equal((await state(slow)).state, 'CONTAINER_EXITED', '-f returned at the exit');
    assert.equal((await ctl('rm', slow, id1)).code, 0);
  });

  test('logs -f follows the log across rotations (rename, then ReopenContainerLog, as the kubelet rotates): every line once, in order', async () => {
    const id = await createStart(web, 'counter', 'i=0; while [ $i -lt 60 ]; do echo n$i; i=$((i+1)); sleep 0.1; done');
    const logPath = (await v1rt<{ status: { log_path: string } }>(f.d, 'ContainerStatus', { container_id: id })).status.log_path;
    const p = spawn(process.execPath, [BERTHCTL, '-r', f.d.socket, 'logs', '-f', id], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => p.on('close', resolve));
    try {
      await waitFor('the first lines', async () => out.includes('n5\n'));
      for (const i of [1, 2]) {
        renameSync(logPath, `${logPath}.${i}`);
        await v1rt(f.d, 'ReopenContainerLog', { container_id: id });
        // The kubelet looks at a log every 10 s by default: the next rotation comes after
        // conmon writes the new file and berthctl has printed from it.
        let first = '';
        await waitFor(`conmon to write the file of rotation ${i}`, async () => !!(first = / stdout F (n\d+)\n/.exec(readFileSync(logPath, 'utf8'))?.[1] ?? ''));
        await waitFor(`berthctl to print ${first}`, async () => out.includes(`${first}\n`));
      }
      assert.equal(await exited, 0, err);
      assert.equal(out, Array.from({ length: 60 }, (_, i) => `n${i}\n`).join(''));
      // The writer did move: each file holds a part of the lines.
      for (const file of [`${logPath}.1`, `${logPath}.2`, logPath]) assert.match(readFileSync(file, 'utf8'), / stdout F n\d+\n/, file);
      assert.doesNotMatch(readFileSync(logPath, 'utf8'), / n0\n/);
    } finally {
      p.kill();
    }
    assert.equal((await ctl('rm', id)).code, 0);
  });

  test('run, update, rm -a, rmp -a', async () => {
    const pod = podYaml('runner', 'app: runner');
    const ctr = ctrYaml('runc1', 'sleep 1000');
    const r = await ctl('run', ctr, pod);
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.equal((await state(id)).state, 'CONTAINER_RUNNING');
    const runner = (await ctl('pods', '-q', '--label', 'app=runner')).stdout.trim();
    assert.ok(runner, 'run made the pod');
    // A container that cannot start leaves no pod behind: its id was never shown.
    const bad = await ctl('run', file('nobin.yaml', `metadata: {name: nobin}\nimage: {image: ${f.image}}\ncommand: [/no/such/binary]\n`), podYaml('runfail', 'app: runfail'));
    assert.equal(bad.code, 1);
    assert.equal((await ctl('pods', '-q', '--label', 'app=runfail')).stdout, '');
    const missing = await ctl('run', '--no-pull', file('noimg.yaml', 'metadata: {name: noimg}\nimage: {image: 127.0.0.1:1/no/such:1}\n'), podYaml('runnoimg', 'app: runnoimg'));
    assert.equal(missing.code, 1);
    assert.equal((await ctl('pods', '-q', '--label', 'app=runnoimg')).stdout, '');

    const u = await ctl('update', '--memory', '200000000', '--cpu-period', '100000', '--cpu-quota', '50000', '--cpu-share', '512', id);
    assert.deepEqual([u.code, u.stdout], [0, `${id}\n`], u.stderr);
    const res = JSON.parse((await ctl('inspect', id)).stdout).status.resources.linux as Record<string, string>;
    assert.deepEqual([res.memoryLimitInBytes, res.cpuPeriod, res.cpuQuota, res.cpuShares], ['200000000', '100000', '50000', '512']);
    assert.equal((await ctl('update', '--memory', '1', 'deadbeef')).code, 1);
    assert.equal((await ctl('--seed', 'update', '--memory', '1', id)).code, 1, 'update is CRI v1 only');

    assert.equal((await ctl('rm', '-a', id)).code, 1, '-a takes no ids');
    assert.equal((await ctl('rm')).code, 1, 'no ids and no -a');
    const keep = await createStart(web, 'keeper', 'sleep 1000');
    const rmAll = await ctl('rm', '-a');
    assert.equal(rmAll.code, 1, 'running ones are refused without -f');
    assert.deepEqual((await ctl('ps', '-q')).stdout.trim().split('\n').sort(), [id, keep].sort());
    const rmAllF = await ctl('rm', '-a', '-f');
    assert.equal(rmAllF.code, 0, rmAllF.stderr);
    assert.equal((await ctl('ps', '-a', '-q')).stdout, '');
    const rmp = await ctl('rmp', '-a', '-f');
    assert.equal(rmp.code, 0, rmp.stderr);
    assert.match(rmp.stdout, new RegExp(`^Removed sandbox ${runner}$`, 'm'));
    assert.equal(await podCount(), 0);
    web = await runp('web');
  });

  test('images: -q, --digests, --no-trunc, image/img, -o json; inspecti; rmi --prune, -a', async () => {
    const spare = buildImage({ layers: [{ tar: await layerTar([{ name: 'spare', content: 'x'.repeat(2000) }]) }] });
    await pushImage(f.reg, 'test/spare', '2', spare);
    const spareRef = `${f.reg.host}/test/spare:2`;
    assert.equal((await ctl('pull', spareRef)).code, 0);
    const t = await ctl('images');
    assert.match(t.stdout, /^IMAGE\s+TAG {17}IMAGE ID {12}SIZE$/m);
    assert.match(t.stdout, new RegExp(`^${f.reg.host.replace(/\./g, '\\.')}/test/spare\\s+2\\s+${spare.configDigest.slice(7, 20)}\\s+\\d+(\\.\\d+)?k?B$`, 'm'));
    for (const alias of ['image', 'img']) assert.equal((await ctl(alias)).stdout, t.stdout, alias);
    const d = await ctl('images', '--digests', spareRef);
    assert.match(d.stdout, /^IMAGE\s+TAG\s+DIGEST\s+IMAGE ID\s+SIZE$/m);
    assert.match(d.stdout, new RegExp(`\\s2\\s+${spare.manifestDigest.slice(7, 20)}\\s+${spare.configDigest.slice(7, 20)}\\s`));
    assert.match((await ctl('images', '--no-trunc', spareRef)).stdout, new RegExp(`\\s${spare.configDigest}\\s`));
    assert.equal((await ctl('images', '-q', spareRef)).stdout, `${spare.configDigest}\n`);
    const j = JSON.parse((await ctl('images', '-o', 'json', spareRef)).stdout) as { images: { id: string; repoTags: string[]; repoDigests: string[]; size: string }[] };
    assert.deepEqual(j.images.map((i) => [i.id, i.repoTags]), [[spare.configDigest, [spareRef]]]);
    const i = JSON.parse((await ctl('inspecti', spareRef)).stdout) as { status: { id: string }; info?: object };
    assert.equal(i.status.id, spare.configDigest);
    assert.ok(i.info, 'the verbose info');
    assert.equal((await ctl('inspecti', '-o', 'go-template', '--template', '{{.status.id}}', spareRef, f.image)).stdout.split('\n').length, 3);
    assert.match((await ctl('inspecti', '-o', 'table', spareRef)).stdout, new RegExp(`^ID: ${spare.configDigest}\nTag: ${spareRef.replace(/\./g, '\\.')}\nDigest: \\S+@${spare.manifestDigest}\nSize: \\S+B\n$`));

    // The busybox image is in use: --prune keeps it and removes the spare one.
    const user = await createStart(web, 'user', 'sleep 1000');
    const prune = await ctl('rmi', '--prune');
    assert.deepEqual([prune.code, prune.stdout], [0, `Deleted: ${spareRef}\n`], prune.stderr);
    assert.equal((await ctl('images', '-q')).stdout, `${JSON.parse((await ctl('inspecti', f.image)).stdout).status.id}\n`);
    assert.equal((await ctl('rmi', '-a', f.image)).code, 1, '-a takes no names');
    assert.equal((await ctl('rmi')).code, 1);
    const rmi = await ctl('rmi', 'no/such:1', f.image);
    assert.equal(rmi.code, 1, 'one of them was unknown');
    assert.equal(rmi.stdout, `Deleted: ${f.image}\n`, 'and the other was removed');
    assert.equal((await ctl('images', '-q')).stdout, '');
    assert.equal((await ctl('rmi', '-a')).code, 0, 'nothing left to remove');
    assert.equal((await ctl('rm', '-f', user)).code, 0);
    await f.d.img('PullImage', { image: { image: f.image } });
  });

  test('stats and statsp: the table, -a, --id, -o json|yaml (stats.test.ts checks the figures and events)', async () => {
    const id = await createStart(web, 'statted', 'sleep 1000');
    const st = await ctl('stats', '-s', '1', id);
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, new RegExp(`^CONTAINER\\s+NAME\\s+CPU %\\s+MEM\\s+DISK\\s+INODES\n${id.slice(0, 13)}\\s+statted\\s`));
    // -o json and yaml: one sample as crictl prints it (lowerCamelCase), --id as the argument.
    const json = await ctl('stats', '-o', 'json', '--id', id);
    assert.equal(json.code, 0, json.stderr);
    const [one] = (JSON.parse(json.stdout) as { stats: { attributes: { id: string; metadata: { name: string } }; writableLayer: { usedBytes: { value: string } } }[] }).stats;
    assert.deepEqual([one.attributes.id, one.attributes.metadata.name, typeof one.writableLayer.usedBytes.value], [id, 'statted', 'string']);
    const yaml = await ctl('stats', '-o', 'yaml', id);
    assert.match(yaml.stdout, new RegExp(`^stats:\n- attributes:\n(    .*\n)*    id: ${id}\n`));
    const podYamlOut = await ctl('statsp', '-o', 'yaml', '--id', web);
    assert.equal(podYamlOut.code, 0, podYamlOut.stderr);
    assert.match(podYamlOut.stdout, new RegExp(`^stats:\n- attributes:\n(    .*\n)*    id: ${web}\n`));
    assert.match((await ctl('statsp', '-o', 'json', web)).stdout, /"workingSetBytes": \{/);
    // An exited container shows with -a only, as crictl's table.
    await ctl('stop', '-t', '0', id);
    assert.doesNotMatch((await ctl('stats', '-s', '1', id)).stdout, /statted/);
    assert.match((await ctl('stats', '-a', '-s', '1', id)).stdout, /statted/);
    assert.equal((await ctl('rm', '-f', id)).code, 0);
  });
});

/**
 * What zsh's line editor makes of `line` followed by Tab (twice with
 * `listing`): the finished line, and the screen (where a listing shows).
 * zsh has no non-interactive way to ask its completion system, so this
 * types into an interactive zsh on a terminal, as a user does.
 */
async function zshCompletes(script: string, line: string, listing = false): Promise<{ line: string; screen: string }> {
  const term = pty.spawn('zsh', ['-f', '-i'], { name: 'xterm', cols: 250, rows: 50, env: { ...process.env, TERM: 'xterm', PS1: '%% ' } });
  let out = '';
  term.onData((d) => (out += d));
  const waitFor = async (s: string, from: number) => {
    const deadline = Date.now() + 20_000;
    while (!out.includes(s, from)) {
      if (Date.now() > deadline) throw new Error(`zsh never showed ${JSON.stringify(s)}: ${JSON.stringify(out)}`);
      await sleep(20);
    }
  };
  try {
    term.write(`bindkey -e; autoload -U compinit && compinit -u -D && source ${script} && print READ""Y\r`);
    await waitFor('READY', 0);
    // Each key's effect is waited for: zsh shows something, then nothing more for 300 ms.
    const settled = async (before: number) => {
      const deadline = Date.now() + 20_000;
      let seen = out.length;
      let quietSince = Date.now();
      while (out.length === before || Date.now() - quietSince < 300) {
        if (Date.now() > deadline) throw new Error(`zsh did not settle: ${JSON.stringify(out)}`);
        if (out.length !== seen) [seen, quietSince] = [out.length, Date.now()];
        await sleep(20);
      }
    };
    const from = out.length;
    for (const key of [line, '\t', ...(listing ? ['\t'] : [])]) {
      const before = out.length;
      term.write(key);
      await settled(before);
    }
    // Beginning of the line, then a print of what it holds.
    term.write('\x01print -r -- LINE""=\r');
    await waitFor('LINE=', from);
    await waitFor('\n', out.indexOf('LINE=', from));
    const at = out.indexOf('LINE=', from);
    return { line: out.slice(at + 5, out.indexOf('\r', at)).trimEnd(), screen: out.slice(from) };
  } finally {
    term.kill();
  }
}

test('completion: bash, zsh and fish complete subcommands and their flags in the real shells', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-completion-'));
  try {
    const script = (shell: string) => {
      const r = spawnSync(process.execPath, [BERTHCTL, 'completion', shell], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      writeFileSync(join(dir, shell), r.stdout);
      return join(dir, shell);
    };
    const bash = (words: string[]) =>
      spawnSync('bash', ['-c', `source ${script('bash')}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _berthctl; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean);
    assert.deepEqual(bash(['berthctl', 'imagef']), ['imagefsinfo']);
    assert.deepEqual(bash(['berthctl', 'rmp', '--f']), ['--force']);
    assert.deepEqual(bash(['berthctl', '-r', '/x.sock', 'rmi', '--p']), ['--prune'], 'the subcommand after a global option and its value');

    const zsh = script('zsh');
    assert.equal(spawnSync('zsh', ['-n', zsh]).status, 0, 'zsh parses it');
    assert.equal((await zshCompletes(zsh, 'berthctl imagef')).line, 'berthctl imagefsinfo');
    assert.equal((await zshCompletes(zsh, 'berthctl rmp --fo')).line, 'berthctl rmp --force');
    assert.equal((await zshCompletes(zsh, 'berthctl -r /x.sock rmi --pr')).line, 'berthctl -r /x.sock rmi --prune');
    const listed = await zshCompletes(zsh, 'berthctl inspec', true);
    for (const [cmd, about] of [['inspect', 'containers'], ['inspecti', 'images'], ['inspectp', 'pod sandboxes']])
      assert.match(listed.screen, new RegExp(`${cmd} +-- Show the status of one or more ${about}`), 'the candidates with what they do');

    const fish = (line: string) =>
      spawnSync('fish', ['--no-config', '-c', `source ${script('fish')}; complete -C '${line}'`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    assert.equal(spawnSync('fish', ['--no-config', '-n', script('fish')]).status, 0, 'fish parses it');
    assert.deepEqual(fish('berthctl imagef'), ['imagefsinfo\tShow where images are stored and what they use (CRI v1 ImageFsInfo)']);
    assert.ok(fish('berthctl inf').includes("info\tPrint the runtime's conditions and configuration (CRI v1 Status)"), 'a quote in a description');
    assert.deepEqual(fish('berthctl rmp --f'), ['--force\tstop a ready pod first']);
    assert.deepEqual(fish('berthctl rmp -').sort(), ['-a\tevery pod sandbox', '-f\tstop a ready pod first', '--all\tevery pod sandbox', '--force\tstop a ready pod first'].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
