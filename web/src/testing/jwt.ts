/** An unsigned JWT for unit tests of the UI's own logic (the UI never checks signatures). */
export function fakeJwt(payload: object): string {
  const b64 = (s: string) => Buffer.from(s).toString("base64url");
  return `${b64('{"alg":"EdDSA","typ":"JWT"}')}.${b64(JSON.stringify(payload))}.c2ln`;
}
