import { invalidArgument, quote } from '../errors.js';

// Docker's reference grammar (distribution/reference), normalised as Docker
// does: no domain means docker.io, a one-part docker.io path means library/.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const PATH_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const DOMAIN_RE = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const ID_RE = /^(?:sha256:)?([a-f0-9]{64})$/;

export const DOCKER_HUB = 'docker.io';

export interface ImageReference {
  /** Registry host[:port], e.g. docker.io or 127.0.0.1:5000. */
  domain: string;
  /** Repository path on that registry, e.g. library/busybox. */
  path: string;
  tag?: string;
  digest?: string;
}

/** `domain/path`, the repository's full name. */
export function repository(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

export function taggedName(ref: ImageReference): string | undefined {
  return ref.tag ? `${repository(ref)}:${ref.tag}` : undefined;
}

export function digestName(ref: ImageReference, digest = ref.digest): string | undefined {
  return digest ? `${repository(ref)}@${digest}` : undefined;
}

/** The canonical string: name:tag, name@digest or name:tag@digest. */
export function formatReference(ref: ImageReference): string {
  return `${repository(ref)}${ref.tag ? ':' + ref.tag : ''}${ref.digest ? '@' + ref.digest : ''}`;
}

/** A bare image id (64 hex, with or without `sha256:`), which is not a name. */
export function parseImageId(s: string): string | undefined {
  const m = ID_RE.exec(s);
  return m ? `sha256:${m[1]}` : undefined;
}

export function parseReference(input: string): ImageReference {
  const bad = (why: string) => invalidArgument(`invalid image reference ${quote(input)}: ${why}`);
  if (!input) throw bad('empty');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) throw bad('digest must be sha256: and 64 lowercase hex characters');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) throw bad('tag must be at most 128 of [A-Za-z0-9_.-], not starting with . or -');
  }
  let domain = DOCKER_HUB;
  let path = rest;
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())) {
    domain = first;
    path = rest.slice(slash + 1);
    if (!DOMAIN_RE.test(domain)) throw bad(`bad registry host ${quote(domain)}`);
  }
  if (domain === 'index.docker.io') domain = DOCKER_HUB;
  if (!path) throw bad('no repository name');
  if (path !== path.toLowerCase()) throw bad('repository name must be lowercase');
  if (!PATH_RE.test(path)) throw bad('repository name has characters outside [a-z0-9._-/]');
  if (domain === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  if (domain.length + path.length + 1 > 255) throw bad('repository name longer than 255 characters');
  if (!tag && !digest) tag = 'latest';
  return { domain, path, tag, digest };
}
