// WebAuthn JSON <-> browser objects (base64url for every binary field), for passkey sign-in,
// step-up and registration alike.

export function fromBase64Url(value) {
  const base64 = value.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(value.length / 4) * 4, "=");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

export function toBase64Url(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (const byte of bytes) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Asks the browser for an assertion with the API's options; null when the user cancelled or no passkey answered. */
export async function getAssertion(options) {
  const publicKey = {
    ...options,
    challenge: fromBase64Url(options.challenge),
    allowCredentials: (options.allowCredentials ?? []).map((c) => ({ ...c, id: fromBase64Url(c.id) })),
  };
  let credential;
  try {
    credential = await navigator.credentials.get({ publicKey });
  } catch {
    return null;
  }
  const response = credential.response;
  return {
    id: credential.id,
    rawId: toBase64Url(credential.rawId),
    type: credential.type,
    extensions: credential.getClientExtensionResults(),
    response: {
      authenticatorData: toBase64Url(response.authenticatorData),
      clientDataJSON: toBase64Url(response.clientDataJSON),
      signature: toBase64Url(response.signature),
      userHandle: response.userHandle ? toBase64Url(response.userHandle) : null,
    },
  };
}

/** Asks the browser to create a credential with the API's options; the attestation as the API reads it, or null. */
export async function createCredential(options) {
  const publicKey = withoutNulls({
    ...options,
    challenge: fromBase64Url(options.challenge),
    user: { ...options.user, id: fromBase64Url(options.user.id) },
    excludeCredentials: (options.excludeCredentials ?? []).map((c) => ({ ...c, id: fromBase64Url(c.id) })),
  });
  let credential;
  try {
    credential = await navigator.credentials.create({ publicKey });
  } catch {
    return null;
  }
  const response = credential.response;
  return {
    id: credential.id,
    rawId: toBase64Url(credential.rawId),
    type: credential.type,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: {
      attestationObject: toBase64Url(response.attestationObject),
      clientDataJSON: toBase64Url(response.clientDataJSON),
      transports: response.getTransports?.() ?? [],
    },
  };
}

/** The API sends absent members as null; the browser wants them left out (null is no valid enum value). */
function withoutNulls(value) {
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value) || Array.isArray(value)) {
    return Array.isArray(value) ? value.map(withoutNulls) : value;
  }
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}
