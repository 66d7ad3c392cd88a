// Redaction: secrets never reach a message meant for people. Configuration parsing registers the secrets
// it reads; every error a live backend throws passes its message through `redact` when it is made.

/** Secrets seen while parsing configuration; `redact` removes them from any text, wherever they appear. */
const knownSecrets = new Set<string>();

/** Remembers a secret (and its URL-encoded form) so that `redact` hides it from every later message. */
export function registerSecret(secret: string | undefined | null): void {
  if (!secret) return;
  knownSecrets.add(secret);
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret) knownSecrets.add(encoded);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const MASK = "***";

/**
 * Hides secrets in text meant for people: passwords in URLs (`redis://user:pw@host`), `apikey=`/`token=`/
 * `password=` parameters, `X_PASSWORD=` style assignments, SQLite Cloud AUTH commands, and every secret
 * registered with `registerSecret`. Idempotent, so it is safe to apply at every layer.
 */
export function redact(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another is hidden whole.
  const secrets = [...knownSecrets].sort((a, b) => b.length - a.length);
  for (const secret of secrets) {
    if (secret === MASK) continue;
    // A very short secret could also be an ordinary word: hide it only where it stands alone.
    const pattern =
      secret.length < 6
        ? new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(secret)}(?![A-Za-z0-9])`, "g")
        : new RegExp(escapeRegExp(secret), "g");
    out = out.replace(pattern, MASK);
  }
  return (
    out
      // scheme://user:password@host  (the password may hold anything up to the last @ before the host)
      .replace(/([a-z][a-z0-9+.-]*:\/\/[^:@/\s]*):[^\s]*@/gi, `$1:${MASK}@`)
      .replace(
        /([?&;]\s*(?:apikey|api_key|token|password|passwd|pwd|secret|access_token)=)[^&\s#;'"]+/gi,
        `$1${MASK}`,
      )
      .replace(
        /\b([A-Z0-9_]*(?:PASSWORD|PASSWD|APIKEY|API_KEY|TOKEN|SECRET)[A-Z0-9_]*=)[^\s'"]+/g,
        `$1${MASK}`,
      )
      .replace(/\bAUTH (APIKEY|TOKEN) [^\s;]+/g, `AUTH $1 ${MASK}`)
      .replace(/\bAUTH USER (\S+) (PASSWORD|HASH) [^\s;]+/g, `AUTH USER $1 $2 ${MASK}`)
  );
}
