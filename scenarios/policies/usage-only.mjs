/**
 * The shipped usage-only policy (specs/messages/module-commands.md §5.2) as a policy module, for
 * `--policy`: no clock is read, nothing expires, unused quota is carried to the next licence.
 */
export { USAGE_ONLY_POLICY as default } from '@hemkit/module';
