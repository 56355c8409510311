import type { IncomingMessage } from 'node:http';
import { createHash } from 'node:crypto';
import { BerthError, type ErrorKind } from '../errors.js';
import type { RegistryHostConfig } from '../daemon/config.js';
import { httpRequest, readBody, type HttpResponse } from './http.js';
import { parseChallenge, TokenCache, type Credentials } from './auth.js';
import { DOCKER_HUB, type ImageReference } from './reference.js';
import { MANIFEST_ACCEPT } from './manifest.js';
import { MAX_MANIFEST_BYTES } from './limits.js';
import type { StallWatch } from './stall.js';

export interface Endpoint {
  /** scheme://host[:port] */
  base: string;
  mirror: boolean;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/;

/** The endpoints to try for a registry host: its mirrors in order, then itself. */
export function endpointsFor(domain: string, hosts: Record<string, RegistryHostConfig>): Endpoint[] {
  const cfg = hosts[domain];
  const mirrors = (cfg?.mirrors ?? []).map((base) => ({ base, mirror: true }));
  const host = domain === DOCKER_HUB ? 'registry-1.docker.io' : domain;
  const plain = cfg?.insecure === true || LOOPBACK.test(domain);
  return [...mirrors, { base: `${plain ? 'http' : 'https'}://${host}`, mirror: false }];
}

interface RegistryErrorBody {
  errors?: { code?: string; message?: string }[];
}

function kindForStatus(status: number, code: string | undefined): ErrorKind {
  if (code === 'MANIFEST_UNKNOWN' || code === 'NAME_UNKNOWN' || code === 'BLOB_UNKNOWN' || status === 404) return 'NOT_FOUND';
  if (code === 'DENIED' || status === 403) return 'PERMISSION_DENIED';
  if (code === 'UNAUTHORIZED' || status === 401) return 'UNAUTHENTICATED';
  if (status === 429 || status >= 500) return 'UNAVAILABLE';
  return 'INTERNAL';
}

async function registryError(res: HttpResponse, what: string): Promise<BerthError> {
  let detail = `${res.status}`;
  let code: string | undefined;
  try {
    const doc = JSON.parse((await readBody(res, 64 * 1024, `${what}: error body`)).toString()) as RegistryErrorBody;
    const e = doc.errors?.[0];
    if (e) {
      code = e.code;
      detail = `${res.status} ${e.code ?? ''}${e.message ? ': ' + e.message : ''}`.trim();
    }
  } catch {
    res.body.destroy();
  }
  return new BerthError(kindForStatus(res.status, code), `${what}: ${detail}`);
}

function connectionError(err: unknown, endpoint: string): BerthError {
  const e = err as NodeJS.ErrnoException;
  return new BerthError('UNAVAILABLE', `${endpoint} unreachable: ${e.code ?? ''} ${e.message}`.trim());
}

export interface FetchedManifest {
  body: Buffer;
  mediaType: string;
  digest: string;
}

/**
 * One repository on one endpoint, with the auth needed to read it. All
 * requests of a pull go through the endpoint that resolved its manifest.
 */
export class Repository {
  private authorization: string | undefined;

  constructor(
    readonly endpoint: Endpoint,
    readonly ref: ImageReference,
    private readonly creds: Credentials,
    private readonly tokens: TokenCache,
    private readonly watch?: StallWatch,
  ) {
    if (creds.registryToken) this.authorization = `Bearer ${creds.registryToken}`;
  }

  get name(): string {
    return `${this.endpoint.base.replace(/^https?:\/\//, '')}/${this.ref.path}`;
  }

  private async send(path: string, headers: Record<string, string>, what: string): Promise<HttpResponse> {
    const url = `${this.endpoint.base}/v2/${this.ref.path}/${path}`;
    for (let attempt = 0; ; attempt++) {
      let res: HttpResponse;
      const closed = this.watch?.opened();
      try {
        res = await httpRequest(url, {
          headers: this.authorization ? { ...headers, authorization: this.authorization } : headers,
          signal: this.watch?.signal,
          onData: this.watch?.data,
        });
      } catch (err) {
        closed?.();
        throw connectionError(err, this.endpoint.base);
      }
      if (closed) res.body.once('close', closed);
      const challengeHeader = res.headers['www-authenticate'];
      if (res.status !== 401 || attempt > 0 || this.creds.registryToken || !challengeHeader) {
        if (res.status === 401 && attempt > 0)
          throw new BerthError('UNAUTHENTICATED', `${what}: ${this.endpoint.base} refused the credentials (or the repository does not exist)`);
        return res;
      }
      res.body.resume();
      const challenge = parseChallenge(Array.isArray(challengeHeader) ? challengeHeader[0] : challengeHeader);
      if (!challenge) throw new BerthError('UNAUTHENTICATED', `${what}: unreadable auth challenge from ${this.endpoint.base}`);
      this.authorization = await this.tokens.authorize(challenge, this.creds, `repository:${this.ref.path}:pull`, this.endpoint.base, this.watch);
    }
  }

  /** Fetches a manifest or index by tag or digest, at most MAX_MANIFEST_BYTES, and checks its digest. */
  async manifest(reference: string): Promise<FetchedManifest> {
    const what = `manifest ${this.name}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`;
    const res = await this.send(`manifests/${reference}`, { accept: MANIFEST_ACCEPT }, what);
    if (res.status !== 200) throw await registryError(res, what);
    const body = await readBody(res, MAX_MANIFEST_BYTES, what);
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    if (reference.startsWith('sha256:') && reference !== digest)
      throw new BerthError('UNAVAILABLE', `${what}: content has digest ${digest}`);
    const claimed = res.headers['docker-content-digest'];
    if (typeof claimed === 'string' && claimed.startsWith('sha256:') && claimed !== digest)
      throw new BerthError('UNAVAILABLE', `${what}: content has digest ${digest}, registry says ${claimed}`);
    const mediaType = (res.headers['content-type'] ?? '').split(';')[0].trim();
    return { body, mediaType, digest };
  }

  /** Opens a blob's body for streaming; the caller verifies its digest. */
  async blob(digest: string): Promise<IncomingMessage> {
    const what = `blob ${this.name}@${digest}`;
    const res = await this.send(`blobs/${digest}`, {}, what);
    if (res.status !== 200) throw await registryError(res, what);
    return res.body;
  }
}

/** Finds the endpoint that serves a reference: mirrors first, then the registry. */
export class RegistryClient {
  private readonly tokens = new TokenCache();

  constructor(private readonly hosts: Record<string, RegistryHostConfig>) {}

  async resolve(ref: ImageReference, creds: Credentials, watch?: StallWatch): Promise<{ repo: Repository; manifest: FetchedManifest }> {
    const errors: BerthError[] = [];
    for (const endpoint of endpointsFor(ref.domain, this.hosts)) {
      if (watch?.stalled) throw watch.stalled;
      const repo = new Repository(endpoint, ref, creds, this.tokens, watch);
      try {
        return { repo, manifest: await repo.manifest(ref.digest ?? ref.tag!) };
      } catch (err) {
        if (!(err instanceof BerthError)) throw err;
        errors.push(err);
      }
    }
    // The registry's own answer is the one to report, unless it was
    // unreachable and a mirror said something more specific.
    const last = errors[errors.length - 1];
    const specific = errors.find((e) => e.kind !== 'UNAVAILABLE');
    throw last.kind === 'UNAVAILABLE' && specific ? specific : last;
  }
}
