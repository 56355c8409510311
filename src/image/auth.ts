import { BerthError } from '../errors.js';
import { httpRequest, readBody } from './http.js';
import type { StallWatch } from './stall.js';

/** Registry credentials as the CRI's AuthConfig carries them. */
export interface Credentials {
  username?: string;
  password?: string;
  /** base64 of user:password */
  auth?: string;
  identityToken?: string;
  registryToken?: string;
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="…",service="…",scope="…"` (or Basic …). */
export function parseChallenge(header: string): Challenge | undefined {
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (let p = re.exec(m[2]); p; p = re.exec(m[2])) params[p[1].toLowerCase()] = (p[2] ?? p[3]).replace(/\\(.)/g, '$1');
  return { scheme: m[1].toLowerCase(), params };
}

export function basicPair(creds: Credentials): [string, string] | undefined {
  if (creds.username) return [creds.username, creds.password ?? ''];
  if (creds.auth) {
    const decoded = Buffer.from(creds.auth, 'base64').toString();
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new BerthError('INVALID_ARGUMENT', 'auth: expected base64 of user:password');
    return [decoded.slice(0, colon), decoded.slice(colon + 1)];
  }
  return undefined;
}

function basicHeader([user, pass]: [string, string]): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

interface CachedToken {
  header: string;
  expiresAt: number;
}

/**
 * Answers registry auth challenges: Basic with the caller's credentials,
 * Bearer through the token server (credentials or identity token), with
 * tokens cached per realm, service, scope and credentials.
 */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();

  /** `watch`, the pull's: a token server that stalls fails the pull as a registry would. */
  async authorize(challenge: Challenge, creds: Credentials, defaultScope: string, registry: string, watch?: StallWatch): Promise<string> {
    const pair = basicPair(creds);
    if (challenge.scheme === 'basic') {
      if (!pair) throw new BerthError('UNAUTHENTICATED', `${registry} asks for credentials and none were given`);
      return basicHeader(pair);
    }
    if (challenge.scheme !== 'bearer') throw new BerthError('UNAUTHENTICATED', `${registry}: unsupported auth scheme ${challenge.scheme}`);
    const realm = challenge.params.realm;
    if (!realm) throw new BerthError('UNAUTHENTICATED', `${registry}: bearer challenge without a realm`);
    const service = challenge.params.service ?? '';
    const scope = challenge.params.scope ?? defaultScope;
    const who = creds.identityToken ? `id:${creds.identityToken}` : pair ? `basic:${pair[0]}:${pair[1]}` : 'anonymous';
    const key = `${realm}\n${service}\n${scope}\n${who}`;
    const hit = this.tokens.get(key);
    if (hit && hit.expiresAt > Date.now()) return hit.header;
    const token = await this.fetchToken(realm, service, scope, creds, pair, registry, watch);
    this.tokens.set(key, token);
    return token.header;
  }

  private async fetchToken(
    realm: string,
    service: string,
    scope: string,
    creds: Credentials,
    pair: [string, string] | undefined,
    registry: string,
    watch?: StallWatch,
  ): Promise<CachedToken> {
    let res;
    const url = new URL(realm);
    const progress = { signal: watch?.signal, onData: watch?.data };
    const closed = watch?.opened();
    try {
      if (creds.identityToken) {
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, service, scope, client_id: 'berth' });
        res = await httpRequest(url.toString(), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
          ...progress,
        });
      } else {
        if (service) url.searchParams.set('service', service);
        url.searchParams.set('scope', scope);
        res = await httpRequest(url.toString(), { headers: pair ? { authorization: basicHeader(pair) } : {}, ...progress });
      }
    } catch (err) {
      closed?.();
      throw new BerthError('UNAVAILABLE', `${registry}: token server ${url.origin}: ${(err as Error).message}`);
    }
    if (closed) res.body.once('close', closed);
    const body = await readBody(res, 1024 * 1024, `token server ${url.origin} answer`);
    if (res.status === 401) throw new BerthError('UNAUTHENTICATED', `${registry}: token server ${url.origin} rejected the credentials`);
    if (res.status === 403) throw new BerthError('PERMISSION_DENIED', `${registry}: token server ${url.origin} denied access to ${scope}`);
    if (res.status !== 200) throw new BerthError('UNAVAILABLE', `${registry}: token server ${url.origin} answered ${res.status}`);
    let doc: { token?: string; access_token?: string; expires_in?: number };
    try {
      doc = JSON.parse(body.toString()) as typeof doc;
    } catch {
      throw new BerthError('UNAVAILABLE', `${registry}: token server ${url.origin} sent no JSON`);
    }
    const token = doc.access_token ?? doc.token;
    if (!token) throw new BerthError('UNAVAILABLE', `${registry}: token server ${url.origin} sent no token`);
    // Refresh a little early; 60 s is the spec's default lifetime.
    const lifetime = Math.max(10, (doc.expires_in ?? 60) - 5) * 1000;
    return { header: `Bearer ${token}`, expiresAt: Date.now() + lifetime };
  }
}
