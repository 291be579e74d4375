/**
 * @hemkit/wire: the one place each hemkit wire format is coded. Import a subpath
 * (`@hemkit/wire/cbor`, `/cose`, `/crypto`, `/merkle`, `/messages`, `/bytes`, `/errors`) to take only what
 * you need; this index re-exports all but `/messages` and the Node-only `/crypto/node`.
 */
export * from './errors.js';
export * from './bytes.js';
export * from './cbor/index.js';
export * from './cose/index.js';
export * from './crypto/index.js';
export * from './merkle/index.js';
