// http_ece (web-push-libs, the encoder web-push itself uses) ships no types: the one call the local push service makes.
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';
  export function decrypt(buffer: Buffer, params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: string }): Buffer;
}
