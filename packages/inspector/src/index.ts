/**
 * @hemkit/inspector: what the `hemkit inspect` command and the inspector page share. Pure and
 * runtime-neutral (no Node types, no `node:` imports): the page bundles it for a browser. The
 * static server for the page is the Node-only entry `@hemkit/inspector/serve`.
 */
export { describe, named, tree, type Described, type Tree } from './describe.js';
export { readFile, readText, type InputReading, type ReadInput } from './input.js';
export { layout, itemAt, LayoutStop, type ItemKind, type LaidItem } from './layout.js';
export { nameTree, type Context, type NamedNode } from './names.js';
export { count, integerOf, readable, shortHex, type Readable } from './readable.js';
export { APPRAISAL_CHECKS, CONSISTENCY_PROOFS, COSE_VERIFICATION, familyOf, FRONTIERS, INCLUSION_PROOFS, PROFILE_FAULTS, recogniseCbor, SCHEMA_SPEC, TRUSTWORTHINESS_VECTOR, type Family, type FamilyId, type SpecSection } from './family.js';
export { faultRange, inspect, type Fault, type Inspection } from './inspect.js';
export { appraiseBundle, parseSetup, storeFromMemory, type AppraisalRequest, type MemoryJson, type VerifierSetup } from './appraisal.js';
export { checkConsistencyReceipts, walkFrontier, walkReceipts, type ConsistencyCheck, type FrontierHash, type FrontierWalk, type ReceiptWalk, type WalkStep } from './receipts.js';
export { checkSignatures, parseKeys, type NamedKey, type SignatureCheck } from './signatures.js';
export { parseSignedNote, type NoteSignature, type SignedNote } from './signed-note.js';
export { checkSchema, SCHEMAS, type SchemaVerdict } from './schemas.js';
